import { addMonths, compareDates, yearMonthOf, type CivilDate, type YearMonth } from '../calendar/dates';
import type { LedgerItem } from '../lifecycle/context';
import { amountPaid, LEDGER_STATUSES, ledgerStatus, type LedgerStatus } from '../lifecycle/term';
import { DEADLINE_LABELS } from '../lifecycle/view';
import {
  comparePlaces,
  countsInEuros,
  monthsFrom,
  NATIONAL,
  nationalToday,
  PAYER_KINDS,
  PAYER_LABELS,
  payerKind,
  placeOf,
  round2,
  scopeOf,
  todayOf,
  yearOf,
  type PayerKind,
  type Place,
  type ReportScope,
} from './common';
import type { ConventionFacts } from './facts';

/**
 * Money committed across conventions (art. 7 and 9): for each calendar year, by département and
 * for the whole scope, what each kind of payer owes, and where each line stands today by the
 * convention's own rule (`ledgerStatus`); the suspended conventions; the next twelve months of due
 * lines; the terms that end within twelve months and what is decided about them.
 */

export { LEDGER_STATUSES };

/** The statuses as the reports' columns name them. */
export const LEDGER_STATUS_LABELS: Record<LedgerStatus, string> = {
  upcoming: 'à échoir',
  due: 'échu ce jour',
  late: 'en retard',
  partial: 'versé en partie',
  unpaid: 'non-versement constaté',
  paid: 'versé',
  waived: 'sans objet (poste vacant)',
  written_off: 'clos sans paiement',
};

export interface StatusFigures {
  lines: number;
  /** For paid lines, the planned amount; for the others, what remains to be paid. Null for salaries. */
  eur: number | null;
}

export interface FinancingRow {
  year: number;
  place: Place;
  payer: PayerKind;
  payerLabel: string;
  conventions: number;
  lines: number;
  /** Planned amounts of the lines due in the year (null for salaries, counted in months). */
  plannedEur: number | null;
  /** Every payment recorded on those lines. */
  paidEur: number | null;
  byStatus: Record<LedgerStatus, StatusFigures>;
}

export interface SuspendedConvention {
  conventionId: string;
  title: string;
  place: Place;
  since: CivilDate;
  lines: {
    itemId: string;
    label: string;
    payer: string;
    dueDate: CivilDate;
    notedOn: CivilDate | null;
    outstandingEur: number | null;
  }[];
}

export interface ForecastRow {
  month: YearMonth;
  place: Place;
  payer: PayerKind;
  payerLabel: string;
  /** Lines of the conventions' ledgers due that month, and their planned amounts. */
  lines: number;
  plannedEur: number | null;
  /** What is still to be paid on them. */
  remainingEur: number | null;
  /** Lines of terms that a decided renewal will open, not in any ledger yet. */
  renewalLines: number;
  renewalEur: number | null;
}

export type RenewalStatus = 'renew' | 'not_renew' | 'denounced' | 'concertation' | 'none';

export const RENEWAL_STATUS_LABELS: Record<RenewalStatus, string> = {
  renew: 'reconduction décidée',
  not_renew: 'non-reconduction décidée',
  denounced: 'dénoncée',
  concertation: 'en concertation',
  none: 'rien encore',
};

export interface EndingTerm {
  conventionId: string;
  title: string;
  place: Place;
  term: number;
  endDate: CivilDate;
  renewal: RenewalStatus;
  renewalLabel: string;
  decidedOn: CivilDate | null;
  /** The yearly amounts at stake: the State's, and the co-financers' together. */
  stateAnnualEur: number | null;
  coFinancersAnnualEur: number | null;
}

export interface FinancingReport {
  years: number[];
  today: CivilDate;
  scope: ReportScope;
  rows: FinancingRow[];
  suspended: SuspendedConvention[];
  forecast: { months: YearMonth[]; rows: ForecastRow[] };
  endingTerms: EndingTerm[];
}

type Accumulator = FinancingRow & { ids: Set<string> };

function emptyByStatus(euros: boolean): Record<LedgerStatus, StatusFigures> {
  return Object.fromEntries(LEDGER_STATUSES.map((s) => [s, { lines: 0, eur: euros ? 0 : null }])) as Record<
    LedgerStatus,
    StatusFigures
  >;
}

/** What remains to be paid on a line; for a paid line, what it was planned at. */
function statusAmount(item: LedgerItem, status: LedgerStatus): number {
  const planned = item.plannedAmountEur ?? 0;
  return status === 'paid' ? planned : Math.max(planned - amountPaid(item), 0);
}

function lineLabel(item: LedgerItem): string {
  const kind = {
    salary: 'salary-payment',
    'state-participation': 'state-participation',
    'co-financing': 'co-financing',
  } as const;
  return `${DEADLINE_LABELS[kind[item.kind]]} — ${item.month ?? `année ${item.termYear} de la période ${item.term}`}`;
}

/**
 * The row of a period (a year, a month), a place and a payer, made on first use. `make` receives the
 * place and payer fields every row starts with, and whether the payer's lines count in euros.
 */
function rowOf<R>(
  rows: Map<string, R>,
  period: number | string,
  place: Place,
  payer: PayerKind,
  make: (payerOf: { place: Place; payer: PayerKind; payerLabel: string }, euros: boolean) => R,
): R {
  const key = `${period}|${place.code ?? ''}|${payer}`;
  let row = rows.get(key);
  if (!row) {
    row = make({ place, payer, payerLabel: PAYER_LABELS[payer] }, countsInEuros(payer));
    rows.set(key, row);
  }
  return row;
}

function yearRows(facts: ConventionFacts[], years: number[], now: number): FinancingRow[] {
  const wanted = new Set(years);
  const rows = new Map<string, Accumulator>();
  const add = (
    year: number,
    place: Place,
    payer: PayerKind,
    id: string,
    item: LedgerItem,
    s: LedgerStatus,
  ) => {
    const row = rowOf(rows, year, place, payer, (payerOf, euros) => ({
      year,
      ...payerOf,
      conventions: 0,
      lines: 0,
      plannedEur: euros ? 0 : null,
      paidEur: euros ? 0 : null,
      byStatus: emptyByStatus(euros),
      ids: new Set(),
    }));
    row.ids.add(id);
    row.lines += 1;
    row.byStatus[s].lines += 1;
    if (row.plannedEur !== null) {
      row.plannedEur += item.plannedAmountEur ?? 0;
      row.paidEur = (row.paidEur ?? 0) + amountPaid(item);
      row.byStatus[s].eur = (row.byStatus[s].eur ?? 0) + statusAmount(item, s);
    }
  };
  for (const f of facts) {
    const today = todayOf(f, now);
    for (const item of f.ledger) {
      const year = yearOf(item.dueDate);
      if (!wanted.has(year)) continue;
      const status = ledgerStatus(item, today);
      const payer = payerKind(item, f);
      add(year, placeOf(f), payer, f.conventionId, item, status);
      add(year, NATIONAL, payer, f.conventionId, item, status);
    }
  }
  return [...rows.values()]
    .map(({ ids, ...row }) => roundRow({ ...row, conventions: ids.size }))
    .sort(
      (a, b) =>
        a.year - b.year ||
        comparePlaces(a.place, b.place) ||
        PAYER_KINDS.indexOf(a.payer) - PAYER_KINDS.indexOf(b.payer),
    );
}

function roundRow(row: FinancingRow): FinancingRow {
  const r = (v: number | null) => (v === null ? null : round2(v));
  return {
    ...row,
    plannedEur: r(row.plannedEur),
    paidEur: r(row.paidEur),
    byStatus: Object.fromEntries(
      LEDGER_STATUSES.map((s) => [s, { lines: row.byStatus[s].lines, eur: r(row.byStatus[s].eur) }]),
    ) as Record<LedgerStatus, StatusFigures>,
  };
}

function suspendedConventions(facts: ConventionFacts[], now: number): SuspendedConvention[] {
  return facts
    .filter((f) => f.suspended)
    .map((f) => {
      const today = todayOf(f, now);
      const open = f.suspensions.find((s) => s.to === null);
      const unpaid = f.ledger.filter((item) => ledgerStatus(item, today) === 'unpaid');
      return {
        conventionId: f.conventionId,
        title: f.title,
        place: placeOf(f),
        since: open?.from ?? unpaid[0]?.nonPayment?.notedOn ?? today,
        lines: unpaid.map((item) => ({
          itemId: item.id,
          label: lineLabel(item),
          payer: f.parties[item.payerPartyId]?.organisation ?? item.payerPartyId,
          dueDate: item.dueDate,
          notedOn: item.nonPayment?.notedOn ?? null,
          outstandingEur: item.plannedAmountEur === null ? null : round2(statusAmount(item, 'unpaid')),
        })),
      };
    })
    .sort((a, b) => compareDates(a.since, b.since) || a.conventionId.localeCompare(b.conventionId));
}

function forecast(facts: ConventionFacts[], now: number): FinancingReport['forecast'] {
  const months = monthsFrom(yearMonthOf(nationalToday(now)), 12);
  const window = new Set(months);
  const rows = new Map<string, ForecastRow>();
  const row = (month: YearMonth, place: Place, payer: PayerKind) =>
    rowOf(rows, month, place, payer, (payerOf, euros) => ({
      month,
      ...payerOf,
      lines: 0,
      plannedEur: euros ? 0 : null,
      remainingEur: euros ? 0 : null,
      renewalLines: 0,
      renewalEur: euros ? 0 : null,
    }));
  for (const f of facts) {
    const today = todayOf(f, now);
    for (const item of f.ledger) {
      const month = yearMonthOf(item.dueDate);
      if (!window.has(month) || item.waived || item.writeOff) continue;
      const status = ledgerStatus(item, today);
      const remaining = status === 'paid' ? 0 : statusAmount(item, status);
      for (const place of [placeOf(f), NATIONAL]) {
        const r = row(month, place, payerKind(item, f));
        r.lines += 1;
        if (r.plannedEur !== null) r.plannedEur += item.plannedAmountEur ?? 0;
        if (r.remainingEur !== null) r.remainingEur += remaining;
      }
    }
    for (const item of f.renewalLedger) {
      const month = yearMonthOf(item.dueDate);
      if (!window.has(month)) continue;
      for (const place of [placeOf(f), NATIONAL]) {
        const r = row(month, place, payerKind(item, f));
        r.renewalLines += 1;
        if (r.renewalEur !== null) r.renewalEur += item.plannedAmountEur ?? 0;
      }
    }
  }
  const r = (v: number | null) => (v === null ? null : round2(v));
  return {
    months,
    rows: [...rows.values()]
      .map((x) => ({
        ...x,
        plannedEur: r(x.plannedEur),
        remainingEur: r(x.remainingEur),
        renewalEur: r(x.renewalEur),
      }))
      .sort(
        (a, b) =>
          a.month.localeCompare(b.month) ||
          comparePlaces(a.place, b.place) ||
          PAYER_KINDS.indexOf(a.payer) - PAYER_KINDS.indexOf(b.payer),
      ),
  };
}

function renewalStatus(f: ConventionFacts): RenewalStatus {
  if (f.denunciation) return 'denounced';
  if (f.renewal) return f.renewal.decision;
  return f.phase === 'renewal' ? 'concertation' : 'none';
}

function endingTerms(facts: ConventionFacts[], now: number): EndingTerm[] {
  return facts
    .filter((f) => {
      if (!f.term || f.phase === 'terminated') return false;
      const today = todayOf(f, now);
      return (
        compareDates(f.term.endDate, today) >= 0 && compareDates(f.term.endDate, addMonths(today, 12)) <= 0
      );
    })
    .map((f) => {
      const status = renewalStatus(f);
      const co = f.annualFinancing ? Object.values(f.annualFinancing.coFinancers) : [];
      return {
        conventionId: f.conventionId,
        title: f.title,
        place: placeOf(f),
        term: f.term!.number,
        endDate: f.term!.endDate,
        renewal: status,
        renewalLabel: RENEWAL_STATUS_LABELS[status],
        decidedOn: f.renewal?.decidedOn ?? f.denunciation?.letterSentOn ?? null,
        stateAnnualEur: f.annualFinancing?.stateEur ?? null,
        coFinancersAnnualEur: f.annualFinancing ? round2(co.reduce((a, b) => a + b, 0)) : null,
      };
    })
    .sort((a, b) => compareDates(a.endDate, b.endDate) || a.conventionId.localeCompare(b.conventionId));
}

export function financingReport(
  facts: ConventionFacts[],
  options: { years: number[]; now: number },
): FinancingReport {
  return {
    years: [...options.years].sort((a, b) => a - b),
    today: nationalToday(options.now),
    scope: scopeOf(facts),
    rows: yearRows(facts, options.years, options.now),
    suspended: suspendedConventions(facts, options.now),
    forecast: forecast(facts, options.now),
    endingTerms: endingTerms(facts, options.now),
  };
}
