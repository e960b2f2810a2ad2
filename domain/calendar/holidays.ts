/**
 * French public holidays (jours fériés) per département, computed from the law rather than
 * listed per year. Legal sources and the days deliberately left out are in docs/calendar.md.
 *
 * The law in force today is applied to every year asked for; this is not a historical calendar.
 */
import { type CivilDate, addDays, parseCivilDate } from './dates';
import { type DepartementCode, departement } from './departements';
import { PureMemo } from '../pure-memo';

export interface PublicHoliday {
  readonly date: CivilDate;
  /** French name; two holidays on the same date share one entry, names joined by " / ". */
  readonly name: string;
}

/** Years the Gregorian Easter computation and four-digit civil dates both cover. */
const FIRST_YEAR = 1583;
const LAST_YEAR = 9999;

/**
 * Commemoration of the abolition of slavery, a public holiday in each overseas département and in
 * Saint-Barthélemy and Saint-Martin (loi n° 83-550 du 30 juin 1983; dates of décret n° 83-1003 du
 * 23 novembre 1983, now Code du travail L3422-2). Saint-Martin's is 28 May, the day the abolition
 * was proclaimed there, which the State has applied since 2018 (docs/calendar.md).
 */
const ABOLITION_OF_SLAVERY: { readonly [code: string]: { readonly month: number; readonly day: number } } = {
  '971': { month: 5, day: 27 },
  '972': { month: 5, day: 22 },
  '973': { month: 6, day: 10 },
  '974': { month: 12, day: 20 },
  '976': { month: 4, day: 27 },
  '977': { month: 10, day: 9 },
  '978': { month: 5, day: 28 },
};

type LocalHoliday =
  | { readonly month: number; readonly day: number; readonly name: string }
  | { readonly easterOffset: number; readonly name: string };

/**
 * The holidays the territory's own labour law adds to the eleven of L3133-1, where the Code du
 * travail does not apply (sources and the days left out in docs/calendar.md).
 */
const PACIFIC_HOLIDAYS: { readonly [code: string]: readonly LocalHoliday[] } = {
  '986': [
    { month: 4, day: 28, name: 'Saint Pierre Chanel' },
    { month: 7, day: 29, name: 'Fête du Territoire' },
  ],
  '987': [
    { month: 3, day: 5, name: "Arrivée de l'Évangile" },
    { easterOffset: -2, name: 'Vendredi saint' },
    { month: 11, day: 20, name: "Matāri'i i ni'a" },
  ],
  '988': [{ month: 9, day: 24, name: 'Fête de la citoyenneté' }],
};

function requireYear(year: number): void {
  if (!Number.isInteger(year) || year < FIRST_YEAR || year > LAST_YEAR) {
    throw new Error(`year: ${String(year)} must be an integer from ${FIRST_YEAR} to ${LAST_YEAR}`);
  }
}

/** A fixed-date holiday; `year` is already checked to have four digits. */
function fixedDate(year: number, month: number, day: number): CivilDate {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Easter Sunday of a Gregorian year, by the anonymous Gregorian (Meeus/Jones/Butcher) algorithm. */
export function easterSunday(year: number): CivilDate {
  requireYear(year);
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return fixedDate(year, month, day);
}

function computeHolidays(code: DepartementCode, year: number): PublicHoliday[] {
  const easter = easterSunday(year);
  // The eleven fêtes légales of Code du travail L3133-1, valid everywhere: the Pacific
  // territories' own labour laws list them too.
  const holidays: PublicHoliday[] = [
    { date: fixedDate(year, 1, 1), name: "Jour de l'an" },
    { date: addDays(easter, 1), name: 'Lundi de Pâques' },
    { date: fixedDate(year, 5, 1), name: 'Fête du Travail' },
    { date: fixedDate(year, 5, 8), name: 'Victoire 1945' },
    { date: addDays(easter, 39), name: 'Ascension' },
    { date: addDays(easter, 50), name: 'Lundi de Pentecôte' },
    { date: fixedDate(year, 7, 14), name: 'Fête nationale' },
    { date: fixedDate(year, 8, 15), name: 'Assomption' },
    { date: fixedDate(year, 11, 1), name: 'Toussaint' },
    { date: fixedDate(year, 11, 11), name: 'Armistice 1918' },
    { date: fixedDate(year, 12, 25), name: 'Noël' },
  ];
  const { regime } = departement(code);
  if (regime === 'alsace-moselle') {
    // L3134-13. Good Friday is applied to the whole département: see docs/calendar.md.
    holidays.push({ date: addDays(easter, -2), name: 'Vendredi saint' });
    holidays.push({ date: fixedDate(year, 12, 26), name: 'Saint-Étienne' });
  }
  const abolition = ABOLITION_OF_SLAVERY[code];
  if (regime === 'outre-mer' && abolition !== undefined) {
    holidays.push({
      date: fixedDate(year, abolition.month, abolition.day),
      name: "Abolition de l'esclavage",
    });
  }
  for (const local of regime === 'pacifique' ? (PACIFIC_HOLIDAYS[code] ?? []) : [])
    holidays.push({
      date:
        'easterOffset' in local
          ? addDays(easter, local.easterOffset)
          : fixedDate(year, local.month, local.day),
      name: local.name,
    });
  return mergeSameDate(holidays);
}

/** Sorts by date and folds holidays that coincide (Ascension can fall on 1 or 8 May) into one. */
function mergeSameDate(holidays: readonly PublicHoliday[]): PublicHoliday[] {
  const sorted = [...holidays].sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0));
  const merged: PublicHoliday[] = [];
  for (const holiday of sorted) {
    const previous = merged[merged.length - 1];
    if (previous !== undefined && previous.date === holiday.date) {
      merged[merged.length - 1] = { date: previous.date, name: `${previous.name} / ${holiday.name}` };
    } else {
      merged.push(holiday);
    }
  }
  return merged;
}

interface YearHolidays {
  readonly list: readonly PublicHoliday[];
  readonly nameByDate: ReadonlyMap<CivilDate, string>;
}

const memo = new PureMemo<YearHolidays>();

function holidaysOfYear(code: DepartementCode, year: number): YearHolidays {
  return memo.get(`${code}:${year}`, () => {
    requireYear(year);
    const list = Object.freeze(computeHolidays(code, year).map((holiday) => Object.freeze(holiday)));
    return { list, nameByDate: new Map(list.map((holiday) => [holiday.date, holiday.name])) };
  });
}

/**
 * For the calendar module only: holiday lookup for a date already known to be valid and to lie in
 * `year`, so stepping through days does not parse each date again.
 */
export function holidayNameOnValidDate(
  code: DepartementCode,
  year: number,
  date: CivilDate,
): string | undefined {
  return holidaysOfYear(code, year).nameByDate.get(date);
}

/** The public holidays of a département in a year, sorted by date. The array is frozen. */
export function publicHolidays(code: DepartementCode, year: number): readonly PublicHoliday[] {
  return holidaysOfYear(code, year).list;
}

/** The holiday's French name if `date` is a public holiday in the département, else undefined. */
export function publicHolidayName(code: DepartementCode, date: CivilDate): string | undefined {
  const year = Number(parseCivilDate(date).slice(0, 4));
  return holidaysOfYear(code, year).nameByDate.get(date);
}

export function isPublicHoliday(code: DepartementCode, date: CivilDate): boolean {
  return publicHolidayName(code, date) !== undefined;
}
