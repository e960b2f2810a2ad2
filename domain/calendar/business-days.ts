/**
 * Business days ("jours ouvrés") of a département: Monday to Friday, except its public holidays.
 * Saturdays count as non-business days, as they do for the offices that act on a convention.
 */
import {
  type CivilDate,
  dayNumber,
  formatCivil,
  fromDayNumber,
  requireParts,
  weekdayOfDayNumber,
} from './dates';
import { type DepartementCode, departement } from './departements';
import { holidayNameOnValidDate } from './holidays';

// Memo of pure answers (a day is a business day or not, forever): safe in the workflow sandbox.
const businessDayMemo = new Map<string, Map<number, boolean>>();

/** Business-day tests work on day numbers: stepping through days builds no objects. */
function isBusinessDayNumber(code: DepartementCode, days: number): boolean {
  if (weekdayOfDayNumber(days) > 5) return false;
  let memo = businessDayMemo.get(code);
  if (memo === undefined) businessDayMemo.set(code, (memo = new Map<number, boolean>()));
  let answer = memo.get(days);
  if (answer === undefined) {
    const parts = fromDayNumber(days);
    answer = holidayNameOnValidDate(code, parts.year, formatCivil(parts)) === undefined;
    memo.set(days, answer);
  }
  return answer;
}

/** Steps one day at a time from `from` (excluded) until a business day; `step` is +1 or -1. */
function seekBusinessDay(code: DepartementCode, from: number, step: 1 | -1): number {
  let days = from + step;
  while (!isBusinessDayNumber(code, days)) days += step;
  return days;
}

const toDays = (date: CivilDate, field = 'date') => dayNumber(requireParts(date, field));
const toDate = (days: number) => formatCivil(fromDayNumber(days));

export function isBusinessDay(code: DepartementCode, date: CivilDate): boolean {
  departement(code);
  return isBusinessDayNumber(code, toDays(date));
}

/** The first business day strictly after `date`. */
export function nextBusinessDay(code: DepartementCode, date: CivilDate): CivilDate {
  departement(code);
  return toDate(seekBusinessDay(code, toDays(date), 1));
}

/** The last business day strictly before `date`. */
export function previousBusinessDay(code: DepartementCode, date: CivilDate): CivilDate {
  departement(code);
  return toDate(seekBusinessDay(code, toDays(date), -1));
}

/** `date` itself if it is a business day, else the next one: how a due date is moved (rule 1). */
export function businessDayOnOrAfter(code: DepartementCode, date: CivilDate): CivilDate {
  return isBusinessDay(code, date) ? date : nextBusinessDay(code, date);
}

/** `date` itself if it is a business day, else the previous one. */
export function businessDayOnOrBefore(code: DepartementCode, date: CivilDate): CivilDate {
  return isBusinessDay(code, date) ? date : previousBusinessDay(code, date);
}

/**
 * Moves `n` business days from `date`: forward when n > 0, backward when n < 0. `date` itself need
 * not be a business day (Saturday + 1 = Monday). n = 0 returns `businessDayOnOrAfter(date)`, so
 * the result is always a business day, which is what a deadline needs.
 */
export function addBusinessDays(code: DepartementCode, date: CivilDate, n: number): CivilDate {
  if (!Number.isSafeInteger(n)) throw new Error(`n: ${String(n)} must be an integer`);
  if (n === 0) return businessDayOnOrAfter(code, date);
  departement(code);
  const step = n > 0 ? 1 : -1;
  let days = toDays(date);
  for (let remaining = Math.abs(n); remaining > 0; remaining -= 1) days = seekBusinessDay(code, days, step);
  return toDate(days);
}

/**
 * The number of business days in (from, to]: `from` excluded, `to` included, so a Friday to the
 * next Monday is 1. When `to` is before `from` the count is negative, -(business days in
 * (to, from]), which keeps `businessDaysBetween(d, addBusinessDays(d, n)) === n` for a business
 * day d and any n.
 */
export function businessDaysBetween(code: DepartementCode, from: CivilDate, to: CivilDate): number {
  departement(code);
  const start = toDays(from, 'from');
  const end = toDays(to, 'to');
  if (end < start) {
    const backward = businessDaysBetween(code, to, from);
    return backward === 0 ? 0 : -backward; // never -0
  }
  let count = 0;
  for (let days = start + 1; days <= end; days++) if (isBusinessDayNumber(code, days)) count += 1;
  return count;
}

/** What a due date that falls on a closed day becomes: one rule per deadline kind (docs/calendar.md). */
export const CLOSED_DAY_RULES = ['next', 'next-within-term', 'previous', 'unmoved'] as const;
export type ClosedDayRule = (typeof CLOSED_DAY_RULES)[number];

/**
 * The due date of an obligation whose written date is `date`, by its closed-day rule. For
 * `next-within-term`, `lastDay` is the term's last day: the next business day when it is within
 * the term, else the business day before `date`.
 */
export function dueDateByRule(
  code: DepartementCode,
  date: CivilDate,
  rule: ClosedDayRule,
  lastDay?: CivilDate,
): CivilDate {
  switch (rule) {
    case 'unmoved':
      departement(code);
      requireParts(date);
      return date;
    case 'next':
      return businessDayOnOrAfter(code, date);
    case 'previous':
      return businessDayOnOrBefore(code, date);
    case 'next-within-term': {
      if (lastDay === undefined) throw new Error('lastDay: the term’s last day is required');
      const next = businessDayOnOrAfter(code, date);
      return toDays(next) <= toDays(lastDay, 'lastDay') ? next : businessDayOnOrBefore(code, date);
    }
  }
}
