import fc from 'fast-check';
import {
  DEPARTEMENT_CODES,
  addBusinessDays,
  addDays,
  addMonths,
  addYears,
  businessDayOnOrAfter,
  businessDaysBetween,
  compareDates,
  daysBetween,
  instantAt,
  isBusinessDay,
  localDate,
  monthlyDueDate,
  nextBusinessDay,
  previousBusinessDay,
  termEndDate,
  yearMonthOf,
} from '../../../domain/calendar';

const RUNS = { numRuns: 300 };
const FIRST_DAY = '2020-01-01';
const LAST_DAY = '2050-12-31';

const civilDate = fc
  .integer({ min: 0, max: daysBetween(FIRST_DAY, LAST_DAY) })
  .map((n) => addDays(FIRST_DAY, n));
const departementCode = fc.constantFrom(...DEPARTEMENT_CODES);

describe('calendar properties', () => {
  it('addBusinessDays always lands on a business day', () => {
    fc.assert(
      fc.property(departementCode, civilDate, fc.integer({ min: -60, max: 60 }), (code, date, n) =>
        isBusinessDay(code, addBusinessDays(code, date, n)),
      ),
      RUNS,
    );
  });

  it('nextBusinessDay is the first business day after the date, previousBusinessDay the last before', () => {
    fc.assert(
      fc.property(departementCode, civilDate, (code, date) => {
        const next = nextBusinessDay(code, date);
        const previous = previousBusinessDay(code, date);
        expect(compareDates(next, date)).toBe(1);
        expect(compareDates(previous, date)).toBe(-1);
        expect(isBusinessDay(code, next) && isBusinessDay(code, previous)).toBe(true);
        for (let day = addDays(date, 1); day < next; day = addDays(day, 1)) {
          expect(isBusinessDay(code, day)).toBe(false);
        }
        for (let day = addDays(previous, 1); day < date; day = addDays(day, 1)) {
          expect(isBusinessDay(code, day)).toBe(false);
        }
      }),
      RUNS,
    );
  });

  it('businessDaysBetween inverts addBusinessDays from a business day', () => {
    fc.assert(
      fc.property(departementCode, civilDate, fc.integer({ min: -120, max: 120 }), (code, date, n) => {
        const start = businessDayOnOrAfter(code, date);
        expect(businessDaysBetween(code, start, addBusinessDays(code, start, n))).toBe(n);
      }),
      RUNS,
    );
  });

  it('addMonths stays in the target month and clamps only to its last day', () => {
    fc.assert(
      fc.property(civilDate, fc.integer({ min: -480, max: 480 }), (date, months) => {
        const result = addMonths(date, months);
        const [year, month, day] = date.split('-').map(Number) as [number, number, number];
        const index = year * 12 + (month - 1) + months;
        const expectedMonth = `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
        expect(yearMonthOf(result)).toBe(expectedMonth);
        expect(result).toBe(monthlyDueDate(expectedMonth, day));
      }),
      RUNS,
    );
  });

  it('a term ends the day before the anniversary, 29 February included', () => {
    fc.assert(
      fc.property(civilDate, fc.integer({ min: 1, max: 6 }), (start, years) => {
        expect(addDays(termEndDate(start, years), 1)).toBe(addYears(start, years));
      }),
      RUNS,
    );
  });

  it('localDate(instantAt(d, h)) === d during office hours in every zone', () => {
    fc.assert(
      fc.property(
        departementCode,
        civilDate,
        fc.integer({ min: 8, max: 18 }),
        fc.integer({ min: 0, max: 59 }),
        (code, date, hour, minute) => localDate(instantAt(date, code, hour, minute), code) === date,
      ),
      RUNS,
    );
  });
});
