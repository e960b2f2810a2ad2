import { z } from 'zod';
import { conventionCreateInputSchema } from '../../domain/convention/input-rules';
import { civilDateSchema, departementSchema } from '../../domain/convention/schema';
import { IDEMPOTENCY_KEY_PATTERN } from '../../domain/idempotency';
import { EXTERNAL_EVENT_TYPES, type ExternalEventType } from '../../domain/lifecycle/events';
import { LEDGER_KINDS } from '../../domain/lifecycle/context';
import { PHASES } from '../../domain/lifecycle/phase';
import { LEDGER_STATUSES } from '../../domain/lifecycle/term';
import { DEADLINE_KINDS } from '../../domain/lifecycle/view';
import { FINANCING_TABLES } from '../../domain/reports/tables';
import { PROBLEM_CODES } from './problem';

/**
 * Request schemas of the API (zod, the same ones the workflow validates with) and their JSON Schema
 * for the OpenAPI document. Responses are described by hand-written JSON Schema: they come from
 * the workflow and are returned as they are.
 */

type JsonSchema = Record<string, unknown>;

/** JSON Schema (OpenAPI 3.0 flavour) of a request body, as the client sends it. */
export function requestSchema(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      if (ctx.zodSchema === civilDateSchema) ctx.jsonSchema.format = 'date';
    },
  }) as JsonSchema;
  delete json.$schema;
  return json;
}

export const createBodySchema = conventionCreateInputSchema;

export const genericEventBodySchema = z
  .object({
    type: z.enum(EXTERNAL_EVENT_TYPES as [ExternalEventType, ...ExternalEventType[]]),
    payload: z.unknown().optional().describe('Corps propre à l’événement (voir les routes typées)'),
  })
  .strict();

export const webhookBodySchema = z
  .object({
    url: z.string().max(2000).describe('URL https du récepteur (http et adresses locales en développement)'),
  })
  .strict();

export const booleanQuery = z
  .enum(['true', 'false'], { message: 'true ou false attendu' })
  .transform((v) => v === 'true');

/**
 * Text filters compare whole keyword values. Temporal's visibility query reads backslash escapes
 * and does not match values holding a straight double quote, so both are refused up front.
 */
const SEARCHABLE_TEXT = /^[^\p{Cc}\\"]+$/u;
const SEARCHABLE_TEXT_MESSAGE =
  'texte exact sans caractère de contrôle, ni « \\ » ni guillemet droit (utilisez « » ou ’)';

export const listQuerySchema = z
  .object({
    phase: z.enum(PHASES).optional(),
    departement: departementSchema.optional(),
    employer: z
      .string()
      .trim()
      .min(1)
      .max(160)
      .regex(SEARCHABLE_TEXT, { message: SEARCHABLE_TEXT_MESSAGE })
      .optional()
      .describe('Organisation employeuse, nom exact (ex. "Association Accueil et Médiation")'),
    site: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .regex(SEARCHABLE_TEXT, { message: SEARCHABLE_TEXT_MESSAGE })
      .optional(),
    deadlineBefore: civilDateSchema.optional().describe('Prochaine échéance au plus tard ce jour (inclus)'),
    deadlineAfter: civilDateSchema.optional().describe('Prochaine échéance au plus tôt ce jour (inclus)'),
    deadlineKind: z.enum(DEADLINE_KINDS).optional(),
    suspended: booleanQuery.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
  })
  .strict();
export type ListQuery = z.output<typeof listQuerySchema>;

// ---- Reports ---------------------------------------------------------------------------------

/** A comma-separated list, or the same parameter repeated. */
const listParam = <T extends z.ZodType<unknown, string>>(item: T, what: string) =>
  z
    .union([z.string(), z.array(z.string())], { message: `${what}: liste séparée par des virgules attendue` })
    .transform((v) =>
      (Array.isArray(v) ? v.join(',') : v)
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item).max(120, { message: `${what}: 120 valeurs au plus` }));

const YEAR_MIN = 2000;
const YEAR_MAX = 2100;

/** "2027", "2027-2029" or "2026,2028": at most twenty calendar years. */
const yearsParam = z
  .string({ message: 'années attendues: 2027, 2027-2029 ou 2026,2028' })
  .regex(/^\s*\d{4}(\s*-\s*\d{4})?(\s*,\s*\d{4}(\s*-\s*\d{4})?)*\s*$/, {
    message: 'années attendues: 2027, 2027-2029 ou 2026,2028',
  })
  .transform((text, ctx) => {
    const years = new Set<number>();
    for (const part of text.split(',')) {
      const [from, to = from] = part.split('-').map((y) => Number(y.trim()));
      if (from! > to!) {
        ctx.addIssue({ code: 'custom', message: `intervalle à l’envers: ${part.trim()}` });
        return z.NEVER;
      }
      if (from! < YEAR_MIN || to! > YEAR_MAX) {
        ctx.addIssue({ code: 'custom', message: `années de ${YEAR_MIN} à ${YEAR_MAX}` });
        return z.NEVER;
      }
      for (let y = from!; y <= to! && years.size <= 20; y++) years.add(y);
    }
    if (years.size > 20) {
      ctx.addIssue({ code: 'custom', message: 'vingt années au plus' });
      return z.NEVER;
    }
    return [...years].sort((a, b) => a - b);
  })
  .describe('Années civiles: 2027, 2027-2029 ou 2026,2028 (défaut: l’année en cours)');

const reportFilterShape = {
  departements: listParam(
    z
      .string()
      .transform((code) => code.toUpperCase())
      .pipe(departementSchema),
    'departements',
  )
    .optional()
    .describe('Départements, séparés par des virgules (ex. 59,62,2A); défaut: tous ceux de la clé'),
  phase: listParam(z.enum(PHASES), 'phase')
    .optional()
    .describe('Phases actuelles des conventions retenues, séparées par des virgules (ex. active,suspended)'),
  format: z.enum(['json', 'csv']).optional().describe('json (défaut) ou csv; sinon selon l’en-tête Accept'),
};

export const financingQuerySchema = z
  .object({
    years: yearsParam.optional(),
    ...reportFilterShape,
    table: z
      .enum(FINANCING_TABLES)
      .default('annees')
      .describe(
        'Pour le CSV: annees (par année, département et payeur), previsions (douze mois), suspensions, fins-de-periode',
      ),
  })
  .strict();
export type FinancingQuery = z.output<typeof financingQuerySchema>;

export const deadlinesQuerySchema = z
  .object({
    days: z.coerce
      .number({ message: 'nombre de jours attendu' })
      .int({ message: 'nombre entier de jours attendu' })
      .min(1, { message: '1 jour au moins' })
      .max(366, { message: '366 jours au plus' })
      .default(30)
      .describe('Horizon en jours: les échéances en retard et celles des N prochains jours (défaut 30)'),
    ...reportFilterShape,
  })
  .strict();
export type DeadlinesQuery = z.output<typeof deadlinesQuerySchema>;

export const activityQuerySchema = z.object({ years: yearsParam.optional(), ...reportFilterShape }).strict();
export type ActivityQuery = z.output<typeof activityQuerySchema>;

export const idempotencyKeySchema = z.string().regex(IDEMPOTENCY_KEY_PATTERN, {
  message: '8 à 128 caractères parmi lettres, chiffres, « . », « _ », « : » et « - »',
});

// ---- Response schemas (documentation) -------------------------------------------------------

export const problemSchema: JsonSchema = {
  type: 'object',
  description: 'Erreur au format RFC 9457 (application/problem+json)',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string', example: 'urn:iscg:problem:invalid' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string', description: 'Ce qui ne va pas, en français' },
    code: { type: 'string', enum: Object.keys(PROBLEM_CODES) },
    field: { type: 'string', description: 'Le champ en cause (chemin pointé, ex. "data.startDate")' },
    phase: { type: 'string', enum: [...PHASES], description: 'Phase de la convention au moment du refus' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string' }, message: { type: 'string' }, article: { type: 'string' } },
      },
    },
    instance: { type: 'string' },
  },
};

export const eventResultSchema: JsonSchema = {
  type: 'object',
  required: ['conventionId', 'event', 'phase', 'term', 'appliedAt', 'replayed'],
  properties: {
    conventionId: { type: 'string' },
    event: { type: 'string', enum: EXTERNAL_EVENT_TYPES },
    phase: { type: 'string', enum: [...PHASES] },
    term: { type: 'integer', description: 'Numéro de la période de trois ans (0 avant la prise d’effet)' },
    appliedAt: { type: 'integer', description: 'Instant d’application (ms depuis l’époque Unix)' },
    replayed: {
      type: 'boolean',
      description:
        'Vrai quand la réponse est celle, mémorisée, d’une requête antérieure de même Idempotency-Key',
    },
  },
};

const payment: JsonSchema = {
  type: 'object',
  properties: {
    paidOn: {
      type: 'string',
      format: 'date',
      description: 'Jour du versement, tel que le payeur l’a déclaré',
    },
    amountEur: {
      type: 'number',
      nullable: true,
      description: 'Montant déclaré (null: non précisé, pour un salaire)',
    },
    reference: { type: 'string', nullable: true, description: 'Référence du versement chez le payeur' },
    recordedAt: { type: 'integer', description: 'Instant de l’enregistrement (ms depuis 1970)' },
  },
};

/** A line of the ledger, as the state, the schedule and `GET /conventions/{id}/ledger` list it. */
export const ledgerItemSchema: JsonSchema = {
  $id: 'LedgerItem',
  type: 'object',
  description:
    'Une ligne de l’échéancier: un salaire mensuel, la participation annuelle de l’État, ou la contribution annuelle d’un cofinanceur',
  required: ['id', 'kind', 'term', 'dueDate', 'payerPartyId'],
  properties: {
    id: {
      type: 'string',
      example: 't1-salaire-2027-03',
      description:
        'Identifiant stable: `t<période>-salaire-<AAAA-MM>` (salaire du mois), `t<période>-etat-annee-<1..3>` (part de l’État), `t<période>-<partie>-annee-<1..3>` (part d’un cofinanceur). Il ne change jamais, même quand la ligne est reportée dans la période suivante (une ligne de la période 1 garde son `t1-` en période 2). C’est `itemId` dans RECORD_PAYMENT, RECORD_NON_PAYMENT et WRITE_OFF',
    },
    kind: { type: 'string', enum: [...LEDGER_KINDS], example: 'salary' },
    term: { type: 'integer', description: 'Période à laquelle la ligne appartient', example: 1 },
    termYear: { type: 'integer', description: 'Année de la période (1 à 3)', example: 1 },
    month: {
      type: 'string',
      nullable: true,
      description: 'Pour un salaire, le mois AAAA-MM; null sinon',
      example: '2027-03',
    },
    payerPartyId: {
      type: 'string',
      description: 'La partie qui verse (l’employeur pour un salaire)',
      example: 'association',
    },
    contractualDate: {
      type: 'string',
      format: 'date',
      description: 'Le jour écrit dans la convention',
      example: '2027-03-30',
    },
    dueDate: {
      type: 'string',
      format: 'date',
      description:
        'Le jour où l’acte est dû: le jour contractuel, ou le jour ouvré qui le précède ou le suit (docs/calendar.md)',
      example: '2027-03-30',
    },
    plannedAmountEur: {
      type: 'number',
      nullable: true,
      description: 'Montant prévu; null pour un salaire (son montant n’est pas dans la convention)',
      example: 20000,
    },
    payments: { type: 'array', items: payment, description: 'Versements constatés, dans l’ordre' },
    nonPayment: {
      type: 'object',
      nullable: true,
      description: 'Non-versement constaté (art. 9), null sinon',
      properties: {
        notedOn: { type: 'string', format: 'date' },
        reason: { type: 'string', nullable: true },
        recordedAt: { type: 'integer' },
      },
    },
    waived: {
      type: 'string',
      nullable: true,
      enum: ['poste-vacant', null],
      description: 'Non due (poste vacant), null sinon',
    },
    writeOff: {
      type: 'object',
      nullable: true,
      description: 'Close sans paiement par un opérateur (WRITE_OFF), null sinon',
      properties: {
        reason: { type: 'string' },
        decidedOn: { type: 'string', format: 'date' },
        decisionRef: { type: 'string', nullable: true },
        recordedAt: { type: 'integer' },
      },
    },
    status: {
      type: 'string',
      enum: [...LEDGER_STATUSES],
      description: 'Où en est la ligne aujourd’hui, dans le département',
      example: 'due',
    },
  },
};

export const conventionStateSchema: JsonSchema = {
  type: 'object',
  description:
    'État complet de la convention: phase, données (parties et contacts), signatures, échéancier de financement, échéances, historique des décisions',
  additionalProperties: true,
  properties: {
    conventionId: { type: 'string' },
    slug: { type: 'string' },
    title: { type: 'string' },
    phase: { type: 'string', enum: [...PHASES] },
    phaseLabel: { type: 'string' },
    departement: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' } } },
    flags: { type: 'object', additionalProperties: true },
    data: { type: 'object', additionalProperties: true },
    missingBlanks: { type: 'array', items: { type: 'object', additionalProperties: true } },
    signatures: { type: 'object', additionalProperties: true },
    term: { type: 'object', nullable: true, additionalProperties: true },
    ledger: {
      type: 'array',
      description:
        'Échéancier: chaque ligne reste ouverte (à venir, due, en retard, payée en partie, non-versement constaté) jusqu’à être soldée (payée, non due, close sans paiement), quelle que soit sa période. Une ligne se retrouve par son identifiant, ou par `GET /conventions/{id}/ledger?month=AAAA-MM`',
      items: { $ref: 'LedgerItem#' },
    },
    schedule: {
      type: 'object',
      nullable: true,
      description:
        'Signée, avant la prise d’effet (`awaiting_start`): la période 1 et son échéancier tels qu’ils s’ouvriront à la date de prise d’effet (identifiants et dates définitifs), et les premiers rappels prévus; null dans les autres phases',
      properties: {
        term: { type: 'object', additionalProperties: true },
        ledger: { type: 'array', items: { $ref: 'LedgerItem#' } },
        reminders: {
          type: 'array',
          description:
            'Les huit premiers rappels et avis que la convention enverra, avant et après la prise d’effet, si rien ne change d’ici là (un paiement, une suspension les modifient), par ordre d’envoi',
          items: {
            type: 'object',
            properties: {
              id: {
                type: 'string',
                description: 'Identité du message (son Message-ID avant le domaine), définitive',
                example:
                  'convention-59-lille-centre.t1.rappel.salary-payment.t1-salaire-2027-09.avant-2.2027-09-28',
              },
              sendAt: { type: 'string', format: 'date-time', description: 'Instant d’envoi (UTC)' },
              sendOn: {
                type: 'string',
                format: 'date',
                description: 'Jour d’envoi, dans le fuseau du département',
              },
              label: { type: 'string', example: 'versement du salaire de septembre 2027' },
              rung: {
                type: 'string',
                description:
                  '`avant-N` / `apres-N`: N jours ouvrés avant ou après l’échéance; `avis`: un avis',
                example: 'avant-2',
              },
              to: { type: 'array', items: { type: 'string' }, description: 'Parties destinataires' },
              cc: { type: 'array', items: { type: 'string' }, description: 'Parties en copie' },
            },
          },
        },
      },
    },
    termination: {
      type: 'object',
      nullable: true,
      additionalProperties: true,
      properties: {
        on: { type: 'string', format: 'date' },
        reason: { type: 'string' },
        closedOn: {
          type: 'string',
          format: 'date',
          nullable: true,
          description: 'Clôture: null tant que des échéances restent à solder (phase settling)',
        },
      },
    },
    deadlines: { type: 'array', items: { type: 'object', additionalProperties: true } },
    nextDeadline: { type: 'object', nullable: true, additionalProperties: true },
    acceptedEvents: { type: 'array', items: { type: 'string', enum: EXTERNAL_EVENT_TYPES } },
    history: { type: 'array', items: { type: 'object', additionalProperties: true } },
  },
};

export const conventionSummarySchema: JsonSchema = {
  type: 'object',
  properties: {
    conventionId: { type: 'string' },
    status: { type: 'string', description: 'Statut Temporal (RUNNING, COMPLETED...)' },
    phase: { type: 'string', nullable: true },
    departement: { type: 'string', nullable: true },
    site: { type: 'string', nullable: true },
    employer: { type: 'string', nullable: true },
    termNumber: { type: 'integer', nullable: true },
    termEnd: { type: 'string', format: 'date', nullable: true },
    nextDeadline: { type: 'string', format: 'date', nullable: true },
    nextDeadlineKind: { type: 'string', nullable: true },
    nextActor: { type: 'string', nullable: true },
    suspended: { type: 'boolean', nullable: true },
    startTime: { type: 'string', format: 'date-time' },
  },
};
