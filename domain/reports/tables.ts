import type { ActivityReport } from './activity';
import type { DeadlinesReport } from './deadlines';
import { LEDGER_STATUS_LABELS, LEDGER_STATUSES, type FinancingReport, type StatusFigures } from './financing';

/**
 * Each report as flat tables: the columns of its CSV files, in order, with their French headers and
 * the kind of value each holds (which decides how a spreadsheet reads it). The same tables feed the
 * CLI and docs/reports.md, which a test keeps in step with them.
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

type Placed = { place: { code: string | null; name: string } };
const placeColumns = <Row extends Placed>(): Column<Row>[] => [
  col('Code département', 'text', (r) => r.place.code ?? ''),
  col('Département', 'text', (r) => r.place.name),
];

type Named = { conventionId: string; title: string };
const conventionColumns = <Row extends Named>(): Column<Row>[] => [
  col('Convention', 'text', (r) => r.conventionId),
  col('Intitulé', 'text', (r) => r.title),
];

/** The ledger lines falling due and their planned amount, in the years' and the forecast's tables. */
type Due = { lines: number; plannedEur: number | null };
const dueColumns = <Row extends Due>(): Column<Row>[] => [
  col('Lignes dues', 'integer', (r) => r.lines),
  col('Montant prévu (€)', 'euros', (r) => r.plannedEur),
];

/** A count of ledger lines and their amount: "Lignes <what>", "Montant <what> (€)". */
const linesAndAmount = <Row>(what: string, figures: (row: Row) => StatusFigures): Column<Row>[] => [
  col(`Lignes ${what}`, 'integer', (r) => figures(r).lines),
  col(`Montant ${what} (€)`, 'euros', (r) => figures(r).eur),
];

export const FINANCING_TABLES = ['annees', 'previsions', 'suspensions', 'fins-de-periode'] as const;
export type FinancingTableName = (typeof FINANCING_TABLES)[number];

export function financingTables(report: FinancingReport): Record<FinancingTableName, Table> {
  type Year = FinancingReport['rows'][number];
  type Forecast = FinancingReport['forecast']['rows'][number];
  type Suspended = FinancingReport['suspended'][number];
  type SuspendedLine = Suspended['lines'][number] & Omit<Suspended, 'lines'>;
  type Ending = FinancingReport['endingTerms'][number];
  const years: Table<Year> = {
    name: 'annees',
    title: 'Financement par année civile, département et payeur',
    columns: [
      col('Année', 'integer', (r) => r.year),
      ...placeColumns<Year>(),
      col('Payeur', 'text', (r) => r.payerLabel),
      col('Conventions', 'integer', (r) => r.conventions),
      ...dueColumns<Year>(),
      col('Total des paiements enregistrés (€)', 'euros', (r) => r.paidEur),
      ...LEDGER_STATUSES.flatMap((status) =>
        linesAndAmount<Year>(LEDGER_STATUS_LABELS[status], (r) => r.byStatus[status]),
      ),
    ],
    rows: report.rows,
  };
  const forecast: Table<Forecast> = {
    name: 'previsions',
    title: 'Prévision des douze prochains mois',
    columns: [
      col('Mois', 'month', (r) => r.month),
      ...placeColumns<Forecast>(),
      col('Payeur', 'text', (r) => r.payerLabel),
      ...dueColumns<Forecast>(),
      col('Reste à verser (€)', 'euros', (r) => r.remainingEur),
      ...linesAndAmount<Forecast>('des reconductions décidées', (r) => ({
        lines: r.renewalLines,
        eur: r.renewalEur,
      })),
    ],
    rows: report.forecast.rows,
  };
  const suspended: Table<SuspendedLine> = {
    name: 'suspensions',
    title: 'Conventions suspendues et lignes non versées',
    columns: [
      ...conventionColumns<SuspendedLine>(),
      ...placeColumns<SuspendedLine>(),
      col('Suspendue depuis', 'date', (r) => r.since),
      col('Ligne', 'text', (r) => r.label),
      col('Payeur', 'text', (r) => r.payer),
      col('Échéance', 'date', (r) => r.dueDate),
      col('Non-versement constaté le', 'date', (r) => r.notedOn),
      col('Reste dû (€)', 'euros', (r) => r.outstandingEur),
    ],
    rows: report.suspended.flatMap(({ lines, ...convention }) => lines.map((l) => ({ ...l, ...convention }))),
  };
  const ending: Table<Ending> = {
    name: 'fins-de-periode',
    title: 'Périodes qui s’achèvent dans les douze mois',
    columns: [
      ...conventionColumns<Ending>(),
      ...placeColumns<Ending>(),
      col('Période', 'integer', (r) => r.term),
      col('Fin de la période', 'date', (r) => r.endDate),
      col('Reconduction', 'text', (r) => r.renewalLabel),
      col('Décision ou lettre du', 'date', (r) => r.decidedOn),
      col('Participation annuelle de l’État (€)', 'euros', (r) => r.stateAnnualEur),
      col('Cofinancements annuels (€)', 'euros', (r) => r.coFinancersAnnualEur),
    ],
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
  type Row = DeadlinesReport['rows'][number];
  const table: Table<Row> = {
    name: 'echeances',
    title: `Échéances en retard ou dans les ${report.days} jours`,
    columns: [
      col('Échéance', 'date', (r) => r.dueDate),
      col('Jours restants', 'integer', (r) => r.daysLeft),
      col('En retard', 'boolean', (r) => r.overdue),
      ...placeColumns<Row>(),
      ...conventionColumns<Row>(),
      col('Phase', 'text', (r) => r.phaseLabel),
      col('Type d’échéance', 'text', (r) => r.kindLabel),
      col('Libellé', 'text', (r) => r.label),
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
  type Row = ActivityReport['rows'][number];
  const table: Table<Row> = {
    name: 'activite',
    title: 'Bilans d’activité par année civile et département',
    columns: [
      col('Année', 'integer', (r) => r.year),
      ...placeColumns<Row>(),
      col('Conventions', 'integer', (r) => r.conventions),
      col('Bilans attendus', 'integer', (r) => r.expected),
      col('Bilans reçus', 'integer', (r) => r.received),
      col('Bilans en retard', 'integer', (r) => r.late),
      col('Bilans pas encore dus', 'integer', (r) => r.notDueYet),
      col('Dont poste vacant une partie de l’année', 'integer', (r) => r.vacantPartOfYear),
      col('Dont poste vacant toute l’année', 'integer', (r) => r.vacantWholeYear),
      ...report.indicators.map((indicator) =>
        col<Row>(indicator, 'integer', (r) => r.indicators[indicator]?.total ?? 0),
      ),
    ],
    rows: report.rows,
  };
  return table as Table;
}
