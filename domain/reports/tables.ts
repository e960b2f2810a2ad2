import { z } from 'zod';
import type { ActivityReport } from './activity';
import type { DeadlinesReport } from './deadlines';
import type { LedgerStatus } from '../lifecycle/term';
import { LEDGER_STATUS_LABELS, LEDGER_STATUSES, type FinancingReport } from './financing';
import {
  activityRowSchema,
  deadlineRowSchema,
  endingTermSchema,
  financingRowSchema,
  forecastRowSchema,
  month,
  suspendedConventionSchema,
  unpaidLineSchema,
} from './schemas';

/**
 * Each report as flat tables: the columns of its CSV files, in order, with their French headers and
 * the kind of value each holds (which decides how a spreadsheet reads it). A column is a field of the
 * report's answer, and its kind is read from that field's schema (schemas.ts), the one the API's JSON
 * is checked against. The same tables feed the CLI and docs/reports.md, which a test keeps in step
 * with them.
 */

export type CellType = 'text' | 'integer' | 'euros' | 'date' | 'month' | 'boolean';
export type Cell = string | number | boolean | null;

export interface Column<Row> {
  header: string;
  type: CellType;
  value: (row: Row) => Cell;
}

export interface Table<Row = unknown> {
  /** The `table` parameter of the CSV route, and the file name's end. */
  name: string;
  title: string;
  columns: Column<Row>[];
  rows: Row[];
}

const col = <Row>(header: string, type: CellType, value: (row: Row) => Cell): Column<Row> => ({
  header,
  type,
  value,
});

/** The kind of a cell, read from the report's schema of its field (schemas.ts). */
function cellTypeOf(field: z.ZodType): CellType {
  const inner = field instanceof z.ZodNullable ? (field.unwrap() as z.ZodType) : field;
  if (inner instanceof z.ZodBoolean) return 'boolean';
  if (inner instanceof z.ZodNumber) return inner.isInt ? 'integer' : 'euros';
  if (inner === month) return 'month';
  if (z.globalRegistry.get(inner)?.format === 'date') return 'date';
  return 'text';
}

/** A table's fields, in the order of its columns: each field's header, or the headers of its own fields. */
type Headers<T> = {
  [K in keyof T]?: NonNullable<T[K]> extends Cell
    ? string
    : NonNullable<T[K]> extends readonly unknown[]
      ? never
      : Headers<NonNullable<T[K]>>;
};

/** The columns of the fields `headers` names, in its order, each of the kind its schema gives. */
function columns<S extends z.ZodObject>(schema: S, headers: Headers<z.output<S>>): Column<z.output<S>>[] {
  const out: Column<z.output<S>>[] = [];
  const walk = (object: z.ZodObject, named: object, read: (row: z.output<S>) => unknown) => {
    for (const [key, header] of Object.entries(named) as [string, string | object][]) {
      const field = object.shape[key] as z.ZodType | undefined;
      if (!field) throw new Error(`no field "${key}" in the report's schema`);
      const value = (row: z.output<S>) => (read(row) as Record<string, unknown> | null)?.[key];
      if (typeof header === 'string')
        out.push({ header, type: cellTypeOf(field), value: (row) => (value(row) ?? null) as Cell });
      else walk(field as z.ZodObject, header, value);
    }
  };
  walk(schema, headers, (row) => row);
  return out;
}

const PLACE = { code: 'Code département', name: 'Département' } as const;
/** The two columns of each status: "Lignes <status>", "Montant <status> (€)". */
const BY_STATUS = Object.fromEntries(
  LEDGER_STATUSES.map((status) => [
    status,
    { lines: `Lignes ${LEDGER_STATUS_LABELS[status]}`, eur: `Montant ${LEDGER_STATUS_LABELS[status]} (€)` },
  ]),
) as Record<LedgerStatus, { lines: string; eur: string }>;

export const FINANCING_TABLES = ['annees', 'previsions', 'suspensions', 'fins-de-periode'] as const;
export type FinancingTableName = (typeof FINANCING_TABLES)[number];

/** A row of the suspensions' table: an unpaid line with the fields of its convention. */
const suspendedLineSchema = suspendedConventionSchema.omit({ lines: true }).extend(unpaidLineSchema.shape);

export function financingTables(report: FinancingReport): Record<FinancingTableName, Table> {
  const years: Table<z.output<typeof financingRowSchema>> = {
    name: 'annees',
    title: 'Financement par année civile, département et payeur',
    columns: columns(financingRowSchema, {
      year: 'Année',
      place: PLACE,
      payerLabel: 'Payeur',
      conventions: 'Conventions',
      lines: 'Lignes dues',
      plannedEur: 'Montant prévu (€)',
      paidEur: 'Total des paiements enregistrés (€)',
      byStatus: BY_STATUS,
    }),
    rows: report.rows,
  };
  const forecast: Table<z.output<typeof forecastRowSchema>> = {
    name: 'previsions',
    title: 'Prévision des douze prochains mois',
    columns: columns(forecastRowSchema, {
      month: 'Mois',
      place: PLACE,
      payerLabel: 'Payeur',
      lines: 'Lignes dues',
      plannedEur: 'Montant prévu (€)',
      remainingEur: 'Reste à verser (€)',
      renewalLines: 'Lignes des reconductions décidées',
      renewalEur: 'Montant des reconductions décidées (€)',
    }),
    rows: report.forecast.rows,
  };
  const suspended: Table<z.output<typeof suspendedLineSchema>> = {
    name: 'suspensions',
    title: 'Conventions suspendues et lignes non versées',
    columns: columns(suspendedLineSchema, {
      conventionId: 'Convention',
      title: 'Intitulé',
      place: PLACE,
      since: 'Suspendue depuis',
      label: 'Ligne',
      payer: 'Payeur',
      dueDate: 'Échéance',
      notedOn: 'Non-versement constaté le',
      outstandingEur: 'Reste dû (€)',
    }),
    rows: report.suspended.flatMap(({ lines, ...convention }) => lines.map((l) => ({ ...l, ...convention }))),
  };
  const ending: Table<z.output<typeof endingTermSchema>> = {
    name: 'fins-de-periode',
    title: 'Périodes qui s’achèvent dans les douze mois',
    columns: columns(endingTermSchema, {
      conventionId: 'Convention',
      title: 'Intitulé',
      place: PLACE,
      term: 'Période',
      endDate: 'Fin de la période',
      renewalLabel: 'Reconduction',
      decidedOn: 'Décision ou lettre du',
      stateAnnualEur: 'Participation annuelle de l’État (€)',
      coFinancersAnnualEur: 'Cofinancements annuels (€)',
    }),
    rows: report.endingTerms,
  };
  return {
    annees: years as Table,
    previsions: forecast as Table,
    suspensions: suspended as Table,
    'fins-de-periode': ending as Table,
  };
}

export function deadlinesTable(report: DeadlinesReport): Table {
  const table: Table<z.output<typeof deadlineRowSchema>> = {
    name: 'echeances',
    title: `Échéances en retard ou dans les ${report.days} jours`,
    columns: [
      ...columns(deadlineRowSchema, {
        dueDate: 'Échéance',
        daysLeft: 'Jours restants',
        overdue: 'En retard',
        place: PLACE,
        conventionId: 'Convention',
        title: 'Intitulé',
        phaseLabel: 'Phase',
        kindLabel: 'Type d’échéance',
        label: 'Libellé',
      }),
      col('Qui doit agir', 'text', (r) =>
        r.actors
          .map((a) => (a.roleLabel ? `${a.organisation} (${a.roleLabel})` : a.organisation))
          .join(' ; '),
      ),
    ],
    rows: report.rows,
  };
  return table as Table;
}

/** One row per year and place; one column per indicator found, after the counts of reports. */
export function activityTable(report: ActivityReport): Table {
  type Row = z.output<typeof activityRowSchema>;
  const table: Table<Row> = {
    name: 'activite',
    title: 'Bilans d’activité par année civile et département',
    columns: [
      ...columns(activityRowSchema, {
        year: 'Année',
        place: PLACE,
        conventions: 'Conventions',
        expected: 'Bilans attendus',
        received: 'Bilans reçus',
        late: 'Bilans en retard',
        notDueYet: 'Bilans pas encore dus',
        vacantPartOfYear: 'Dont poste vacant une partie de l’année',
        vacantWholeYear: 'Dont poste vacant toute l’année',
      }),
      ...report.indicators.map((indicator) =>
        col<Row>(indicator, 'integer', (r) => r.indicators[indicator]?.total ?? 0),
      ),
    ],
    rows: report.rows,
  };
  return table as Table;
}
