/**
 * Cross-checks the computed holidays against the date-holidays package for every département and
 * every year from 2020 to 2050. Where that package departs from the law as docs/calendar.md reads
 * it, the difference is listed below with its legal reason; anything else must match exactly.
 */
import Holidays from 'date-holidays';
import {
  type CivilDate,
  DEPARTEMENT_CODES,
  type DepartementCode,
  addDays,
  easterSunday,
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

interface KnownDifference {
  readonly departements: readonly DepartementCode[];
  readonly name: string;
  readonly dateIn: (year: number) => CivilDate;
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
];

// date-holidays is slow enough to matter: one calendar per subdivision, one lookup per year.
const calendars = new Map<string, Holidays>();
const publicDatesCache = new Map<string, CivilDate[]>();
function dateHolidaysPublicDates(code: DepartementCode, year: number): CivilDate[] {
  const state = DATE_HOLIDAYS_STATE[code] ?? 'FR';
  const key = `${state}:${year}`;
  let dates = publicDatesCache.get(key);
  if (dates === undefined) {
    let calendar = calendars.get(state);
    if (calendar === undefined) {
      calendar = state === 'FR' ? new Holidays('FR') : new Holidays('FR', state);
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

  it.each([...DEPARTEMENT_CODES])('département %s', (code) => {
    const differences = PUBLIC_ONLY_IN_DATE_HOLIDAYS.filter((d) => d.departements.includes(code));
    for (let year = FIRST_YEAR; year <= LAST_YEAR; year += 1) {
      const ours = publicHolidays(code, year).map((holiday) => holiday.date);
      const extra = differences.map((difference) => difference.dateIn(year));
      // Each listed difference must be real in every year, so the list cannot outlive a fix.
      for (const date of extra) expect(ours).not.toContain(date);
      const expected = [...new Set([...ours, ...extra])].sort();
      expect({ code, year, dates: dateHolidaysPublicDates(code, year) }).toEqual({
        code,
        year,
        dates: expected,
      });
    }
  });
});
