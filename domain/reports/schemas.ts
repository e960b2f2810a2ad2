import { z } from 'zod';
import { PHASES } from '../lifecycle/phase';
import { DEADLINE_KINDS } from '../lifecycle/view';
import { PAYER_KINDS } from './common';
import { LEDGER_STATUSES, RENEWAL_STATUS_LABELS } from './financing';

/**
 * The reports' answers: what the OpenAPI document says, what the API's reply is checked against, and
 * the kind of each CSV cell (tables.ts reads a column's kind from its field here).
 */

const integer = z.number().int();
const text = z.string();
const date = z.string().meta({ format: 'date' });
export const month = z
  .string()
  .regex(/^\d{4}-\d{2}$/)
  .describe('Mois, AAAA-MM');
/** The only numbers of the reports that are not counts. */
const euros = z.number().nullable().describe('Euros; null pour les salaires');

const place = z
  .object({ code: z.string().nullable().describe('Code du département; null pour l’ensemble'), name: text })
  .describe('Un département, ou l’ensemble des conventions du rapport');

const scope = z
  .object({ conventions: integer, conventionIds: z.array(text) })
  .describe('Les conventions lues pour ce rapport (celles que la clé peut lire, filtrées)');

const freshness = z
  .object({
    generatedAt: z.string().meta({ format: 'date-time', description: 'Instant de calcul des statuts' }),
    dataAsOf: z.string().meta({
      format: 'date-time',
      description: 'Toutes les conventions ont été lues dans Temporal à cet instant ou après',
    }),
    stale: z.boolean().describe('Vrai si la dernière lecture complète date de plus d’une minute'),
    unreadable: z.array(text).describe('Conventions illisibles à la dernière lecture'),
  })
  .describe('Fraîcheur des chiffres');

const statusFigures = z.object({ lines: integer, eur: euros });
const payer = z.enum(PAYER_KINDS);

export const financingRowSchema = z.object({
  year: integer,
  place,
  payer,
  payerLabel: text,
  conventions: integer,
  lines: integer,
  plannedEur: euros,
  paidEur: euros,
  byStatus: z.object(
    Object.fromEntries(LEDGER_STATUSES.map((s) => [s, statusFigures])) as Record<
      (typeof LEDGER_STATUSES)[number],
      typeof statusFigures
    >,
  ),
});

export const unpaidLineSchema = z.object({
  itemId: text,
  label: text,
  payer: text,
  dueDate: date,
  notedOn: date.nullable(),
  outstandingEur: euros,
});

export const suspendedConventionSchema = z.object({
  conventionId: text,
  title: text,
  place,
  since: date,
  lines: z.array(unpaidLineSchema),
});

export const forecastRowSchema = z.object({
  month,
  place,
  payer,
  payerLabel: text,
  lines: integer,
  plannedEur: euros,
  remainingEur: euros,
  renewalLines: integer,
  renewalEur: euros,
});

export const endingTermSchema = z.object({
  conventionId: text,
  title: text,
  place,
  term: integer,
  endDate: date,
  renewal: z.enum(Object.keys(RENEWAL_STATUS_LABELS) as [keyof typeof RENEWAL_STATUS_LABELS]),
  renewalLabel: text,
  decidedOn: date.nullable(),
  stateAnnualEur: euros,
  coFinancersAnnualEur: euros,
});

export const financingReportSchema = z.object({
  years: z.array(integer),
  today: date,
  scope,
  freshness,
  rows: z
    .array(financingRowSchema)
    .describe('Une ligne par année, département (et ensemble) et type de payeur'),
  suspended: z.array(suspendedConventionSchema),
  forecast: z.object({ months: z.array(month), rows: z.array(forecastRowSchema) }),
  endingTerms: z.array(endingTermSchema),
});

export const deadlineRowSchema = z.object({
  dueDate: date,
  daysLeft: integer.describe('Négatif en cas de retard'),
  overdue: z.boolean(),
  place,
  conventionId: text,
  title: text,
  phase: z.enum(PHASES),
  phaseLabel: text,
  kind: z.enum(DEADLINE_KINDS),
  kindLabel: text,
  label: text,
  actors: z
    .array(
      z.object({
        partyId: text,
        organisation: text,
        role: z.string().nullable(),
        roleLabel: z.string().nullable(),
      }),
    )
    .describe('Les parties qui doivent agir (vide pour une date qui informe seulement)'),
});

export const deadlinesReportSchema = z.object({
  days: integer,
  today: date,
  until: date,
  scope,
  freshness,
  rows: z.array(deadlineRowSchema),
  weeks: z.array(
    z.object({
      weekStart: date.nullable().describe('Lundi de la semaine; null: déjà en retard'),
      label: text,
      deadlines: integer,
      overdue: integer,
    }),
  ),
});

export const activityRowSchema = z.object({
  year: integer,
  place,
  conventions: integer,
  expected: integer,
  received: integer,
  late: integer,
  notDueYet: integer,
  vacantPartOfYear: integer,
  vacantWholeYear: integer,
  indicators: z.record(z.string(), z.object({ total: integer, reports: integer })),
});

export const activityReportSchema = z.object({
  years: z.array(integer),
  today: date,
  scope,
  freshness,
  indicators: z.array(text),
  rows: z.array(activityRowSchema),
});
