import fc from 'fast-check';
import { dueDateByRule, isBusinessDay } from '../../../domain/calendar/business-days';
import {
  addDays,
  addMonths,
  compareDates,
  instantAt,
  latestNoticeDate,
  noticeDeadline,
  startOfLocalDay,
  type CivilDate,
} from '../../../domain/calendar/dates';
import { DEPARTEMENT_CODES, type DepartementCode } from '../../../domain/calendar/departements';
import { yearlyShareAfterTerm, type CompleteConventionData } from '../../../domain/convention/completeness';
import { decide, tick } from '../../../domain/lifecycle/decide';
import { CLOSED_DAY_RULE_BY_KIND, LEDGER_DEADLINE_KIND } from '../../../domain/lifecycle/deadline-kinds';
import { buildLedger, computeTerm, isSettled } from '../../../domain/lifecycle/term';
import { Driver, OPERATOR, recruit, signAll } from '../../support/driver';
import { completeConventionData } from '../../support/fixtures';

/**
 * Properties of a term's edges over start dates, payment days and départements (overseas
 * collectivities included): where each line falls due, when a non-payment can be recorded, how
 * long a notice may wait, and that no line is ever lost at a renewal or an end.
 */

const departement = fc.constantFrom(...DEPARTEMENT_CODES);
const startDate = fc
  .date({ min: new Date('2021-01-01T00:00:00Z'), max: new Date('2060-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const paymentDay = fc.integer({ min: 1, max: 31 });

function data(code: DepartementCode, start: CivilDate, day: number, months = 3): CompleteConventionData {
  return completeConventionData({
    departement: code,
    startDate: start,
    financing: {
      stateAnnualParticipationEur: 20000,
      coFinancers: { cd59: { annualContributionEur: 15000 } },
      salaryPaymentDay: day,
      contributionDueMonths: months,
    },
  }) as CompleteConventionData;
}

test('every line of a ledger falls due within its term, on a business day, by its kind’s closed-day rule', () => {
  fc.assert(
    fc.property(
      departement,
      startDate,
      paymentDay,
      fc.integer({ min: 1, max: 11 }),
      fc.integer({ min: 1, max: 4 }),
      (code, start, day, months, number) => {
        const convention = data(code, start, day, months);
        const term = computeTerm(convention, number, start);
        const ledger = buildLedger(convention, term);
        expect(ledger.filter((l) => l.kind === 'salary').length).toBeGreaterThanOrEqual(35);
        for (const line of ledger) {
          const rule = CLOSED_DAY_RULE_BY_KIND[LEDGER_DEADLINE_KIND[line.kind]];
          expect(line.dueDate).toBe(dueDateByRule(code, line.contractualDate, rule, term.endDate));
          expect(isBusinessDay(code, line.dueDate)).toBe(true);
          expect(compareDates(line.contractualDate, term.startDate)).toBeGreaterThanOrEqual(0);
          expect(compareDates(line.contractualDate, term.endDate)).toBeLessThanOrEqual(0);
          expect(compareDates(line.dueDate, term.startDate)).toBeGreaterThanOrEqual(0);
          expect(compareDates(line.dueDate, term.endDate)).toBeLessThanOrEqual(0);
        }
      },
    ),
    { numRuns: 200 },
  );
});

test('the yearly shares fit in the term for a delay of 1 to 11 months and never for 12', () => {
  fc.assert(
    fc.property(startDate, fc.integer({ min: 1, max: 12 }), (start, months) => {
      const late = yearlyShareAfterTerm(start, months);
      expect(late !== null).toBe(months === 12);
      if (late) expect(compareDates(late.due, late.end)).toBe(1);
    }),
    { numRuns: 500 },
  );
});

test('the notice deadline is the latest letter whose three months, counted forward, end by the expiry', () => {
  const expiry = startDate.map((d) => addDays(d, -1));
  fc.assert(
    fc.property(expiry, (end) => {
      const latest = latestNoticeDate(end);
      expect(compareDates(addMonths(latest, 3), end)).toBeLessThanOrEqual(0);
      expect(compareDates(addMonths(addDays(latest, 1), 3), end)).toBe(1);
      // Never earlier than counting back, and at most three days later.
      const back = noticeDeadline(end);
      expect(compareDates(latest, back)).toBeGreaterThanOrEqual(0);
      expect(compareDates(latest, addDays(back, 3))).toBeLessThanOrEqual(0);
    }),
    { numRuns: 1000 },
  );
});

/** A convention signed two months ahead and in force from `start`. */
function inForce(code: DepartementCode, start: CivilDate, day: number): Driver {
  const d = new Driver({ slug: 'prop', data: data(code, start, day) }, addDays(start, -60));
  d.send('SUBMIT_DRAFT', {});
  recruit(d);
  signAll(d, addDays(start, -30));
  d.goTo(start);
  expect(d.phase).toBe('active');
  return d;
}

test('a line can be recorded unpaid from the day after its due day only, in the département’s own time', () => {
  fc.assert(
    fc.property(
      departement,
      startDate,
      paymentDay,
      fc.integer({ min: 0, max: 30 }),
      (code, start, day, pick) => {
        const d = inForce(code, start, day);
        const lines = d.context.ledger;
        const line = lines[pick % lines.length]!;
        const attempt = (at: number, notedOn: CivilDate) =>
          decide(tick(d.snapshot, at).snapshot, {
            type: 'RECORD_NON_PAYMENT',
            payload: { itemId: line.id, notedOn },
            actor: OPERATOR,
            at,
          });
        const lastMinute = instantAt(line.dueDate, code, 23, 59);
        expect(attempt(lastMinute, line.dueDate)).toMatchObject({ ok: false, refusal: { code: 'refused' } });
        const nextDay = addDays(line.dueDate, 1);
        const firstMinute = startOfLocalDay(nextDay, code);
        expect(attempt(firstMinute, line.dueDate)).toMatchObject({
          ok: false,
          refusal: { field: 'notedOn' },
        });
        expect(attempt(firstMinute, nextDay).ok).toBe(true);
      },
    ),
    { numRuns: 40 },
  );
});

test('no line is lost at a renewal or an end: each stays owed until paid, then the convention closes', () => {
  fc.assert(
    fc.property(
      departement,
      startDate,
      paymentDay,
      fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 6 }),
      fc.constantFrom('renew', 'not_renew', 'none'),
      (code, start, day, unpaidPicks, outcome) => {
        const d = inForce(code, start, day);
        const term = d.context.term!;
        const ledger = [...d.context.ledger].sort((a, b) => compareDates(a.dueDate, b.dueDate));
        const unpaid = new Set(unpaidPicks.map((i) => ledger[i % ledger.length]!.id));
        for (const line of ledger) {
          if (unpaid.has(line.id)) continue;
          d.goTo(line.dueDate, 11);
          d.send('RECORD_PAYMENT', {
            itemId: line.id,
            paidOn: line.dueDate,
            ...(line.kind === 'salary' ? {} : { amountEur: line.plannedAmountEur }),
          });
        }
        if (outcome !== 'none') {
          d.goTo(term.concertationOpensOn, 11);
          d.send('RECORD_RENEWAL_DECISION', { decision: outcome, decidedOn: term.concertationOpensOn });
        }
        const dayAfter = addDays(term.endDate, 1);
        d.goTo(dayAfter, 0);
        const open = d.context.ledger.filter((l) => !isSettled(l)).map((l) => l.id);
        for (const id of unpaid) expect(open).toContain(id);
        if (outcome === 'renew') expect(d.context.term?.number).toBe(2);
        else expect(d.phase).toBe(unpaid.size > 0 ? 'settling' : 'terminated');
        // Every line left behind is still recorded: paid late, after the renewal or the end.
        d.goTo(addDays(dayAfter, 3), 11);
        for (const id of unpaid) {
          const line = d.context.ledger.find((l) => l.id === id)!;
          d.send('RECORD_PAYMENT', {
            itemId: id,
            paidOn: addDays(dayAfter, 2),
            ...(line.kind === 'salary' ? {} : { amountEur: line.plannedAmountEur }),
          });
        }
        expect(d.context.ledger.filter((l) => l.term === 1 && !isSettled(l))).toEqual([]);
        if (outcome !== 'renew') {
          expect(d.phase).toBe('terminated');
          expect(d.context.termination?.closedOn).toBe(unpaid.size > 0 ? addDays(dayAfter, 3) : term.endDate);
        }
      },
    ),
    { numRuns: 30 },
  );
}, 120_000);
