import { z } from 'zod';
import { DEPARTEMENT_CODES, knownCodesText } from '../calendar/departements';
import { isCivilDate } from '../calendar/dates';
import { labelledValues } from '../labels';
// Messages come in French, and a value outside a closed list is answered with the accepted ones.
import './messages';

export const civilDateSchema = z
  .string()
  .refine(isCivilDate, { message: 'date attendue au format AAAA-MM-JJ (date réelle)' })
  .meta({ description: 'Date civile AAAA-MM-JJ', format: 'date' });

export const slugSchema = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, {
    message: 'identifiant attendu en minuscules, chiffres et tirets (ex. "commune-lille")',
  })
  .max(60);

/** What an unknown département code is answered with: every known code, in INSEE order. */
export const UNKNOWN_DEPARTEMENT_MESSAGE = `département inconnu: codes admis ${knownCodesText()}`;

export const departementSchema = z.enum(DEPARTEMENT_CODES, { message: UNKNOWN_DEPARTEMENT_MESSAGE });

const label = (max: number) => z.string().trim().min(1).max(max);

export const { values: PARTY_ROLES, labels: PARTY_ROLE_LABELS } = labelledValues({
  etat: "L'État (préfet)",
  police: 'La police nationale',
  gendarmerie: 'La gendarmerie nationale',
  'conseil-departemental': 'Le conseil départemental',
  epci: "L'établissement public de coopération intercommunale",
  commune: 'La commune',
  association: "L'association",
  autre: 'Autre structure',
  procureur: 'Le procureur de la République',
});
export type PartyRole = (typeof PARTY_ROLES)[number];

/** Roles that can employ the social worker and so confirm the monthly salary (art. 7). */
export const EMPLOYER_ROLES: readonly PartyRole[] = [
  'association',
  'conseil-departemental',
  'epci',
  'commune',
  'autre',
];

export const contactSchema = z
  .object({
    email: z.email(),
    label: label(80).optional().describe('Service ou fonction, jamais un nom (ex. "secrétariat du préfet")'),
  })
  .strict();

export const representativeSchema = z
  .object({
    title: label(160).describe('Qualité du représentant (ex. "Préfet du Nord")'),
    name: label(120)
      .optional()
      .describe('Nom du représentant: donnée personnelle, chiffrée et jamais affichée'),
  })
  .strict();

export const partySchema = z
  .object({
    role: z.enum(PARTY_ROLES),
    organisation: label(160).describe('Ex. "Préfecture du Nord", "Commune de Lille"'),
    representative: representativeSchema,
    contacts: z.array(contactSchema).max(10).default([]),
    signatory: z
      .boolean()
      .optional()
      .describe('Le procureur ne signe que s’il est associé (true); toute autre partie signe toujours'),
  })
  .strict();
export type Party = z.infer<typeof partySchema>;

export const siteSchema = z
  .object({
    commissariat: label(160).optional().describe('Ex. "commissariat de Lille"'),
    gendarmerieUnit: label(160).optional().describe('Ex. "brigade de gendarmerie de Seclin"'),
  })
  .strict();

export const authoritySchema = z
  .object({
    partyId: slugSchema,
    title: label(160).describe('Ex. "chef de service de police", "directrice de l’association"'),
  })
  .strict();

export const coFinancerSchema = z
  .object({
    annualContributionEur: z.number().positive().max(10_000_000),
  })
  .strict();

export const financingSchema = z
  .object({
    stateAnnualParticipationEur: z.number().positive().max(10_000_000),
    coFinancers: z.record(slugSchema, coFinancerSchema).default({}),
    salaryPaymentDay: z
      .number()
      .int()
      .min(1)
      .max(31)
      .describe('Jour du mois où l’employeur verse le salaire'),
    contributionDueMonths: z
      .number()
      .int()
      .min(1)
      .max(12)
      .default(3)
      .describe(
        'Délai, en mois après le début de chaque année de la convention, pour les participations annuelles',
      ),
  })
  .strict();

export const COMMITTEE_SEATS = [
  'prefet',
  'president-conseil-departemental',
  'ddsp',
  'commandant-groupement',
  'directeur',
  'autre',
] as const;
export type CommitteeSeat = (typeof COMMITTEE_SEATS)[number];

export const followUpMemberSchema = z
  .object({
    seat: z.enum(COMMITTEE_SEATS),
    partyId: slugSchema,
    title: label(160),
  })
  .strict();

export const PHONE_KINDS = ['fixe', 'portable', 'fixe-et-portable'] as const;

export const equipmentSchema = z
  .object({
    dedicatedConfidentialOffice: z.boolean(),
    phone: z.enum(PHONE_KINDS),
    computer: z.boolean(),
    administrativeSupplies: z.boolean(),
  })
  .strict();

/** The reminder ladders a convention may tune (docs/reminders.md); every key falls back to its default. */
export const REMINDER_LADDERS = [
  'signature',
  'start',
  'salary-payment',
  'state-participation',
  'co-financing',
  'activity-report',
  'committee-scheduling',
  'committee-meeting',
  'renewal-decision',
  'denunciation-notice',
  'expiry',
] as const;
export type ReminderLadderName = (typeof REMINDER_LADDERS)[number];

const businessDayCount = z.number().int().min(1).max(260);
const rungOffsets = z
  .array(businessDayCount)
  .max(8)
  .refine((offsets) => new Set(offsets).size === offsets.length, { message: 'décalages en double' });

export const reminderLadderSchema = z
  .object({
    before: rungOffsets.optional().describe('Rappels N jours ouvrés avant l’échéance'),
    after: rungOffsets.optional().describe('Relances N jours ouvrés après l’échéance (retard)'),
    every: businessDayCount
      .nullable()
      .optional()
      .describe('Puis une relance tous les N jours ouvrés tant que rien n’est enregistré (null: aucune)'),
    escalateAfter: businessDayCount
      .nullable()
      .optional()
      .describe('À partir de N jours ouvrés de retard, la préfecture est mise en copie (null: jamais)'),
  })
  .strict();

export const remindersSchema = z
  .object({
    hour: z
      .number()
      .int()
      .min(7)
      .max(19)
      .optional()
      .describe('Heure locale d’envoi des rappels dans le département (9 par défaut)'),
    ...Object.fromEntries(REMINDER_LADDERS.map((name) => [name, reminderLadderSchema.optional()])),
  } as { hour: z.ZodOptional<z.ZodNumber> } & Record<
    ReminderLadderName,
    z.ZodOptional<typeof reminderLadderSchema>
  >)
  .strict()
  .refine((r) => !r.signature?.before?.length, {
    message: 'les relances de signature se comptent après l’ouverture des signatures: utiliser "after"',
    path: ['signature', 'before'],
  });
export type RemindersOverride = z.infer<typeof remindersSchema>;

/**
 * Every blank of the template. Fields are optional while drafting; `missingBlanks` says which
 * ones still stop the draft from moving on, with their article.
 */
export const conventionDataSchema = z
  .object({
    departement: departementSchema,
    parties: z.record(slugSchema, partySchema).default({}),
    site: siteSchema.optional(),
    startDate: civilDateSchema.optional().describe('Art. 1: "à compter du"'),
    endDate: civilDateSchema
      .optional()
      .describe('Art. 9: "conclue jusqu’au"; par défaut la veille du troisième anniversaire du début'),
    functionalAuthorities: z.array(authoritySchema).max(2).optional(),
    hierarchicalAuthority: authoritySchema.optional(),
    employerPartyId: slugSchema.optional(),
    financing: financingSchema.optional(),
    followUpCommittee: z.array(followUpMemberSchema).max(20).optional(),
    equipment: equipmentSchema.optional(),
    jobDescriptionRef: label(200).optional().describe('Art. 3: référence de la fiche de poste annexée'),
    preamble: z
      .string()
      .trim()
      .min(1)
      .max(3000)
      .optional()
      .describe(
        'Préambule: le paragraphe qui présente l’autorité hiérarchique à l’origine du poste; par défaut celui de son rôle (docs/documents.md)',
      ),
    aniscgEmail: z.email().optional().describe('Adresse de l’ANISCG informée du recrutement (art. 3)'),
    renewalConcertationMonths: z
      .number()
      .int()
      .min(3)
      .max(12)
      .optional()
      .describe('Ouverture de la concertation sur la reconduction, en mois avant l’échéance (6 par défaut)'),
    reminders: remindersSchema
      .optional()
      .describe('Réglage des rappels par courriel; par défaut ceux de docs/reminders.md'),
  })
  .strict();
export type ConventionData = z.infer<typeof conventionDataSchema>;
export type ConventionDataInput = z.input<typeof conventionDataSchema>;

export const conventionCreateSchema = z
  .object({
    slug: slugSchema.describe('Nom court du site, unique dans le département (ex. "lille-centre")'),
    data: conventionDataSchema,
  })
  .strict();
export type ConventionCreate = z.infer<typeof conventionCreateSchema>;

export function conventionWorkflowId(departement: string, slug: string): string {
  return `convention-${departement.toLowerCase()}-${slug}`;
}
