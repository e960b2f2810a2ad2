import { businessDayOnOrAfter } from '../calendar/business-days';
import {
  addDays,
  addMonths,
  addYears,
  compareDates,
  monthlyDueDate,
  monthsOfTerm,
  noticeDeadline,
  termEndDate,
  type CivilDate,
} from '../calendar/dates';

import type { CompleteConventionData } from '../convention/completeness';
import type { ConventionData } from '../convention/schema';
import type { LedgerItem, ReviewYear, Term } from './context';

export const TERM_YEARS = 3;
export const DEFAULT_CONCERTATION_MONTHS = 6;

export function computeTerm(data: ConventionData, number: number, startDate: CivilDate): Term {
  const endDate = number === 1 && data.endDate ? data.endDate : termEndDate(startDate, TERM_YEARS);
  return {
    number,
    startDate,
    endDate,
    noticeDeadline: noticeDeadline(endDate, 3),
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

/** The planned credits of a term (art. 7): each month's salary, the State's and co-financers' yearly shares. */
export function buildLedger(data: CompleteConventionData, term: Term): LedgerItem[] {
  const departement = data.departement;
  const due = (date: CivilDate) => businessDayOnOrAfter(departement, date);
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
      dueDate: due(contractualDate),
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
      dueDate: due(contractualDate),
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
        dueDate: due(contractualDate),
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

export function isSettled(item: LedgerItem): boolean {
  if (item.waived) return true;
  if (item.kind === 'salary') return item.payments.length > 0;
  return amountPaid(item) >= (item.plannedAmountEur ?? 0) - 0.005;
}

export type LedgerStatus = 'upcoming' | 'due' | 'late' | 'partial' | 'paid' | 'unpaid' | 'waived';

export function ledgerStatus(item: LedgerItem, today: CivilDate): LedgerStatus {
  if (item.waived) return 'waived';
  if (isSettled(item)) return 'paid';
  if (item.nonPayment) return 'unpaid';
  if (item.payments.length > 0) return 'partial';
  const c = compareDates(today, item.dueDate);
  return c < 0 ? 'upcoming' : c === 0 ? 'due' : 'late';
}
