/**
 * Civil dates ('YYYY-MM-DD' strings) and the few conversions to instants the product needs.
 *
 * Dates stay strings because they cross Temporal payloads and continue-as-new, where a Date or a
 * luxon object would not survive the JSON converter. Date arithmetic is done in UTC, a zone
 * without DST, so a civil date never shifts; only `localDate`, `instantAt` and `startOfLocalDay`
 * involve a département's zone, and they always name it.
 */
import { IANAZone } from 'luxon';
import { type DepartementCode, zoneOf } from './departements';
import { PureMemo } from '../pure-memo';

/** A civil date 'YYYY-MM-DD' (no time, no zone). */
export type CivilDate = string;

/** A calendar month 'YYYY-MM'. */
export type YearMonth = string;

const CIVIL_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const YEAR_MONTH_PATTERN = /^(\d{4})-(\d{2})$/;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * The arithmetic works on day numbers (days since 1970-01-01) with integer formulas: no Date, no
 * zone, and a hundred times faster than building a luxon DateTime, which matters because the
 * reminder planner and the business-day loops call these functions thousands of times.
 */
export interface CivilParts {
  year: number;
  month: number;
  day: number;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Parsed dates, by their text: the planner reads the same few hundred dates again at each wake.
 * Bounded, and pure (the same text always gives the same frozen parts), so safe in the sandbox.
 */
const parsedDates = new PureMemo<Readonly<CivilParts> | undefined>(4096);

/** For the calendar module: the parts of a valid civil date, or undefined. */
export function civilParts(value: unknown): Readonly<CivilParts> | undefined {
  // YYYY-MM-DD is ten characters: nothing else is parsed, nor kept.
  if (typeof value !== 'string' || value.length !== 10) return undefined;
  return parsedDates.get(value, () => parseParts(value));
}

function parseParts(value: string): Readonly<CivilParts> | undefined {
  const match = CIVIL_DATE_PATTERN.exec(value);
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return Object.freeze({ year, month, day });
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function dayNumber({ year, month, day }: CivilParts): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** The civil date of a day number (H. Hinnant's civil_from_days). */
export function fromDayNumber(days: number): CivilParts {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** For the calendar module: writes parts as a civil date, refusing years a civil date cannot hold. */
export function formatCivil({ year, month, day }: CivilParts): CivilDate {
  // Arithmetic can leave the four-digit years a civil date is written with.
  if (year < 1 || year > 9999) throw new RangeError('The resulting date is outside the years 0001 to 9999');
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

function invalidCivilDate(value: unknown, field: string): Error {
  return new Error(
    `${field}: ${JSON.stringify(value) ?? String(value)} is not a civil date; expected a real calendar date written YYYY-MM-DD (for example 2027-03-01)`,
  );
}

/** For the calendar module: the parts of a civil date, or an error naming the field. */
export function requireParts(value: unknown, field = 'date'): CivilParts {
  const parts = civilParts(value);
  if (parts === undefined) throw invalidCivilDate(value, field);
  return parts;
}

/** Validates a civil date and returns it; the error names the field and the rule broken. */
export function parseCivilDate(value: unknown, field = 'date'): CivilDate {
  requireParts(value, field);
  return value as CivilDate;
}

export function isCivilDate(value: unknown): value is CivilDate {
  return civilParts(value) !== undefined;
}

function requireInteger(value: number, field: string): void {
  if (!Number.isSafeInteger(value)) {
    throw new Error(`${field}: ${String(value)} must be an integer`);
  }
}

export function addDays(date: CivilDate, days: number): CivilDate {
  requireInteger(days, 'days');
  return formatCivil(fromDayNumber(dayNumber(requireParts(date)) + days));
}

function shiftMonths({ year, month, day }: CivilParts, months: number): CivilDate {
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = index - targetYear * 12 + 1;
  return formatCivil({
    year: targetYear,
    month: targetMonth,
    day: Math.min(day, daysInMonth(targetYear, targetMonth)),
  });
}

/** Adds calendar months; a day that does not exist in the target month becomes its last day. */
export function addMonths(date: CivilDate, months: number): CivilDate {
  requireInteger(months, 'months');
  return shiftMonths(requireParts(date), months);
}

/** Adds calendar years; 29 February becomes 28 February in a common year. */
export function addYears(date: CivilDate, years: number): CivilDate {
  requireInteger(years, 'years');
  return shiftMonths(requireParts(date), years * 12);
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
  return dayNumber(requireParts(to, 'to')) - dayNumber(requireParts(from, 'from'));
}

/** For the calendar module: 1 = Monday … 7 = Sunday of a day number (1970-01-01 was a Thursday). */
export function weekdayOfDayNumber(days: number): number {
  return ((((days + 3) % 7) + 7) % 7) + 1;
}

/** 1 = Monday … 7 = Sunday (ISO 8601). */
export function dayOfWeek(date: CivilDate): number {
  return weekdayOfDayNumber(dayNumber(requireParts(date)));
}

function parseYearMonth(value: YearMonth, field: string): { year: number; month: number } {
  const match = typeof value === 'string' ? YEAR_MONTH_PATTERN.exec(value) : null;
  const year = Number(match?.[1]);
  const month = Number(match?.[2]);
  if (!match || year < 1 || month < 1 || month > 12) {
    throw new Error(
      `${field}: ${JSON.stringify(value) ?? String(value)} is not a month; expected YYYY-MM (for example 2027-03)`,
    );
  }
  return { year, month };
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
  const { year, month } = parseYearMonth(yearMonth, 'yearMonth');
  if (!Number.isInteger(dayOfMonth) || dayOfMonth < 1 || dayOfMonth > 31) {
    throw new Error(`dayOfMonth: ${String(dayOfMonth)} must be an integer from 1 to 31`);
  }
  return formatCivil({ year, month, day: Math.min(dayOfMonth, daysInMonth(year, month)) });
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

/**
 * The last date a letter giving `months` months' notice may be sent for a convention expiring on
 * `expiry`, whichever way the months are counted: back from the expiry (`noticeDeadline`), or
 * forward from the letter as art. 641 du code de procédure civile counts a time limit (a letter of
 * 30 November 2029 runs three months to 28 February 2030, the month having no 30th). Counting
 * forward never gives an earlier date, so this is the latest letter `addMonths(letter, months)`
 * still brings to the expiry or before: 2030-02-28 → 2029-11-30, where counting back gives the
 * 28th. Never moved to a business day (product rule 2).
 */
export function latestNoticeDate(expiry: CivilDate, months = 3): CivilDate {
  let letter = noticeDeadline(expiry, months);
  // Month lengths differ by three days at most: a few steps reach the latest such letter.
  while (compareDates(addMonths(addDays(letter, 1), months), expiry) <= 0) letter = addDays(letter, 1);
  return letter;
}

/** Every month 'YYYY-MM' that has at least one day in [start, end], in order. */
export function monthsOfTerm(start: CivilDate, end: CivilDate): YearMonth[] {
  const first = requireParts(start, 'start');
  const last = requireParts(end, 'end');
  if (dayNumber(last) < dayNumber(first)) throw new Error(`end: ${end} is before start ${start}`);
  const months: YearMonth[] = [];
  for (let index = first.year * 12 + first.month - 1; index <= last.year * 12 + last.month - 1; index++)
    months.push(`${pad(Math.floor(index / 12), 4)}-${pad((index % 12) + 1, 2)}`);
  return months;
}

function requireInstant(instantMs: number): void {
  if (!Number.isFinite(instantMs)) {
    throw new Error(
      `instantMs: ${String(instantMs)} must be a finite number of milliseconds since the epoch`,
    );
  }
}

const HOUR_MS = 60 * MINUTE_MS;

/**
 * UTC offsets in minutes, per zone, memoised per day when the offset holds all day, else per hour:
 * offsets change only on the hour here, and asking luxon (through Intl) is the slow part of a
 * conversion. Pure, so safe in the sandbox.
 */
class ZoneOffsets {
  private readonly zone: IANAZone;
  private readonly byHour = new Map<number, number>();
  /** Per UTC day, the offset when it holds all day (most days), null on a day it changes. */
  private readonly byDay = new Map<number, number | null>();

  constructor(name: string) {
    this.zone = IANAZone.create(name);
  }

  offset(instantMs: number): number {
    const day = Math.floor(instantMs / DAY_MS);
    let allDay = this.byDay.get(day);
    if (allDay === undefined) {
      if (this.byDay.size > 20_000) this.byDay.clear();
      const first = this.atHour(day * 24);
      allDay = first === this.atHour(day * 24 + 24) ? first : null;
      this.byDay.set(day, allDay);
    }
    return allDay ?? this.atHour(Math.floor(instantMs / HOUR_MS));
  }

  private atHour(hour: number): number {
    let offset = this.byHour.get(hour);
    if (offset === undefined) {
      if (this.byHour.size > 200_000) this.byHour.clear();
      offset = this.zone.offset(hour * HOUR_MS);
      this.byHour.set(hour, offset);
    }
    return offset;
  }
}

const zones = new Map<string, ZoneOffsets>();
function ianaZone(code: DepartementCode): ZoneOffsets {
  const name = zoneOf(code);
  let zone = zones.get(name);
  if (zone === undefined) {
    zone = new ZoneOffsets(name);
    zones.set(name, zone);
  }
  return zone;
}

/** The civil date in the département's zone at that instant (epoch milliseconds). */
export function localDate(instantMs: number, code: DepartementCode): CivilDate {
  requireInstant(instantMs);
  const offsetMinutes = ianaZone(code).offset(instantMs);
  return formatCivil(fromDayNumber(Math.floor((instantMs + offsetMinutes * MINUTE_MS) / DAY_MS)));
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
  const wallClockAsUtc = dayNumber(requireParts(date)) * DAY_MS + hour * 60 * MINUTE_MS + minute * MINUTE_MS;
  const zone = ianaZone(code);
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

const FRENCH_WEEKDAYS = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'];
export const FRENCH_MONTHS = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
];

/** "lundi 1er mars 2027", "mardi 2 mars 2027": the form a French letter or reminder uses. */
export function formatFrenchDate(date: CivilDate): string {
  const parts = requireParts(date);
  const weekday = FRENCH_WEEKDAYS[weekdayOfDayNumber(dayNumber(parts)) - 1]!;
  const day = parts.day === 1 ? '1er' : String(parts.day);
  return `${weekday} ${day} ${FRENCH_MONTHS[parts.month - 1]!} ${parts.year}`;
}
