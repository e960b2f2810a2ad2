import { Settings } from 'luxon';
import {
  addDays,
  addMonths,
  addYears,
  compareDates,
  dayOfWeek,
  daysBetween,
  formatFrenchDate,
  instantAt,
  isCivilDate,
  latestNoticeDate,
  localDate,
  monthlyDueDate,
  monthsOfTerm,
  noticeDeadline,
  parseCivilDate,
  startOfLocalDay,
  termEndDate,
  yearMonthOf,
} from '../../../domain/calendar';

const HOUR_MS = 3_600_000;

describe('parseCivilDate / isCivilDate', () => {
  it('accepts real dates written YYYY-MM-DD', () => {
    expect(parseCivilDate('2027-03-01')).toBe('2027-03-01');
    expect(parseCivilDate('2028-02-29')).toBe('2028-02-29');
    expect(isCivilDate('2027-12-31')).toBe(true);
  });

  it.each([
    '2027-02-29',
    '2027-02-30',
    '2027-13-01',
    '2027-00-10',
    '2027-04-31',
    '2027-2-3',
    '2027-02-03T00:00',
    ' 2027-02-03',
    '27-02-03',
    '0000-01-01',
    '',
  ])('rejects %j', (value) => {
    expect(isCivilDate(value)).toBe(false);
    expect(() => parseCivilDate(value)).toThrow(/is not a civil date; expected a real calendar date/);
  });

  it('rejects non-strings and names the field', () => {
    expect(isCivilDate(20270301)).toBe(false);
    expect(isCivilDate(null)).toBe(false);
    expect(() => parseCivilDate(undefined, 'startDate')).toThrow(/^startDate: undefined is not a civil date/);
    expect(() => parseCivilDate('2027-02-30', 'startDate')).toThrow(/^startDate: "2027-02-30"/);
  });
});

describe('date arithmetic', () => {
  it('adds days across months and years', () => {
    expect(addDays('2027-12-31', 1)).toBe('2028-01-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addDays('2027-03-27', 1)).toBe('2027-03-28'); // DST weekend: no effect on civil dates
  });

  it('clamps months to the end of the target month', () => {
    expect(addMonths('2027-01-31', 1)).toBe('2027-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2027-03-31', -1)).toBe('2027-02-28');
    expect(addMonths('2027-05-31', 1)).toBe('2027-06-30');
    expect(addMonths('2027-08-31', -6)).toBe('2027-02-28');
    expect(addMonths('2027-01-15', 13)).toBe('2028-02-15');
  });

  it('moves 29 February to 28 February in common years', () => {
    expect(addYears('2028-02-29', 1)).toBe('2029-02-28');
    expect(addYears('2028-02-29', 4)).toBe('2032-02-29');
    expect(addYears('2028-02-29', -1)).toBe('2027-02-28');
  });

  it('compares and measures', () => {
    expect(compareDates('2027-03-01', '2027-03-02')).toBe(-1);
    expect(compareDates('2027-03-02', '2027-03-02')).toBe(0);
    expect(compareDates('2028-01-01', '2027-12-31')).toBe(1);
    expect(['2028-01-01', '2027-03-02', '2027-12-31'].sort(compareDates)).toEqual([
      '2027-03-02',
      '2027-12-31',
      '2028-01-01',
    ]);
    expect(daysBetween('2027-03-01', '2030-02-28')).toBe(1095);
    expect(daysBetween('2027-03-29', '2027-03-27')).toBe(-2);
    expect(dayOfWeek('2027-03-01')).toBe(1);
    expect(dayOfWeek('2027-03-28')).toBe(7);
    expect(yearMonthOf('2027-03-28')).toBe('2027-03');
    expect(() => addDays('2027-03-01', 0.5)).toThrow(/days: 0.5 must be an integer/);
    expect(() => addDays('9999-12-31', 1)).toThrow(/outside the years 0001 to 9999/);
    expect(() => addYears('0001-06-01', -1)).toThrow(/outside the years 0001 to 9999/);
    expect(() => compareDates('2027-03-01', 'tomorrow')).toThrow(/^b: "tomorrow"/);
  });
});

describe('convention dates', () => {
  it('clamps a monthly payment day to the month’s last day', () => {
    expect(monthlyDueDate('2027-03', 15)).toBe('2027-03-15');
    expect(monthlyDueDate('2027-02', 31)).toBe('2027-02-28');
    expect(monthlyDueDate('2028-02', 30)).toBe('2028-02-29');
    expect(monthlyDueDate('2027-04', 31)).toBe('2027-04-30');
    expect(monthlyDueDate('2027-12', 31)).toBe('2027-12-31');
    expect(() => monthlyDueDate('2027-02', 0)).toThrow(/dayOfMonth: 0 must be an integer from 1 to 31/);
    expect(() => monthlyDueDate('2027-02', 32)).toThrow(/dayOfMonth/);
    expect(() => monthlyDueDate('2027-02', 1.5)).toThrow(/dayOfMonth/);
    expect(() => monthlyDueDate('2027-2', 1)).toThrow(/yearMonth: "2027-2" is not a month/);
    expect(() => monthlyDueDate('2027-13', 1)).toThrow(/yearMonth/);
  });

  it('ends a term the day before its anniversary', () => {
    expect(termEndDate('2027-03-01')).toBe('2030-02-28');
    expect(termEndDate('2027-01-01')).toBe('2029-12-31');
    expect(termEndDate('2028-03-01')).toBe('2031-02-28');
    expect(termEndDate('2028-02-29')).toBe('2031-02-27');
    expect(termEndDate('2031-02-28')).toBe('2034-02-27'); // the renewal of the term above
    expect(termEndDate('2027-03-01', 1)).toBe('2028-02-29');
    expect(() => termEndDate('2027-03-01', 0)).toThrow(/years: 0 must be at least 1/);
  });

  it('puts the notice deadline exactly three months before expiry', () => {
    expect(noticeDeadline('2030-05-31')).toBe('2030-02-28');
    expect(noticeDeadline('2032-05-31')).toBe('2032-02-29');
    expect(noticeDeadline('2030-02-28')).toBe('2029-11-28');
    expect(noticeDeadline('2030-12-31')).toBe('2030-09-30');
    expect(noticeDeadline('2030-12-31', 1)).toBe('2030-11-30');
  });

  it('lists the months of a term', () => {
    const months = monthsOfTerm('2027-03-01', '2030-02-28');
    expect(months).toHaveLength(36);
    expect(months[0]).toBe('2027-03');
    expect(months[35]).toBe('2030-02');
    expect(monthsOfTerm('2027-03-15', '2027-03-20')).toEqual(['2027-03']);
    expect(monthsOfTerm('2027-12-31', '2028-01-01')).toEqual(['2027-12', '2028-01']);
    expect(() => monthsOfTerm('2027-03-02', '2027-03-01')).toThrow(
      /end: 2027-03-01 is before start 2027-03-02/,
    );
  });
});

describe('local dates and instants', () => {
  it('reads instants around the spring change in Paris', () => {
    // Clocks go from 02:00 CET to 03:00 CEST on Sunday 2027-03-28 (01:00 UTC).
    expect(localDate(Date.UTC(2027, 2, 27, 22, 59), '75')).toBe('2027-03-27');
    expect(localDate(Date.UTC(2027, 2, 27, 23, 0), '75')).toBe('2027-03-28');
    expect(localDate(Date.UTC(2027, 2, 28, 21, 59), '75')).toBe('2027-03-28');
    expect(localDate(Date.UTC(2027, 2, 28, 22, 0), '75')).toBe('2027-03-29');
    expect(instantAt('2027-03-27', '75', 9)).toBe(Date.UTC(2027, 2, 27, 8));
    expect(instantAt('2027-03-28', '75', 9)).toBe(Date.UTC(2027, 2, 28, 7));
    expect(startOfLocalDay('2027-03-29', '75') - startOfLocalDay('2027-03-28', '75')).toBe(23 * HOUR_MS);
  });

  it('resolves a skipped wall time forward and a repeated one to its first occurrence', () => {
    // 02:30 does not exist on 2027-03-28: it becomes 03:30 CEST, 01:30 UTC.
    expect(instantAt('2027-03-28', '75', 2, 30)).toBe(Date.UTC(2027, 2, 28, 1, 30));
    // 02:30 happens twice on 2027-10-31: the first one, still CEST, is 00:30 UTC.
    expect(instantAt('2027-10-31', '75', 2, 30)).toBe(Date.UTC(2027, 9, 31, 0, 30));
    expect(instantAt('2027-10-31', '75', 9)).toBe(Date.UTC(2027, 9, 31, 8));
    expect(startOfLocalDay('2027-11-01', '75') - startOfLocalDay('2027-10-31', '75')).toBe(25 * HOUR_MS);
  });

  it('does not depend on the current clock', () => {
    const originalNow = Settings.now;
    try {
      const results = [Date.UTC(2027, 0, 15), Date.UTC(2027, 6, 15)].map((now) => {
        Settings.now = () => now;
        return instantAt('2027-10-31', '75', 2, 30);
      });
      expect(results[0]).toBe(results[1]);
    } finally {
      Settings.now = originalNow;
    }
  });

  it('uses Cayenne time, UTC−3 all year, for Guyane', () => {
    expect(instantAt('2027-03-28', '973', 9)).toBe(Date.UTC(2027, 2, 28, 12));
    expect(instantAt('2027-10-31', '973', 2, 30)).toBe(Date.UTC(2027, 9, 31, 5, 30));
    expect(localDate(Date.UTC(2027, 2, 28, 2, 59), '973')).toBe('2027-03-27');
    expect(localDate(Date.UTC(2027, 2, 28, 3, 0), '973')).toBe('2027-03-28');
    expect(startOfLocalDay('2027-03-29', '973') - startOfLocalDay('2027-03-28', '973')).toBe(24 * HOUR_MS);
    // The same instant is already Sunday in Paris but still Saturday in Cayenne.
    expect(localDate(Date.UTC(2027, 2, 28, 1), '75')).toBe('2027-03-28');
    expect(localDate(Date.UTC(2027, 2, 28, 1), '973')).toBe('2027-03-27');
  });

  it('uses the Indian Ocean zones for La Réunion and Mayotte', () => {
    expect(localDate(Date.UTC(2027, 11, 19, 20), '974')).toBe('2027-12-20');
    expect(instantAt('2027-04-27', '976', 9)).toBe(Date.UTC(2027, 3, 27, 6));
  });

  it('rejects bad hours and instants', () => {
    expect(() => instantAt('2027-03-28', '75', 24)).toThrow(/hour: 24 must be an integer from 0 to 23/);
    expect(() => instantAt('2027-03-28', '75', 9, 60)).toThrow(/minute: 60/);
    expect(() => localDate(Number.NaN, '75')).toThrow(/instantMs: NaN/);
  });
});

describe('formatFrenchDate', () => {
  it.each([
    ['2027-03-01', 'lundi 1er mars 2027'],
    ['2027-03-02', 'mardi 2 mars 2027'],
    ['2028-02-29', 'mardi 29 février 2028'],
    ['2027-08-15', 'dimanche 15 août 2027'],
    ['2027-12-01', 'mercredi 1er décembre 2027'],
  ])('%s → %s', (date, text) => {
    expect(formatFrenchDate(date)).toBe(text);
  });
});

describe('latestNoticeDate (rule 2: the latest letter any reading accepts)', () => {
  it.each([
    ['2030-02-28', '2029-11-28', '2029-11-30'],
    ['2032-02-29', '2031-11-29', '2031-11-30'],
    ['2030-06-30', '2030-03-30', '2030-03-31'],
    ['2029-12-31', '2029-09-30', '2029-09-30'],
    ['2030-03-15', '2029-12-15', '2029-12-15'],
  ])('expiry %s: back %s, any reading %s', (expiry, back, latest) => {
    expect(noticeDeadline(expiry)).toBe(back);
    expect(latestNoticeDate(expiry)).toBe(latest);
    expect(addMonths(latest, 3) <= expiry).toBe(true);
    expect(addMonths(addDays(latest, 1), 3) > expiry).toBe(true);
  });
});

describe('the overseas collectivities’ zones', () => {
  it('reads 09:00 in each of them, summer time in Saint-Pierre included', () => {
    expect(new Date(instantAt('2030-07-02', '975', 9)).toISOString()).toBe('2030-07-02T11:00:00.000Z');
    expect(new Date(instantAt('2030-01-02', '975', 9)).toISOString()).toBe('2030-01-02T12:00:00.000Z');
    expect(new Date(instantAt('2030-07-02', '977', 9)).toISOString()).toBe('2030-07-02T13:00:00.000Z');
    expect(new Date(instantAt('2030-07-02', '986', 9)).toISOString()).toBe('2030-07-01T21:00:00.000Z');
    expect(new Date(instantAt('2030-07-02', '987', 9)).toISOString()).toBe('2030-07-02T19:00:00.000Z');
    expect(new Date(instantAt('2030-07-02', '988', 9)).toISOString()).toBe('2030-07-01T22:00:00.000Z');
    // The same instant is Tuesday in Mata-Utu and still Monday in Papeete.
    const instant = Date.UTC(2030, 6, 1, 13);
    expect(localDate(instant, '986')).toBe('2030-07-02');
    expect(localDate(instant, '987')).toBe('2030-07-01');
  });
});
