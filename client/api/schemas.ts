import { z } from 'zod';
import { conventionCreateInputSchema } from '../../domain/convention/input-rules';
import { civilDateSchema, departementSchema } from '../../domain/convention/schema';
import { EXTERNAL_EVENT_TYPES, type ExternalEventType } from '../../domain/lifecycle/events';
import { LEDGER_KINDS } from '../../domain/lifecycle/context';
import { PHASES } from '../../domain/lifecycle/phase';
import { LEDGER_STATUSES } from '../../domain/lifecycle/term';
import { DEADLINE_KINDS } from '../../domain/lifecycle/view';
import { FINANCING_TABLES } from '../../domain/reports/tables';
import type { Payment, Termination } from '../../domain/lifecycle/context';
import type { LedgerLine } from '../../domain/lifecycle/view';
import type { ScheduledReminder } from '../../domain/reminders/schedule';
import type { ConventionState, EventResult } from '../../domain/temporal-contract';
import type { ConventionSummary } from '../conventions';
import { PROBLEM_CODES, type Problem, type ProblemCode } from './problem';

/**
 * The API's schemas (zod). Each route gives them to Fastify, which validates requests with them
 * (the same schemas the workflow parses with), types its handler, serialises its answers and
 * documents it in the OpenAPI document (fastify-type-provider-zod). An answer is serialised with
 * the fields its schema lists: every field of the workflow's types is listed (checked at compile
 * time below), the parts documented elsewhere are passed whole (`opaque`).
 */

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

// ---- Responses ------------------------------------------------------------------------------

const integer = z.number().int();
const dateText = z.string().meta({ format: 'date' });

/**
 * A part of an answer passed as the workflow gives it, documented as an object (its fields are
 * those of the convention's data and history: docs/api.md and the templates describe them).
 */
export const opaque = z
  .custom<object>((value) => typeof value === 'object' && value !== null, { message: 'objet attendu' })
  .meta({ type: 'object', additionalProperties: true });

/** Returns the schema; fails to compile when it leaves out a field of `T` (it would not be sent). */
const listing =
  <T>() =>
  <S extends z.ZodObject>(
    schema: S &
      ([Exclude<keyof T, keyof z.output<S>>] extends [never]
        ? unknown
        : { unlisted: Exclude<keyof T, keyof z.output<S>> }),
  ): S =>
    schema;

export const problemSchema = listing<Problem>()(
  z
    .object({
      type: z.string().meta({ example: 'urn:iscg:problem:invalid' }),
      title: z.string(),
      status: integer,
      detail: z.string().describe('Ce qui ne va pas, en français'),
      code: z.enum(Object.keys(PROBLEM_CODES) as [ProblemCode, ...ProblemCode[]]),
      field: z.string().optional().describe('Le champ en cause (chemin pointé, ex. "data.startDate")'),
      phase: z.enum(PHASES).optional().describe('Phase de la convention au moment du refus'),
      errors: z
        .array(z.object({ field: z.string(), message: z.string(), article: z.string().optional() }))
        .optional(),
      instance: z.string().optional(),
    })
    .meta({ id: 'Problem', description: 'Erreur au format RFC 9457 (application/problem+json)' }),
);

export const eventResultSchema = listing<EventResult>()(
  z.object({
    conventionId: z.string(),
    event: z.enum(EXTERNAL_EVENT_TYPES as [ExternalEventType, ...ExternalEventType[]]),
    phase: z.enum(PHASES),
    term: integer.describe('Numéro de la période de trois ans (0 avant la prise d’effet)'),
    appliedAt: integer.describe('Instant d’application (ms depuis l’époque Unix)'),
    replayed: z
      .boolean()
      .describe(
        'Vrai quand la réponse est celle, mémorisée, d’une requête antérieure de même Idempotency-Key',
      ),
  }),
);

const paymentSchema = listing<Payment>()(
  z.object({
    paidOn: dateText.describe('Jour du versement, tel que le payeur l’a déclaré'),
    amountEur: z.number().nullable().describe('Montant déclaré (null: non précisé, pour un salaire)'),
    reference: z.string().nullable().describe('Référence du versement chez le payeur'),
    recordedAt: integer.describe('Instant de l’enregistrement (ms depuis 1970)'),
  }),
);

/** A line of the ledger, as the state, the schedule and `GET /conventions/{id}/ledger` list it. */
export const ledgerItemSchema = listing<LedgerLine>()(
  z
    .object({
      id: z.string().meta({
        example: 't1-salaire-2027-03',
        description:
          'Identifiant stable: `t<période>-salaire-<AAAA-MM>` (salaire du mois), `t<période>-etat-annee-<1..3>` (part de l’État), `t<période>-<partie>-annee-<1..3>` (part d’un cofinanceur). Il ne change jamais, même quand la ligne est reportée dans la période suivante (une ligne de la période 1 garde son `t1-` en période 2). C’est `itemId` dans RECORD_PAYMENT, RECORD_NON_PAYMENT et WRITE_OFF',
      }),
      kind: z.enum(LEDGER_KINDS).meta({ example: 'salary' }),
      term: integer.meta({ description: 'Période à laquelle la ligne appartient', example: 1 }),
      termYear: integer.meta({ description: 'Année de la période (1 à 3)', example: 1 }),
      month: z
        .string()
        .nullable()
        .meta({ description: 'Pour un salaire, le mois AAAA-MM; null sinon', example: '2027-03' }),
      payerPartyId: z
        .string()
        .meta({ description: 'La partie qui verse (l’employeur pour un salaire)', example: 'association' }),
      contractualDate: dateText.meta({
        description: 'Le jour écrit dans la convention',
        example: '2027-03-30',
      }),
      dueDate: dateText.meta({
        description:
          'Le jour où l’acte est dû: le jour contractuel, ou le jour ouvré qui le précède ou le suit (docs/calendar.md)',
        example: '2027-03-30',
      }),
      plannedAmountEur: z.number().nullable().meta({
        description: 'Montant prévu; null pour un salaire (son montant n’est pas dans la convention)',
        example: 20000,
      }),
      payments: z.array(paymentSchema).describe('Versements constatés, dans l’ordre'),
      nonPayment: z
        .object({ notedOn: dateText, reason: z.string().nullable(), recordedAt: integer })
        .nullable()
        .describe('Non-versement constaté (art. 9), null sinon'),
      waived: z.enum(['poste-vacant']).nullable().describe('Non due (poste vacant), null sinon'),
      writeOff: z
        .object({
          reason: z.string(),
          decidedOn: dateText,
          decisionRef: z.string().nullable(),
          recordedAt: integer,
        })
        .nullable()
        .optional()
        .describe('Close sans paiement par un opérateur (WRITE_OFF), null sinon'),
      status: z
        .enum(LEDGER_STATUSES)
        .optional()
        .meta({ description: 'Où en est la ligne aujourd’hui, dans le département', example: 'due' }),
    })
    .meta({
      id: 'LedgerItem',
      description:
        'Une ligne de l’échéancier: un salaire mensuel, la participation annuelle de l’État, ou la contribution annuelle d’un cofinanceur',
    }),
);

const reminderSchema = listing<ScheduledReminder>()(
  z.object({
    id: z.string().meta({
      description: 'Identité du message (son Message-ID avant le domaine), définitive',
      example: 'convention-59-lille-centre.t1.rappel.salary-payment.t1-salaire-2027-09.avant-2.2027-09-28',
    }),
    sendAt: z.string().meta({ format: 'date-time', description: 'Instant d’envoi (UTC)' }),
    sendOn: dateText.describe('Jour d’envoi, dans le fuseau du département'),
    label: z.string().meta({ example: 'versement du salaire de septembre 2027' }),
    rung: z.string().meta({
      description: '`avant-N` / `apres-N`: N jours ouvrés avant ou après l’échéance; `avis`: un avis',
      example: 'avant-2',
    }),
    to: z.array(z.string()).describe('Parties destinataires'),
    cc: z.array(z.string()).describe('Parties en copie'),
  }),
);

const conventionStateShape = {
  conventionId: z.string(),
  slug: z.string(),
  departement: z.object({ code: z.string(), name: z.string() }),
  title: z.string(),
  phase: z.enum(PHASES),
  phaseLabel: z.string(),
  today: dateText.describe('Le jour, dans le département'),
  flags: z.object({
    suspended: z.boolean(),
    postVacant: z.boolean(),
    denounced: z.boolean(),
    renewal: z.enum(['renew', 'not_renew']).nullable(),
  }),
  data: opaque.describe('Les blancs de la convention: parties, contacts, site, financement, dates'),
  missingBlanks: z.array(z.object({ field: z.string(), article: z.string(), message: z.string() })),
  recruitment: opaque,
  post: opaque,
  signatures: z.object({
    required: z.array(z.string()),
    missing: z.array(z.string()),
    collected: opaque.describe('Les signatures recueillies, par partie'),
  }),
  term: opaque.nullable(),
  pastTerms: z.array(opaque),
  ledger: z
    .array(ledgerItemSchema)
    .describe(
      'Échéancier: chaque ligne reste ouverte (à venir, due, en retard, payée en partie, non-versement constaté) jusqu’à être soldée (payée, non due, close sans paiement), quelle que soit sa période. Une ligne se retrouve par son identifiant, ou par `GET /conventions/{id}/ledger?month=AAAA-MM`',
    ),
  schedule: z
    .object({
      term: opaque,
      ledger: z.array(ledgerItemSchema),
      reminders: z
        .array(reminderSchema)
        .describe(
          'Les huit premiers rappels et avis que la convention enverra, avant et après la prise d’effet, si rien ne change d’ici là (un paiement, une suspension les modifient), par ordre d’envoi',
        ),
    })
    .nullable()
    .describe(
      'Signée, avant la prise d’effet (`awaiting_start`): la période 1 et son échéancier tels qu’ils s’ouvriront à la date de prise d’effet (identifiants et dates définitifs), et les premiers rappels prévus; null dans les autres phases',
    ),
  ledgerSummary: z.array(
    z.object({
      termYear: integer,
      due: integer,
      paid: integer,
      late: integer,
      unpaid: integer,
      upcoming: integer,
    }),
  ),
  suspensions: z.array(opaque),
  reviews: z.array(opaque),
  renewal: opaque.nullable(),
  denunciation: opaque.nullable(),
  termination: listing<Termination>()(
    z.object({
      on: dateText,
      reason: z.string(),
      detail: z.string().nullable(),
      closedOn: dateText
        .nullable()
        .optional()
        .describe('Clôture: null tant que des échéances restent à solder (phase settling)'),
    }),
  ).nullable(),
  deadlines: z.array(opaque),
  nextDeadline: opaque.nullable(),
  acceptedEvents: z.array(z.enum(EXTERNAL_EVENT_TYPES as [ExternalEventType, ...ExternalEventType[]])),
  history: z.array(opaque),
  deliveryFailures: z.array(opaque),
  webhooks: z.array(opaque),
  changeSequence: integer,
  sentMessages: integer,
  run: z.object({ number: integer, historyLength: integer }),
  documents: z.array(opaque),
};

export const conventionStateSchema = listing<ConventionState>()(
  z
    .object(conventionStateShape)
    .describe(
      'État complet de la convention: phase, données (parties et contacts), signatures, échéancier de financement, échéances, historique des décisions',
    ),
);

export const conventionSummarySchema = listing<ConventionSummary>()(
  z.object({
    conventionId: z.string(),
    status: z.string().describe('Statut Temporal (RUNNING, COMPLETED...)'),
    phase: z.string().nullable(),
    departement: z.string().nullable(),
    site: z.string().nullable(),
    employer: z.string().nullable(),
    termNumber: integer.nullable(),
    termEnd: dateText.nullable(),
    nextDeadline: dateText.nullable(),
    nextDeadlineKind: z.string().nullable(),
    nextActor: z.string().nullable(),
    suspended: z.boolean().nullable(),
    partyRoles: z.array(z.string()).nullable().describe('Les rôles des parties; null avant leur publication'),
    startTime: z.string().meta({ format: 'date-time' }),
  }),
);
