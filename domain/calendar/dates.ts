/**
 * Civil dates ('YYYY-MM-DD' strings) and the few conversions to instants the product needs.
 *
 * Dates stay strings because they cross Temporal payloads and continue-as-new, where a Date or a
 * luxon object would not survive the JSON converter. Date arithmetic is done in UTC, a zone
 * without DST, so a civil date never shifts; only `localDate`, `instantAt` and `startOfLocalDay`
 * involve a département's zone, and they always name it.
 */
import { DateTime, FixedOffsetZone, IANAZone } from 'luxon';
import { type DepartementCode, zoneOf } from './departements';

/** A civil date 'YYYY-MM-DD' (no time, no zone). */
export type CivilDate = string;

/** A calendar month 'YYYY-MM'. */
export type YearMonth = string;

const CIVIL_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const YEAR_MONTH_PATTERN = /^(\d{4})-(\d{2})$/;
const ARITHMETIC_ZONE = FixedOffsetZone.utcInstance;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

function civilDateTime(value: unknown): DateTime | undefined {
  if (typeof value !== 'string') return undefined;
  const match = CIVIL_DATE_PATTERN.exec(value);
  if (!match) return undefined;
  const [, year, month, day] = match;
  if (year === '0000') return undefined;
  const dateTime = DateTime.fromObject(
    { year: Number(year), month: Number(month), day: Number(day) },
    { zone: ARITHMETIC_ZONE },
  );
  return dateTime.isValid ? dateTime : undefined;
}

function invalidCivilDate(value: unknown, field: string): Error {
  return new Error(
    `${field}: ${JSON.stringify(value) ?? String(value)} is not a civil date; expected a real calendar date written YYYY-MM-DD (for example 2027-03-01)`,
  );
}

/** Validates a civil date and returns it; the error names the field and the rule broken. */
export function parseCivilDate(value: unknown, field = 'date'): CivilDate {
  if (civilDateTime(value) === undefined) throw invalidCivilDate(value, field);
  return value as CivilDate;
}

export function isCivilDate(value: unknown): value is CivilDate {
  return civilDateTime(value) !== undefined;
}

/** For the calendar module only: the date as a luxon DateTime at midnight UTC. */
export function toDateTime(date: CivilDate, field = 'date'): DateTime {
  const dateTime = civilDateTime(date);
  if (dateTime === undefined) throw invalidCivilDate(date, field);
  return dateTime;
}

/** For the calendar module only: back from a UTC DateTime to its civil date. */
export function fromDateTime(dateTime: DateTime): CivilDate {
  const date = dateTime.toISODate();
  // Arithmetic can leave the four-digit years a civil date is written with.
  if (date === null || !CIVIL_DATE_PATTERN.test(date) || date.startsWith('0000')) {
    throw new RangeError('The resulting date is outside the years 0001 to 9999');
  }
  return date;
}

/**
 * For the calendar module only: a civil DateTime moved by whole days. In UTC a day is always
 * 86 400 000 ms, and this is many times faster than `plus({ days })` in business-day loops.
 */
export function shiftDays(dateTime: DateTime, days: number): DateTime {
  return DateTime.fromMillis(dateTime.toMillis() + days * DAY_MS, { zone: ARITHMETIC_ZONE });
}

function requireInteger(value: number, field: string): void {
  if (!Number.isSafeInteger(value)) {
    throw new Error(`${field}: ${String(value)} must be an integer`);
  }
}

export function addDays(date: CivilDate, days: number): CivilDate {
  requireInteger(days, 'days');
  return fromDateTime(shiftDays(toDateTime(date), days));
}

/** Adds calendar months; a day that does not exist in the target month becomes its last day. */
export function addMonths(date: CivilDate, months: number): CivilDate {
  requireInteger(months, 'months');
  // luxon clamps to the end of the month: 2027-01-31 + 1 month = 2027-02-28.
  return fromDateTime(toDateTime(date).plus({ months }));
}

/** Adds calendar years; 29 February becomes 28 February in a common year. */
export function addYears(date: CivilDate, years: number): CivilDate {
  requireInteger(years, 'years');
  return fromDateTime(toDateTime(date).plus({ years }));
}

/** -1, 0 or 1, for `Array.prototype.sort`. */
export function compareDates(a: CivilDate, b: CivilDate): -1 | 0 | 1 {
  // Validated 'YYYY-MM-DD' strings with four-digit years order lexicographically.
  const left = parseCivilDate(a, 'a');
  const right = parseCivilDate(b, 'b');
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Signed number of calendar days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: CivilDate, to: CivilDate): number {
  return Math.round(toDateTime(to, 'to').diff(toDateTime(from, 'from'), 'days').days);
}

/** 1 = Monday … 7 = Sunday (ISO 8601). */
export function dayOfWeek(date: CivilDate): number {
  return toDateTime(date).weekday;
}

function parseYearMonth(value: YearMonth, field: string): DateTime {
  const match = typeof value === 'string' ? YEAR_MONTH_PATTERN.exec(value) : null;
  const dateTime =
    match && match[1] !== '0000'
      ? DateTime.fromObject({ year: Number(match[1]), month: Number(match[2]) }, { zone: ARITHMETIC_ZONE })
      : undefined;
  if (dateTime === undefined || !dateTime.isValid) {
    throw new Error(
      `${field}: ${JSON.stringify(value) ?? String(value)} is not a month; expected YYYY-MM (for example 2027-03)`,
    );
  }
  return dateTime;
}

/** The month 'YYYY-MM' a civil date falls in. */
export function yearMonthOf(date: CivilDate): YearMonth {
  return parseCivilDate(date).slice(0, 7);
}

/**
 * The payment date of day `dayOfMonth` in `yearMonth`, clamped to the month's last day: a payment
 * day of 31 falls on 30 April and on 28 or 29 February. Moving it off a non-business day is the
 * caller's business (product rule 1), not this function's.
 */
export function monthlyDueDate(yearMonth: YearMonth, dayOfMonth: number): CivilDate {
  const month = parseYearMonth(yearMonth, 'yearMonth');
  if (!Number.isInteger(dayOfMonth) || dayOfMonth < 1 || dayOfMonth > 31) {
    throw new Error(`dayOfMonth: ${String(dayOfMonth)} must be an integer from 1 to 31`);
  }
  const lastDay = month.daysInMonth as number;
  return fromDateTime(month.set({ day: Math.min(dayOfMonth, lastDay) }));
}

/**
 * The last day of a term of `years` years starting on `start`: the day before the `years`-th
 * anniversary. The anniversary of 29 February is 28 February in a common year (product rule 6),
 * so a term starting 2028-02-29 has its anniversary on 2031-02-28 and ends on 2031-02-27; the next
 * term then starts on 2031-02-28, the day after expiry.
 */
export function termEndDate(start: CivilDate, years = 3): CivilDate {
  requireInteger(years, 'years');
  if (years < 1) throw new Error(`years: ${years} must be at least 1`);
  return addDays(addYears(start, years), -1);
}

/**
 * The last date a denunciation may be sent: `months` calendar months before expiry, clamped to the
 * month's last day (2030-05-31 → 2030-02-28). Never moved to a business day (product rule 2).
 */
export function noticeDeadline(expiry: CivilDate, months = 3): CivilDate {
  requireInteger(months, 'months');
  if (months < 0) throw new Error(`months: ${months} must not be negative`);
  return addMonths(expiry, -months);
}

/** Every month 'YYYY-MM' that has at least one day in [start, end], in order. */
export function monthsOfTerm(start: CivilDate, end: CivilDate): YearMonth[] {
  const first = toDateTime(start, 'start').startOf('month');
  const last = toDateTime(end, 'end');
  if (last.toMillis() < toDateTime(start, 'start').toMillis()) {
    throw new Error(`end: ${end} is before start ${start}`);
  }
  const months: YearMonth[] = [];
  for (let month = first; month.toMillis() <= last.toMillis(); month = month.plus({ months: 1 })) {
    months.push(month.toFormat('yyyy-MM'));
  }
  return months;
}

function requireInstant(instantMs: number): void {
  if (!Number.isFinite(instantMs)) {
    throw new Error(
      `instantMs: ${String(instantMs)} must be a finite number of milliseconds since the epoch`,
    );
  }
}

/** The civil date in the département's zone at that instant (epoch milliseconds). */
export function localDate(instantMs: number, code: DepartementCode): CivilDate {
  requireInstant(instantMs);
  return fromDateTime(DateTime.fromMillis(instantMs, { zone: zoneOf(code) }));
}

/**
 * Epoch milliseconds of the wall time `hour:minute` on `date` in the département's zone.
 *
 * luxon's own `fromObject` picks the offset for a repeated wall time by looking at the current
 * clock, so its answer in the autumn overlap would depend on the season the code runs in. The
 * offset is therefore resolved here, from the date alone, the way TC39 Temporal and java.time do
 * by default:
 * - a wall time that does not exist (02:30 on the spring-forward day in Paris) resolves forward,
 *   to the same distance after the gap (03:30 CEST), as luxon does;
 * - a wall time that occurs twice (02:30 on the fall-back day) is its first occurrence (CEST).
 */
export function instantAt(date: CivilDate, code: DepartementCode, hour: number, minute = 0): number {
  if (!Number.isInteger(hour) || hour < 0 || hour > 23) {
    throw new Error(`hour: ${String(hour)} must be an integer from 0 to 23`);
  }
  if (!Number.isInteger(minute) || minute < 0 || minute > 59) {
    throw new Error(`minute: ${String(minute)} must be an integer from 0 to 59`);
  }
  const wallClockAsUtc = toDateTime(date).set({ hour, minute }).toMillis();
  const zone = IANAZone.create(zoneOf(code));
  // The offsets a day before and a day after bracket any transition near this wall time.
  const offsetBefore = zone.offset(wallClockAsUtc - DAY_MS);
  const offsetAfter = zone.offset(wallClockAsUtc + DAY_MS);
  const consistent = [offsetBefore, offsetAfter]
    .map((offset) => wallClockAsUtc - offset * MINUTE_MS)
    .filter((instant) => wallClockAsUtc - zone.offset(instant) * MINUTE_MS === instant);
  if (consistent.length > 0) return Math.min(...consistent);
  // In a gap, reading the wall time with the offset in force before it lands after the gap.
  return wallClockAsUtc - offsetBefore * MINUTE_MS;
}

/** Epoch milliseconds of the first instant of that civil date in the département's zone. */
export function startOfLocalDay(date: CivilDate, code: DepartementCode): number {
  return instantAt(date, code, 0, 0);
}

/** "lundi 1er mars 2027", "mardi 2 mars 2027": the form a French letter or reminder uses. */
export function formatFrenchDate(date: CivilDate): string {
  // A civil date formatted in UTC is the same date everywhere, whatever the host's zone.
  const dateTime = toDateTime(date).setLocale('fr');
  const day = dateTime.day === 1 ? '1er' : String(dateTime.day);
  return `${dateTime.toFormat('EEEE')} ${day} ${dateTime.toFormat('MMMM yyyy')}`;
}
