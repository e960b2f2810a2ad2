/**
 * Business days ("jours ouvrés") of a département: Monday to Friday, except its public holidays.
 * Saturdays count as non-business days, as they do for the offices that act on a convention.
 */
import { type DateTime } from 'luxon';
import { type CivilDate, fromDateTime, shiftDays, toDateTime } from './dates';
import { type DepartementCode, departement } from './departements';
import { holidayNameOnValidDate } from './holidays';

function isBusinessDateTime(code: DepartementCode, dateTime: DateTime): boolean {
  return (
    dateTime.weekday <= 5 && holidayNameOnValidDate(code, dateTime.year, fromDateTime(dateTime)) === undefined
  );
}

/** Steps one day at a time from `from` (excluded) until a business day; `step` is +1 or -1. */
function seekBusinessDay(code: DepartementCode, from: DateTime, step: 1 | -1): DateTime {
  let dateTime = shiftDays(from, step);
  while (!isBusinessDateTime(code, dateTime)) dateTime = shiftDays(dateTime, step);
  return dateTime;
}

export function isBusinessDay(code: DepartementCode, date: CivilDate): boolean {
  departement(code);
  return isBusinessDateTime(code, toDateTime(date));
}

/** The first business day strictly after `date`. */
export function nextBusinessDay(code: DepartementCode, date: CivilDate): CivilDate {
  departement(code);
  return fromDateTime(seekBusinessDay(code, toDateTime(date), 1));
}

/** The last business day strictly before `date`. */
export function previousBusinessDay(code: DepartementCode, date: CivilDate): CivilDate {
  departement(code);
  return fromDateTime(seekBusinessDay(code, toDateTime(date), -1));
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
  let dateTime = toDateTime(date);
  for (let remaining = Math.abs(n); remaining > 0; remaining -= 1) {
    dateTime = seekBusinessDay(code, dateTime, step);
  }
  return fromDateTime(dateTime);
}

/**
 * The number of business days in (from, to]: `from` excluded, `to` included, so a Friday to the
 * next Monday is 1. When `to` is before `from` the count is negative, -(business days in
 * (to, from]), which keeps `businessDaysBetween(d, addBusinessDays(d, n)) === n` for a business
 * day d and any n.
 */
export function businessDaysBetween(code: DepartementCode, from: CivilDate, to: CivilDate): number {
  departement(code);
  const start = toDateTime(from, 'from');
  const end = toDateTime(to, 'to');
  if (end.toMillis() < start.toMillis()) {
    const backward = businessDaysBetween(code, to, from);
    return backward === 0 ? 0 : -backward; // never -0
  }
  let count = 0;
  let dateTime = shiftDays(start, 1);
  while (dateTime.toMillis() <= end.toMillis()) {
    if (isBusinessDateTime(code, dateTime)) count += 1;
    dateTime = shiftDays(dateTime, 1);
  }
  return count;
}
