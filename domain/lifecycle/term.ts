import { businessDayOnOrAfter, dueDateByRule } from '../calendar/business-days';
import {
  addDays,
  addMonths,
  addYears,
  compareDates,
  latestNoticeDate,
  monthlyDueDate,
  monthsOfTerm,
  noticeDeadline,
  termEndDate,
  type CivilDate,
} from '../calendar/dates';

import type { CompleteConventionData } from '../convention/completeness';
import type { ConventionData } from '../convention/schema';
import { labelledValues } from '../labels';
import { CURRENT_LIFECYCLE_BEHAVIOUR, type LifecycleBehaviour } from './behaviour';
import type { LedgerItem, LedgerKind, ReviewYear, Term } from './context';
import { CLOSED_DAY_RULE_BY_KIND, LEDGER_DEADLINE_KIND } from './deadline-kinds';

export const TERM_YEARS = 3;
export const DEFAULT_CONCERTATION_MONTHS = 6;
export const NOTICE_MONTHS = 3;

export function computeTerm(
  data: ConventionData,
  number: number,
  startDate: CivilDate,
  behaviour: LifecycleBehaviour = CURRENT_LIFECYCLE_BEHAVIOUR,
): Term {
  const endDate = number === 1 && data.endDate ? data.endDate : termEndDate(startDate, TERM_YEARS);
  return {
    number,
    startDate,
    endDate,
    noticeDeadline: behaviour.termEdges
      ? latestNoticeDate(endDate, NOTICE_MONTHS)
      : noticeDeadline(endDate, NOTICE_MONTHS),
    concertationOpensOn: addMonths(endDate, -(data.renewalConcertationMonths ?? DEFAULT_CONCERTATION_MONTHS)),
  };
}

/** First and last day of each year of the term; the third ends on the term's end date. */
export function termYears(term: Term): { termYear: number; yearStart: CivilDate; yearEnd: CivilDate }[] {
  return Array.from({ length: TERM_YEARS }, (_, i) => ({
    termYear: i + 1,
    yearStart: addYears(term.startDate, i),
    yearEnd: i + 1 === TERM_YEARS ? term.endDate : addDays(addYears(term.startDate, i + 1), -1),
  }));
}

export function termYearOf(term: Term, date: CivilDate): number {
  const years = termYears(term);
  const year = years.find((y) => compareDates(date, y.yearEnd) <= 0);
  return year ? year.termYear : TERM_YEARS;
}

/**
 * The day a line of the ledger written for `contractualDate` is due: moved off a closed day by its
 * kind's rule, so that it stays within the term (docs/calendar.md, "Closed days"). Before the term
 * edges, every line moved to the next business day, even past the term's end.
 */
export function lineDueDate(
  code: CompleteConventionData['departement'],
  kind: LedgerKind,
  contractualDate: CivilDate,
  term: Pick<Term, 'endDate'>,
  behaviour: LifecycleBehaviour = CURRENT_LIFECYCLE_BEHAVIOUR,
): CivilDate {
  if (!behaviour.termEdges) return businessDayOnOrAfter(code, contractualDate);
  return dueDateByRule(
    code,
    contractualDate,
    CLOSED_DAY_RULE_BY_KIND[LEDGER_DEADLINE_KIND[kind]],
    term.endDate,
  );
}

/** The planned credits of a term (art. 7): each month's salary, the State's and co-financers' yearly shares. */
export function buildLedger(
  data: CompleteConventionData,
  term: Term,
  behaviour: LifecycleBehaviour = CURRENT_LIFECYCLE_BEHAVIOUR,
): LedgerItem[] {
  const due = (kind: LedgerKind, date: CivilDate) =>
    lineDueDate(data.departement, kind, date, term, behaviour);
  const items: LedgerItem[] = [];
  const base = { term: term.number, nonPayment: null, waived: null };

  for (const month of monthsOfTerm(term.startDate, term.endDate)) {
    const contractualDate = monthlyDueDate(month, data.financing.salaryPaymentDay);
    if (compareDates(contractualDate, term.startDate) < 0 || compareDates(contractualDate, term.endDate) > 0)
      continue;
    items.push({
      ...base,
      payments: [],
      id: `t${term.number}-salaire-${month}`,
      kind: 'salary',
      termYear: termYearOf(term, contractualDate),
      month,
      payerPartyId: data.employerPartyId,
      contractualDate,
      dueDate: due('salary', contractualDate),
      plannedAmountEur: null,
    });
  }

  const stateId = Object.entries(data.parties).find(([, p]) => p.role === 'etat')?.[0] ?? 'etat';
  for (const year of termYears(term)) {
    const contractualDate = addMonths(year.yearStart, data.financing.contributionDueMonths);
    items.push({
      ...base,
      payments: [],
      id: `t${term.number}-etat-annee-${year.termYear}`,
      kind: 'state-participation',
      termYear: year.termYear,
      month: null,
      payerPartyId: stateId,
      contractualDate,
      dueDate: due('state-participation', contractualDate),
      plannedAmountEur: data.financing.stateAnnualParticipationEur,
    });
    for (const [partyId, share] of Object.entries(data.financing.coFinancers)) {
      items.push({
        ...base,
        payments: [],
        id: `t${term.number}-${partyId}-annee-${year.termYear}`,
        kind: 'co-financing',
        termYear: year.termYear,
        month: null,
        payerPartyId: partyId,
        contractualDate,
        dueDate: due('co-financing', contractualDate),
        plannedAmountEur: share.annualContributionEur,
      });
    }
  }
  return items.sort((a, b) => compareDates(a.dueDate, b.dueDate) || a.id.localeCompare(b.id));
}

export function buildReviews(term: Term): ReviewYear[] {
  return termYears(term).map((year) => ({
    term: term.number,
    ...year,
    meeting: null,
    report: null,
    review: null,
  }));
}

export function amountPaid(item: LedgerItem): number {
  return item.payments.reduce((sum, p) => sum + (p.amountEur ?? 0), 0);
}

export function isPaid(item: LedgerItem): boolean {
  if (item.kind === 'salary') return item.payments.length > 0;
  return amountPaid(item) >= (item.plannedAmountEur ?? 0) - 0.005;
}

/** Nothing more is owed on the line: paid in full, not due (post vacant), or written off. */
export function isSettled(item: LedgerItem): boolean {
  return Boolean(item.waived) || Boolean(item.writeOff) || isPaid(item);
}

/** The lines still owed, whatever their term: what keeps an ended convention open. */
export function unsettledLines(ledger: readonly LedgerItem[]): LedgerItem[] {
  return ledger.filter((item) => !isSettled(item));
}

/**
 * Where a line of the ledger stands on a given day. Settled: `paid`, `waived` (post vacant, not
 * due), `written_off` (closed without payment by an operator). Open: `upcoming`, `due` (today is
 * its due day), `late`, `partial` (a share partly paid), `unpaid` (non-payment recorded).
 */
export const { values: LEDGER_STATUSES, labels: LEDGER_STATUS_LABELS } = labelledValues({
  upcoming: 'à venir',
  due: 'dû ce jour',
  late: 'en retard',
  partial: 'payé en partie',
  unpaid: 'non-versement constaté',
  paid: 'payé',
  waived: 'non dû (poste vacant)',
  written_off: 'clos sans paiement',
});
export type LedgerStatus = (typeof LEDGER_STATUSES)[number];

export const SETTLED_STATUSES: readonly LedgerStatus[] = ['paid', 'waived', 'written_off'];

export function ledgerStatus(item: LedgerItem, today: CivilDate): LedgerStatus {
  if (item.waived) return 'waived';
  if (item.writeOff) return 'written_off';
  if (isPaid(item)) return 'paid';
  if (item.nonPayment) return 'unpaid';
  if (item.payments.length > 0) return 'partial';
  const c = compareDates(today, item.dueDate);
  return c < 0 ? 'upcoming' : c === 0 ? 'due' : 'late';
}
