/**
 * Cross-checks the computed holidays against the date-holidays package for every département and
 * overseas collectivity, every year from 2020 to 2050. Where that package departs from the law as
 * docs/calendar.md reads it, the difference is listed below with its legal reason; anything else
 * must match exactly.
 */
import Holidays from 'date-holidays';
import {
  type CivilDate,
  DEPARTEMENT_CODES,
  type DepartementCode,
  addDays,
  easterSunday,
  isPublicHoliday,
  publicHolidays,
} from '../../../domain/calendar';

const FIRST_YEAR = 2020;
const LAST_YEAR = 2050;

/** date-holidays' FR subdivisions; every other département uses the national calendar. */
const DATE_HOLIDAYS_STATE: Partial<Record<DepartementCode, string>> = {
  '57': '57',
  '67': '67',
  '68': '68',
  '971': 'GP',
  '972': 'MQ',
  '973': 'GF',
  '974': 'RE',
  '976': 'YT',
};

/** Collectivities date-holidays lists as countries of their own (their ISO 3166 codes). */
const DATE_HOLIDAYS_COUNTRY: Partial<Record<DepartementCode, string>> = {
  '975': 'PM',
  '977': 'BL',
  '978': 'MF',
  '986': 'WF',
  '987': 'PF',
  '988': 'NC',
};

interface KnownDifference {
  readonly departements: readonly DepartementCode[];
  readonly name: string;
  readonly dateIn: (year: number) => CivilDate;
  /** The years it applies to, when not all (date-holidays follows a change of the law by year). */
  readonly years?: { readonly to: number };
  /** Why the law, not date-holidays, is followed. */
  readonly reason: string;
}

/** Days date-holidays types 'public' that are not public holidays in law. */
const PUBLIC_ONLY_IN_DATE_HOLIDAYS: readonly KnownDifference[] = [
  {
    departements: ['971', '972'],
    name: 'Vendredi saint',
    dateIn: (year) => addDays(easterSunday(year), -2),
    reason:
      'Customarily not worked in Guadeloupe and Martinique (usage, some local collective agreements), ' +
      'but neither Code du travail L3133-1 nor L3422-2 makes it a jour férié there; only L3134-13 ' +
      'does, for Moselle, Bas-Rhin and Haut-Rhin.',
  },
  {
    departements: ['978'],
    name: 'Abolition de l’esclavage (27 mai)',
    dateIn: (year) => `${year}-05-27`,
    reason:
      'Saint-Martin commemorates the abolition on 28 May, the day it was proclaimed there; the State ' +
      'has applied L3422-2 to that date since 2018. date-holidays keeps the 27 May of décret 2012-553.',
  },
  {
    departements: ['986'],
    name: 'Saint Pierre et Paul (29 juin)',
    dateIn: (year) => `${year}-06-29`,
    reason:
      'A patronal feast kept on Futuna, not in the list of the territory’s public holidays (the eleven ' +
      'of L3133-1, Saint Pierre Chanel on 28 April, the Fête du Territoire on 29 July).',
  },
  {
    departements: ['987'],
    name: 'Fête de l’autonomie (29 juin)',
    dateIn: (year) => `${year}-06-29`,
    years: { to: 2025 },
    reason:
      'The loi du pays adopted on 6 May 2025 replaced 29 June by 20 November (Matāri’i i ni’a); the ' +
      'calendar applies the law in force to every year, date-holidays keeps 29 June until 2025.',
  },
];

/** Days public in law that date-holidays does not type 'public'. */
const PUBLIC_ONLY_IN_LAW: readonly KnownDifference[] = [
  {
    departements: ['978'],
    name: 'Abolition de l’esclavage (28 mai)',
    dateIn: (year) => `${year}-05-28`,
    reason: 'See the 27 May difference above: 28 May is Saint-Martin’s day.',
  },
  {
    departements: ['987'],
    name: 'Matāri’i i ni’a (20 novembre)',
    dateIn: (year) => `${year}-11-20`,
    years: { to: 2025 },
    reason: 'See the 29 June difference above: date-holidays starts it in 2026.',
  },
];

/** A difference is none in a year its date is a national holiday anyway (Ascension on 27 May 2049). */
const appliesIn = (difference: KnownDifference, code: DepartementCode, year: number) =>
  difference.departements.includes(code) &&
  (!difference.years || year <= difference.years.to) &&
  !isPublicHoliday('75', difference.dateIn(year));

// date-holidays is slow enough to matter: one calendar per subdivision, one lookup per year.
const calendars = new Map<string, Holidays>();
const publicDatesCache = new Map<string, CivilDate[]>();
function dateHolidaysPublicDates(code: DepartementCode, year: number): CivilDate[] {
  const country = DATE_HOLIDAYS_COUNTRY[code];
  const state = country ?? DATE_HOLIDAYS_STATE[code] ?? 'FR';
  const key = `${state}:${year}`;
  let dates = publicDatesCache.get(key);
  if (dates === undefined) {
    let calendar = calendars.get(state);
    if (calendar === undefined) {
      calendar = country || state === 'FR' ? new Holidays(state) : new Holidays('FR', state);
      calendars.set(state, calendar);
    }
    const all = calendar
      .getHolidays(year)
      .filter((holiday) => holiday.type === 'public')
      .map((holiday) => holiday.date.slice(0, 10));
    dates = [...new Set(all)].sort();
    publicDatesCache.set(key, dates);
  }
  return dates;
}

describe('public holidays agree with date-holidays, 2020–2050', () => {
  it('knows every date-holidays subdivision it maps to', () => {
    const states = Object.keys(new Holidays().getStates('FR') ?? {});
    for (const state of Object.values(DATE_HOLIDAYS_STATE)) expect(states).toContain(state);
  });

  it('knows every collectivity it maps to as a date-holidays country', () => {
    const countries = Object.keys(new Holidays().getCountries() ?? {});
    for (const country of Object.values(DATE_HOLIDAYS_COUNTRY)) expect(countries).toContain(country);
  });

  it.each([...DEPARTEMENT_CODES])('département %s', (code) => {
    for (let year = FIRST_YEAR; year <= LAST_YEAR; year += 1) {
      const ours = publicHolidays(code, year).map((holiday) => holiday.date);
      const extra = PUBLIC_ONLY_IN_DATE_HOLIDAYS.filter((d) => appliesIn(d, code, year)).map((d) =>
        d.dateIn(year),
      );
      const missing = PUBLIC_ONLY_IN_LAW.filter((d) => appliesIn(d, code, year)).map((d) => d.dateIn(year));
      // Each listed difference must be real in every year it covers, so the list cannot outlive a fix.
      for (const date of extra) expect(ours).not.toContain(date);
      for (const date of missing) expect(ours).toContain(date);
      const expected = [...new Set([...ours, ...extra])].filter((date) => !missing.includes(date)).sort();
      expect({ code, year, dates: dateHolidaysPublicDates(code, year) }).toEqual({
        code,
        year,
        dates: expected,
      });
    }
  });
});
