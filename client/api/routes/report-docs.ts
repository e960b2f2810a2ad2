import { PHASES } from '../../../domain/lifecycle/phase';
import { PAYER_KINDS } from '../../../domain/reports/common';
import { LEDGER_STATUSES, RENEWAL_STATUS_LABELS } from '../../../domain/reports/financing';
import { DEADLINE_KINDS } from '../../../domain/lifecycle/view';

/** JSON Schema of the reports' answers, for the OpenAPI document (the answers are built in code). */

type JsonSchema = Record<string, unknown>;

const integer: JsonSchema = { type: 'integer' };
const text: JsonSchema = { type: 'string' };
const date: JsonSchema = { type: 'string', format: 'date' };
const euros: JsonSchema = { type: 'number', nullable: true, description: 'Euros; null pour les salaires' };

const object = (properties: Record<string, JsonSchema>, description?: string): JsonSchema => ({
  type: 'object',
  required: Object.keys(properties),
  properties,
  ...(description ? { description } : {}),
});

const place = object(
  {
    code: { type: 'string', nullable: true, description: 'Code du département; null pour l’ensemble' },
    name: text,
  },
  'Un département, ou l’ensemble des conventions du rapport',
);

const scope = object(
  { conventions: integer, conventionIds: { type: 'array', items: text } },
  'Les conventions lues pour ce rapport (celles que la clé peut lire, filtrées)',
);

const freshness = object(
  {
    generatedAt: { type: 'string', format: 'date-time', description: 'Instant de calcul des statuts' },
    dataAsOf: {
      type: 'string',
      format: 'date-time',
      description: 'Toutes les conventions ont été lues dans Temporal à cet instant ou après',
    },
    stale: { type: 'boolean', description: 'Vrai si la dernière lecture complète date de plus d’une minute' },
    unreadable: { type: 'array', items: text, description: 'Conventions illisibles à la dernière lecture' },
  },
  'Fraîcheur des chiffres',
);

const statusFigures = object({ lines: integer, eur: euros });

export const financingReportSchema: JsonSchema = object({
  years: { type: 'array', items: integer },
  today: date,
  scope,
  freshness,
  rows: {
    type: 'array',
    description: 'Une ligne par année, département (et ensemble) et type de payeur',
    items: object({
      year: integer,
      place,
      payer: { type: 'string', enum: [...PAYER_KINDS] },
      payerLabel: text,
      conventions: integer,
      lines: integer,
      plannedEur: euros,
      paidEur: euros,
      byStatus: object(Object.fromEntries(LEDGER_STATUSES.map((s) => [s, statusFigures]))),
    }),
  },
  suspended: {
    type: 'array',
    items: object({
      conventionId: text,
      title: text,
      place,
      since: date,
      lines: {
        type: 'array',
        items: object({
          itemId: text,
          label: text,
          payer: text,
          dueDate: date,
          notedOn: { ...date, nullable: true },
          outstandingEur: euros,
        }),
      },
    }),
  },
  forecast: object({
    months: { type: 'array', items: { type: 'string', pattern: '^\\d{4}-\\d{2}$' } },
    rows: {
      type: 'array',
      items: object({
        month: text,
        place,
        payer: { type: 'string', enum: [...PAYER_KINDS] },
        payerLabel: text,
        lines: integer,
        plannedEur: euros,
        remainingEur: euros,
        renewalLines: integer,
        renewalEur: euros,
      }),
    },
  }),
  endingTerms: {
    type: 'array',
    items: object({
      conventionId: text,
      title: text,
      place,
      term: integer,
      endDate: date,
      renewal: { type: 'string', enum: Object.keys(RENEWAL_STATUS_LABELS) },
      renewalLabel: text,
      decidedOn: { ...date, nullable: true },
      stateAnnualEur: euros,
      coFinancersAnnualEur: euros,
    }),
  },
});

export const deadlinesReportSchema: JsonSchema = object({
  days: integer,
  today: date,
  until: date,
  scope,
  freshness,
  rows: {
    type: 'array',
    items: object({
      dueDate: date,
      daysLeft: { type: 'integer', description: 'Négatif en cas de retard' },
      overdue: { type: 'boolean' },
      place,
      conventionId: text,
      title: text,
      phase: { type: 'string', enum: [...PHASES] },
      phaseLabel: text,
      kind: { type: 'string', enum: [...DEADLINE_KINDS] },
      kindLabel: text,
      label: text,
      actors: {
        type: 'array',
        description: 'Les parties qui doivent agir (vide pour une date qui informe seulement)',
        items: object({
          partyId: text,
          organisation: text,
          role: { type: 'string', nullable: true },
          roleLabel: { type: 'string', nullable: true },
        }),
      },
    }),
  },
  weeks: {
    type: 'array',
    items: object({
      weekStart: { ...date, nullable: true, description: 'Lundi de la semaine; null: déjà en retard' },
      label: text,
      deadlines: integer,
      overdue: integer,
    }),
  },
});

export const activityReportSchema: JsonSchema = object({
  years: { type: 'array', items: integer },
  today: date,
  scope,
  freshness,
  indicators: { type: 'array', items: text },
  rows: {
    type: 'array',
    items: object({
      year: integer,
      place,
      conventions: integer,
      expected: integer,
      received: integer,
      late: integer,
      notDueYet: integer,
      vacantPartOfYear: integer,
      vacantWholeYear: integer,
      indicators: {
        type: 'object',
        additionalProperties: object({ total: integer, reports: integer }),
      },
    }),
  },
});
