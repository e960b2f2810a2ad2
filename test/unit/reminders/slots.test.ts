import fc from 'fast-check';
import {
  DEPARTEMENT_CODES,
  addBusinessDays,
  addDays,
  daysBetween,
  instantAt,
  isBusinessDay,
  localDate,
} from '../../../domain/calendar';
import { earliestRungDate, firstSlotFrom, ladderRungs } from '../../../domain/reminders/slots';

const RUNS = { numRuns: 300 };
const civilDate = fc
  .integer({ min: 0, max: daysBetween('2024-01-01', '2045-12-31') })
  .map((n) => addDays('2024-01-01', n));
const departementCode = fc.constantFrom(...DEPARTEMENT_CODES);

describe('send slots', () => {
  it('no rung falls before the bound the planner skips ladders by (2n + 10 days)', () => {
    fc.assert(
      fc.property(departementCode, civilDate, fc.integer({ min: 1, max: 120 }), (code, date, n) => {
        const ladder = { before: [n], after: [], every: null, escalateAfter: null };
        return addBusinessDays(code, date, -n) >= earliestRungDate(date, ladder);
      }),
      RUNS,
    );
  });

  it('puts every rung on a business day at the hour, repeats included, in send order', () => {
    fc.assert(
      fc.property(
        departementCode,
        civilDate,
        fc.integer({ min: 0, max: 400 }),
        (code, reference, daysLater) => {
          const ladder = { before: [20, 5], after: [2, 5], every: 10, escalateAfter: 5 };
          const now = instantAt(addDays(reference, daysLater), code, 12);
          const rungs = ladderRungs(code, reference, ladder, 9, now);
          return rungs.every(
            (r, i) =>
              isBusinessDay(code, r.date) &&
              r.at === instantAt(r.date, code, 9) &&
              (i === 0 || rungs[i - 1]!.at < r.at),
          );
        },
      ),
      RUNS,
    );
  });

  it('names repeats by their offset, the same as stepping one business day at a time', () => {
    const ladder = { before: [], after: [2, 5], every: 10, escalateAfter: null };
    const rungs = ladderRungs('67', '2028-12-01', ladder, 9, instantAt('2029-02-01', '67', 12));
    for (const r of rungs) expect(r.date).toBe(addBusinessDays('67', '2028-12-01', r.offset));
    expect(rungs.at(-1)!.date > '2029-02-01').toBe(true);
    // Only the last week's repeats and the next two are built, however long overdue.
    expect(rungs.filter((r) => r.date > '2029-02-01')).toHaveLength(2);
  });

  it('answers the same for a convention whose clock is behind another’s (the memo is shared)', () => {
    const ladder = { before: [], after: [2], every: 5, escalateAfter: null };
    const at = (date: string) => instantAt(date, '2A', 12);
    const first = ladderRungs('2A', '2030-03-01', ladder, 9, at('2030-05-02'));
    // Another convention, a year ahead, extends the memo of the same ladder far beyond.
    ladderRungs('2A', '2030-03-01', ladder, 9, at('2031-05-02'));
    expect(ladderRungs('2A', '2030-03-01', ladder, 9, at('2030-05-02'))).toEqual(first);
  });

  it('gives each rung until the next business day, the next rung or the deadline’s end', () => {
    const ladder = { before: [1], after: [1], every: null, escalateAfter: null };
    // A deadline on Sunday 30 September 2029 (the notice deadline is never moved): the rung the
    // business day before is Friday 28, good until the end of Sunday, not until Monday 9:00.
    const [before, after] = ladderRungs('68', '2029-09-30', ladder, 9, instantAt('2029-10-10', '68', 9));
    expect(before!.date).toBe('2029-09-28');
    expect(before!.expires).toBe(instantAt('2029-10-01', '68', 0));
    expect(after!.date).toBe('2029-10-01');
    expect(after!.expires).toBe(instantAt('2029-10-02', '68', 9));
  });

  it('opens the first slot at the hour of the same business day, or of the next one', () => {
    expect(firstSlotFrom('974', instantAt('2027-12-17', '974', 8), 9).date).toBe('2027-12-17');
    // Friday at 10:00 in Saint-Denis: Monday 20 December is a holiday there, so Tuesday.
    const slot = firstSlotFrom('974', instantAt('2027-12-17', '974', 10), 9);
    expect(slot.date).toBe('2027-12-21');
    expect(localDate(slot.at, '974')).toBe('2027-12-21');
    expect(new Date(slot.at).toISOString()).toBe('2027-12-21T05:00:00.000Z');
  });
});
