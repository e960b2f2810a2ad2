import { z } from 'zod';
import { labelSchema, referenceSchema, referenceShape } from '../convention/labels';
import { civilDateSchema, PARTY_ROLES, slugSchema } from '../convention/schema';
import { jsonDepth } from '../json-depth';
import { labelledValues } from '../labels';
import type { LifecycleBehaviour } from './behaviour';

/**
 * Every event a convention accepts from outside, with its payload. The same schemas validate API
 * bodies, Temporal update arguments and CLI input, and generate the OpenAPI document.
 */

/**
 * A line of the ledger, as `GET /conventions/{id}` lists it: `t<term>-salaire-<YYYY-MM>` for a
 * month's salary, `t<term>-etat-annee-<1..3>` for the State's yearly share,
 * `t<term>-<party id>-annee-<1..3>` for a co-financer's. An id never changes: a line carried
 * into the next term keeps its own (`t1-…` in term 2).
 */
const ledgerItemId = z
  .string()
  .min(1)
  .max(80)
  .describe(
    'Identifiant de la ligne de l’échéancier (champ `id` de `ledger` dans l’état de la convention): "t1-salaire-2027-03" (salaire de mars 2027, période 1), "t1-etat-annee-1" (participation de l’État, année 1), "t1-cd59-annee-2" (contribution du cofinanceur cd59, année 2); il ne change jamais, même reporté dans la période suivante.',
  );

/** Opaque references only: no personal file about candidates ever enters the system (art. 4). */
const candidateRef = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, {
  message: 'référence de candidature opaque attendue (ex. "CAND-2027-004"), jamais un nom',
});

/** Why drafting is reopened (art. 1: the terms change before everyone has signed). */
export const REOPEN_REASONS = [
  'modification-des-termes',
  'changement-de-partie',
  'changement-de-financement',
  'erreur-materielle',
  'autre',
] as const;
/** Why the planned credits were not paid (art. 9: the suspensive clause). */
export const NON_PAYMENT_REASONS = [
  'retard-de-versement',
  'credits-non-votes',
  'credits-insuffisants',
  'pieces-manquantes',
  'autre',
] as const;
/** Why the parties do not renew (art. 9). */
export const NOT_RENEWED_REASONS = [
  'financement-non-reconduit',
  'retrait-d-une-partie',
  'besoin-couvert-autrement',
  'evaluation-defavorable',
  'autre',
] as const;
/** Why a draft is abandoned before it takes effect. */
export const ABANDON_REASONS = [
  'financement-non-obtenu',
  'retrait-d-une-partie',
  'recrutement-infructueux',
  'projet-remplace',
  'autre',
] as const;

/** Why an operator closes a line of the ledger without its payment (WRITE_OFF). */
export const { values: WRITE_OFF_REASONS, labels: WRITE_OFF_REASON_LABELS } = labelledValues({
  'remise-gracieuse': 'remise accordée au financeur',
  'creance-irrecouvrable': 'créance irrécouvrable',
  'echeance-non-due': 'échéance qui n’était pas due',
  'regularisee-hors-convention': 'régularisée hors de la convention',
  autre: 'autre motif',
});
export type WriteOffReason = (typeof WRITE_OFF_REASONS)[number];

/**
 * How free text is read. Events are checked as sent today with the current rules (short labels
 * without personal data, reasons from closed lists); the events a convention recorded earlier are
 * replayed with the rules they were accepted under, so a running convention never changes course.
 */
interface TextRules {
  label: (max: number) => z.ZodType<string>;
  reference: (what: string) => z.ZodType<string>;
  reason: <const T extends readonly [string, ...string[]]>(codes: T) => z.ZodType<T[number]>;
  patch: (description: string) => z.ZodType<Record<string, unknown>>;
}

const CURRENT_TEXT: TextRules = {
  label: labelSchema,
  reference: referenceSchema,
  reason: (codes) =>
    z.enum(codes, { message: `motif attendu parmi: ${codes.join(', ')} (pas de texte libre)` }),
  patch: (description) => mergePatch(description),
};

const RECORDED_TEXT: TextRules = {
  label: (max) => z.string().trim().min(1).max(max),
  reference: (what) => referenceShape(what),
  // Free text then; its type is the current one so that both decide alike downstream.
  reason: () => z.string().trim().min(1).max(500) as z.ZodType as z.ZodType<never>,
  patch: (description) => z.record(z.string(), z.unknown()).describe(description),
};

const mergePatch = (description: string) =>
  z
    .record(z.string(), z.unknown())
    .refine((patch) => jsonDepth(patch, MAX_PATCH_DEPTH) <= MAX_PATCH_DEPTH, {
      message: `JSON Merge Patch imbriqué sur ${MAX_PATCH_DEPTH} niveaux au plus (les données de la convention en ont 5)`,
    })
    .describe(description);

export const MAX_PATCH_DEPTH = 8;

/** A field's description and example, as the OpenAPI document and `iscg events <event>` show them. */
function doc<T extends z.ZodType>(schema: T, description: string, example: unknown): T {
  return schema.meta({ description, example });
}

const TERM_YEAR =
  'Année de la période (1, 2 ou 3) à laquelle l’acte se rapporte (art. 8: un bilan et un comité par année)';

function payloadSchemas(text: TextRules) {
  const { label, reference, reason } = text;
  const mergePatch = text.patch;
  const itemId = doc(ledgerItemId, ledgerItemId.description!, 't1-salaire-2027-03');
  return {
    AMEND: z
      .object({
        patch: doc(
          mergePatch('JSON Merge Patch (RFC 7386) appliqué aux données de la convention'),
          'JSON Merge Patch (RFC 7386) appliqué aux données de la convention: les champs donnés remplacent, `null` efface; les blancs restants sont listés par `GET /conventions/{id}`',
          { site: { name: 'Commissariat de Lille-Centre' }, financing: { stateAnnualEur: 20000 } },
        ),
      })
      .strict(),
    SUBMIT_DRAFT: z.object({}).strict(),
    COMPOSE_SELECTION_COMMITTEE: z
      .object({
        members: doc(
          z
            .array(
              z
                .object({
                  partyId: doc(
                    slugSchema,
                    'Partie que le membre représente (un identifiant de `parties` dans la convention)',
                    'association',
                  ),
                  authority: doc(
                    z.enum(['hierarchique', 'fonctionnelle', 'autre']),
                    'Autorité du membre sur l’intervenant social (art. 3): hierarchique (l’employeur), fonctionnelle (le service de police ou de gendarmerie), autre',
                    'hierarchique',
                  ),
                  title: doc(
                    label(100),
                    'Fonction du membre, jamais son nom (ex. "directrice", "chef de service")',
                    'directrice',
                  ),
                })
                .strict(),
            )
            .min(1)
            .max(12),
          'Membres du comité de recrutement (art. 3), 1 à 12: les autorités hiérarchique et fonctionnelle au moins',
          [
            { partyId: 'association', authority: 'hierarchique', title: 'directrice' },
            { partyId: 'police', authority: 'fonctionnelle', title: 'chef de service' },
          ],
        ),
      })
      .strict(),
    RECORD_APPLICATIONS: z
      .object({
        count: doc(z.number().int().min(0).max(1000), 'Nombre de candidatures reçues', 7),
        references: doc(
          z.array(candidateRef).max(200).default([]),
          'Références opaques des candidatures (au plus `count`), jamais de nom: le dossier reste chez l’employeur',
          ['CAND-2027-001', 'CAND-2027-004'],
        ),
      })
      .strict()
      .refine((v) => v.references.length <= v.count, {
        message: 'plus de références que de candidatures',
        path: ['references'],
      }),
    RECORD_RECRUITMENT_DECISION: z.discriminatedUnion('outcome', [
      z
        .object({
          outcome: doc(
            z.literal('selected'),
            'Issue du comité: selected (un candidat retenu; la signature s’ouvre) ou no_suitable_candidate (aucun; le recrutement reste ouvert)',
            'selected',
          ),
          candidateRef: doc(
            candidateRef,
            'Référence opaque de la candidature retenue (une de `references`), jamais un nom',
            'CAND-2027-004',
          ),
          startsOn: doc(
            civilDateSchema.optional(),
            'Jour de prise de poste prévu de l’intervenant, s’il est connu; n’est pas la date d’effet de la convention (`startDate`, fixée par les données)',
            '2027-03-01',
          ),
        })
        .strict(),
      z
        .object({
          outcome: doc(
            z.literal('no_suitable_candidate'),
            'Aucun candidat retenu: le recrutement reste ouvert, de nouvelles candidatures peuvent être enregistrées',
            'no_suitable_candidate',
          ),
        })
        .strict(),
    ]),
    SIGN: z
      .object({
        partyId: doc(
          slugSchema,
          'Partie qui signe (un identifiant de `parties`): une clé de partie ne signe que pour elle-même',
          'etat',
        ),
        signerName: doc(
          label(120),
          'Nom du signataire tel qu’il figure sous la signature (un représentant, pas une personne aidée)',
          'Marie Dupont',
        ),
        signerTitle: doc(
          label(100),
          'Qualité du signataire (ex. "Préfète du Nord", "Secrétaire général, par délégation")',
          'Préfète du Nord',
        ),
        signedOn: doc(
          civilDateSchema,
          'Jour de la signature (au plus tard aujourd’hui dans le département)',
          '2026-12-10',
        ),
        eSignatureRef: doc(
          reference('eSignatureRef').optional(),
          'Référence de l’enveloppe chez le service de signature électronique, s’il y en a un',
          'documenso-4821',
        ),
        documentVersion: doc(
          z.number().int().min(1).max(100_000).optional(),
          'Version du document signé; absente: la version courante (docs/documents.md)',
          2,
        ),
        documentSha256: doc(
          z
            .string()
            .regex(/^[0-9a-f]{64}$/, {
              message: 'empreinte SHA-256 attendue: 64 chiffres hexadécimaux minuscules',
            })
            .optional(),
          'SHA-256 du PDF signé (en-tête X-Document-Sha256 de `GET /conventions/{id}/document`); absente: celle de la version courante',
          '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
        ),
      })
      .strict(),
    REOPEN_DRAFTING: z
      .object({
        reason: doc(
          reason(REOPEN_REASONS),
          `Pourquoi la rédaction est rouverte: ${REOPEN_REASONS.join(', ')}`,
          'modification-des-termes',
        ),
      })
      .strict(),
    RECORD_PAYMENT: z
      .object({
        itemId,
        paidOn: doc(
          civilDateSchema,
          'Jour du versement (au plus tard aujourd’hui), ex. "2027-03-31"',
          '2027-03-31',
        ),
        amountEur: doc(
          z.number().positive().max(10_000_000).optional(),
          'Montant versé en euros, ex. 5000. Pour une part annuelle (État, cofinanceur): requis, au plus le reste dû; il s’ajoute aux versements déjà constatés et la ligne est soldée quand le montant prévu est atteint. Pour un salaire (ligne sans montant prévu, `plannedAmountEur` null): facultatif et indicatif, conservé tel quel; le salaire du mois est payé dès que son versement est constaté.',
          5000,
        ),
        reference: doc(
          reference('reference').optional(),
          'Référence du versement chez le payeur (mandat, virement), ex. "VIR-2027-0331"',
          'VIR-2027-0331',
        ),
      })
      .strict(),
    RECORD_NON_PAYMENT: z
      .object({
        itemId,
        notedOn: doc(
          civilDateSchema,
          'Jour où le défaut de paiement est constaté: après le jour d’échéance de la ligne (art. 9: la convention est suspendue)',
          '2027-07-01',
        ),
        reason: doc(
          reason(NON_PAYMENT_REASONS).optional(),
          `Motif du défaut: ${NON_PAYMENT_REASONS.join(', ')}`,
          'credits-non-votes',
        ),
      })
      .strict(),
    // Born with closed reasons: read the same way as sent and as recorded.
    WRITE_OFF: z
      .object({
        itemId,
        reason: doc(
          z.enum(WRITE_OFF_REASONS),
          `Motif de la clôture sans paiement: ${WRITE_OFF_REASONS.join(', ')}`,
          'creance-irrecouvrable',
        ),
        decidedOn: doc(civilDateSchema, 'Date de la décision de clore l’échéance', '2030-03-15'),
        decisionRef: doc(
          reference('decisionRef').optional(),
          'Référence de la décision (arrêté, courrier)',
          'AP-2030-112',
        ),
      })
      .strict(),
    SUBMIT_ACTIVITY_REPORT: z
      .object({
        termYear: doc(z.number().int().min(1).max(3), TERM_YEAR, 1),
        submittedOn: doc(civilDateSchema, 'Jour où le bilan d’activité est remis aux parties', '2028-02-15'),
        documentRef: doc(
          reference('documentRef'),
          'Référence du bilan chez l’employeur (le document lui-même reste hors du système)',
          'BILAN-2027-LILLE',
        ),
        statistics: doc(
          z
            .record(slugSchema, z.number().int().min(0).max(1_000_000))
            .refine((s) => Object.keys(s).length <= 50, { message: '50 indicateurs au plus' }),
          'Indicateurs chiffrés du bilan (ex. {"personnes-recues": 412}); jamais de donnée nominative',
          { 'personnes-recues': 412, 'orientations-sociales': 158 },
        ),
      })
      .strict(),
    SCHEDULE_COMMITTEE: z
      .object({
        termYear: doc(z.number().int().min(1).max(3), TERM_YEAR, 1),
        meetingDate: doc(civilDateSchema, 'Jour de la réunion du comité de suivi (art. 8)', '2028-03-14'),
        meetingTime: doc(
          z
            .string()
            .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'heure attendue au format HH:MM' })
            .default('10:00'),
          'Heure de début, HH:MM, heure locale du département (défaut 10:00): l’invitation jointe aux convocations la porte',
          '14:30',
        ),
        location: doc(
          label(120).optional(),
          'Lieu de la réunion (ex. "préfecture, salle Jean Moulin")',
          'préfecture, salle Jean Moulin',
        ),
      })
      .strict(),
    RECORD_COMMITTEE_REVIEW: z
      .object({
        termYear: doc(z.number().int().min(1).max(3), TERM_YEAR, 1),
        heldOn: doc(civilDateSchema, 'Jour où le comité de suivi s’est tenu', '2028-03-14'),
        recommendations: doc(
          z.array(label(300)).max(10).default([]),
          'Préconisations du comité, en quelques mots chacune; le détail est au compte rendu',
          ['renforcer les permanences du samedi'],
        ),
        minutesRef: doc(
          reference('minutesRef').optional(),
          'Référence du compte rendu de la réunion',
          'CR-COMITE-2028-03',
        ),
      })
      .strict(),
    DECLARE_VACANCY: z
      .object({
        vacantFrom: doc(
          civilDateSchema,
          'Premier jour sans intervenant en poste: les salaires ne sont plus dus à partir de ce jour',
          '2028-06-01',
        ),
        reason: doc(
          z.enum(['demission', 'fin-de-contrat', 'mutation', 'autre']).default('autre'),
          'Cause de la vacance: demission, fin-de-contrat, mutation, autre (défaut)',
          'demission',
        ),
      })
      .strict(),
    RECORD_RENEWAL_DECISION: z.discriminatedUnion('decision', [
      z
        .object({
          decision: doc(
            z.literal('renew'),
            'Décision des parties (art. 9): renew (une nouvelle période à l’échéance) ou not_renew',
            'renew',
          ),
          decidedOn: doc(civilDateSchema, 'Jour de la décision', '2029-09-15'),
          nextTermPatch: doc(
            mergePatch(
              'Modifications pour la période suivante (nouveaux partenaires, financement), en JSON Merge Patch',
            ).optional(),
            'Modifications pour la période suivante (nouveaux partenaires, financement), en JSON Merge Patch',
            { financing: { stateAnnualEur: 21000 } },
          ),
        })
        .strict(),
      z
        .object({
          decision: doc(
            z.literal('not_renew'),
            'Les parties ne renouvellent pas: la convention prend fin à l’échéance',
            'not_renew',
          ),
          decidedOn: doc(civilDateSchema, 'Jour de la décision', '2029-09-15'),
          reason: doc(
            reason(NOT_RENEWED_REASONS).optional(),
            `Motif du non-renouvellement: ${NOT_RENEWED_REASONS.join(', ')}`,
            'financement-non-reconduit',
          ),
        })
        .strict(),
    ]),
    DENOUNCE: z
      .object({
        partyId: doc(
          slugSchema,
          'Partie qui dénonce la convention (un identifiant de `parties`), pour elle-même',
          'commune-lille',
        ),
        letterSentOn: doc(
          civilDateSchema,
          'Date d’envoi de la lettre recommandée avec accusé de réception',
          '2029-10-20',
        ),
        letterReference: doc(reference('letterReference'), 'Numéro du recommandé', '1A 234 567 8901 2'),
      })
      .strict(),
    ABANDON: z
      .object({
        reason: doc(
          reason(ABANDON_REASONS),
          `Pourquoi le projet est abandonné: ${ABANDON_REASONS.join(', ')}`,
          'financement-non-obtenu',
        ),
      })
      .strict(),
  } as const;
}

/** The payload of each event as it may be sent: API bodies, CLI input, update validators. */
export const eventPayloadSchemas = payloadSchemas(CURRENT_TEXT);
/** The payload of each event as a convention may have recorded it: replay only (`decide`, 'recorded'). */
export const recordedPayloadSchemas = payloadSchemas(RECORDED_TEXT);

export type ExternalEventType = keyof typeof eventPayloadSchemas;
export const EXTERNAL_EVENT_TYPES = Object.keys(eventPayloadSchemas) as ExternalEventType[];

export type EventPayload<T extends ExternalEventType> = z.output<(typeof eventPayloadSchemas)[T]>;

export const actorSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('party'), partyId: slugSchema, client: z.string().max(80).optional() }).strict(),
  /** A client bound to a role (e.g. the préfecture of a département): resolved to the convention's party. */
  z
    .object({
      kind: z.literal('party-role'),
      role: z.enum(PARTY_ROLES),
      client: z.string().max(80).optional(),
    })
    .strict(),
  z.object({ kind: z.literal('operator'), client: z.string().max(80).optional() }).strict(),
  z.object({ kind: z.literal('system') }).strict(),
]);
export type Actor = z.infer<typeof actorSchema>;

/**
 * What reaches the machine: the payload, plus who sent it, when, and under which behaviour (set by
 * the workflow; see behaviour.ts).
 */
export type ExternalEvent = {
  [T in ExternalEventType]: {
    type: T;
    payload: EventPayload<T>;
    actor: Actor;
    at: number;
    behaviour?: LifecycleBehaviour;
  };
}[ExternalEventType];
export type ClockEvent = { type: 'CLOCK'; at: number; behaviour?: LifecycleBehaviour };
export type MachineEvent = ExternalEvent | ClockEvent;

export const EVENT_LABELS: Record<ExternalEventType, string> = {
  AMEND: 'Modification de la convention',
  SUBMIT_DRAFT: 'Fin de la rédaction',
  COMPOSE_SELECTION_COMMITTEE: 'Composition du comité de sélection',
  RECORD_APPLICATIONS: 'Candidatures reçues',
  RECORD_RECRUITMENT_DECISION: 'Décision du comité de sélection',
  SIGN: 'Signature',
  REOPEN_DRAFTING: 'Retour en rédaction',
  RECORD_PAYMENT: 'Paiement constaté',
  RECORD_NON_PAYMENT: 'Non-versement constaté',
  WRITE_OFF: 'Échéance close sans paiement',
  SUBMIT_ACTIVITY_REPORT: 'Remise du bilan d’activité',
  SCHEDULE_COMMITTEE: 'Convocation du comité de suivi',
  RECORD_COMMITTEE_REVIEW: 'Examen du bilan par le comité de suivi',
  DECLARE_VACANCY: 'Vacance du poste',
  RECORD_RENEWAL_DECISION: 'Décision sur la reconduction',
  DENOUNCE: 'Dénonciation',
  ABANDON: 'Abandon',
};

/** The kebab-case name used in URLs and the CLI ("record-payment") for each event. */
export function eventSlug(type: ExternalEventType): string {
  return type.toLowerCase().replace(/_/g, '-');
}

export function eventTypeFromSlug(slug: string): ExternalEventType | undefined {
  const type = slug.toUpperCase().replace(/-/g, '_');
  return (EXTERNAL_EVENT_TYPES as string[]).includes(type) ? (type as ExternalEventType) : undefined;
}
