import { z } from 'zod';
import { civilDateSchema, PARTY_ROLES, slugSchema } from '../convention/schema';

/**
 * Every event a convention accepts from outside, with its payload. The same schemas validate API
 * bodies, Temporal update arguments and CLI input, and generate the OpenAPI document.
 */

const reference = (what: string) =>
  z
    .string()
    .trim()
    .min(1)
    .max(120)
    .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._/:#-]*$/u, {
      message: `${what}: référence attendue (lettres, chiffres, espaces et . _ / : # -)`,
    });

/** Opaque references only: no personal file about candidates ever enters the system (art. 4). */
const candidateRef = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, {
  message: 'référence de candidature opaque attendue (ex. "CAND-2027-004"), jamais un nom',
});

const freeText = (max: number) => z.string().trim().min(1).max(max);

export const eventPayloadSchemas = {
  AMEND: z
    .object({
      patch: z
        .record(z.string(), z.unknown())
        .describe('JSON Merge Patch (RFC 7386) appliqué aux données de la convention'),
    })
    .strict(),
  SUBMIT_DRAFT: z.object({}).strict(),
  COMPOSE_SELECTION_COMMITTEE: z
    .object({
      members: z
        .array(
          z
            .object({
              partyId: slugSchema,
              authority: z.enum(['hierarchique', 'fonctionnelle', 'autre']),
              title: freeText(160),
            })
            .strict(),
        )
        .min(1)
        .max(12),
    })
    .strict(),
  RECORD_APPLICATIONS: z
    .object({
      count: z.number().int().min(0).max(1000),
      references: z.array(candidateRef).max(200).default([]),
    })
    .strict()
    .refine((v) => v.references.length <= v.count, {
      message: 'plus de références que de candidatures',
      path: ['references'],
    }),
  RECORD_RECRUITMENT_DECISION: z.discriminatedUnion('outcome', [
    z.object({ outcome: z.literal('selected'), candidateRef, startsOn: civilDateSchema.optional() }).strict(),
    z.object({ outcome: z.literal('no_suitable_candidate') }).strict(),
  ]),
  SIGN: z
    .object({
      partyId: slugSchema,
      signerName: freeText(120),
      signerTitle: freeText(160),
      signedOn: civilDateSchema,
      eSignatureRef: reference('eSignatureRef').optional(),
      documentVersion: z
        .number()
        .int()
        .min(1)
        .max(100_000)
        .optional()
        .describe('Version du document signé; absente: la version courante (docs/documents.md)'),
      documentSha256: z
        .string()
        .regex(/^[0-9a-f]{64}$/, {
          message: 'empreinte SHA-256 attendue: 64 chiffres hexadécimaux minuscules',
        })
        .optional()
        .describe('SHA-256 du PDF signé; absente: celle de la version courante'),
    })
    .strict(),
  REOPEN_DRAFTING: z.object({ reason: freeText(500) }).strict(),
  RECORD_PAYMENT: z
    .object({
      itemId: z.string().min(1).max(80),
      paidOn: civilDateSchema,
      amountEur: z.number().positive().max(10_000_000).optional(),
      reference: reference('reference').optional(),
    })
    .strict(),
  RECORD_NON_PAYMENT: z
    .object({ itemId: z.string().min(1).max(80), notedOn: civilDateSchema, reason: freeText(500).optional() })
    .strict(),
  SUBMIT_ACTIVITY_REPORT: z
    .object({
      termYear: z.number().int().min(1).max(3),
      submittedOn: civilDateSchema,
      documentRef: reference('documentRef'),
      statistics: z
        .record(slugSchema, z.number().int().min(0).max(1_000_000))
        .refine((s) => Object.keys(s).length <= 50, { message: '50 indicateurs au plus' })
        .describe(
          'Indicateurs chiffrés du bilan (ex. {"personnes-recues": 412}); jamais de donnée nominative',
        ),
    })
    .strict(),
  SCHEDULE_COMMITTEE: z
    .object({
      termYear: z.number().int().min(1).max(3),
      meetingDate: civilDateSchema,
      meetingTime: z
        .string()
        .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'heure attendue au format HH:MM' })
        .default('10:00'),
      location: freeText(200).optional(),
    })
    .strict(),
  RECORD_COMMITTEE_REVIEW: z
    .object({
      termYear: z.number().int().min(1).max(3),
      heldOn: civilDateSchema,
      recommendations: z.array(freeText(1000)).max(20).default([]),
      minutesRef: reference('minutesRef').optional(),
    })
    .strict(),
  DECLARE_VACANCY: z
    .object({
      vacantFrom: civilDateSchema,
      reason: z.enum(['demission', 'fin-de-contrat', 'mutation', 'autre']).default('autre'),
    })
    .strict(),
  RECORD_RENEWAL_DECISION: z.discriminatedUnion('decision', [
    z
      .object({
        decision: z.literal('renew'),
        decidedOn: civilDateSchema,
        nextTermPatch: z
          .record(z.string(), z.unknown())
          .optional()
          .describe(
            'Modifications pour la période suivante (nouveaux partenaires, financement), en JSON Merge Patch',
          ),
      })
      .strict(),
    z
      .object({
        decision: z.literal('not_renew'),
        decidedOn: civilDateSchema,
        reason: freeText(500).optional(),
      })
      .strict(),
  ]),
  DENOUNCE: z
    .object({
      partyId: slugSchema,
      letterSentOn: civilDateSchema.describe(
        'Date d’envoi de la lettre recommandée avec accusé de réception',
      ),
      letterReference: reference('letterReference').describe('Numéro du recommandé'),
    })
    .strict(),
  ABANDON: z.object({ reason: freeText(500) }).strict(),
} as const;

export type ExternalEventType = keyof typeof eventPayloadSchemas;
export const EXTERNAL_EVENT_TYPES = Object.keys(eventPayloadSchemas) as ExternalEventType[];

export type EventPayload<T extends ExternalEventType> = z.output<(typeof eventPayloadSchemas)[T]>;

export const ACTOR_KINDS = ['party', 'operator', 'system'] as const;
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

/** What reaches the machine: the payload, plus who sent it and when (set by the workflow). */
export type ExternalEvent = {
  [T in ExternalEventType]: { type: T; payload: EventPayload<T>; actor: Actor; at: number };
}[ExternalEventType];
export type ClockEvent = { type: 'CLOCK'; at: number };
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
