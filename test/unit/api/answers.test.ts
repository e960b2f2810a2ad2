import { type z } from 'zod';
import { instantAt } from '../../../domain/calendar/dates';
import { conventionView } from '../../../domain/lifecycle/view';
import { activityReport } from '../../../domain/reports/activity';
import { deadlinesReport } from '../../../domain/reports/deadlines';
import { conventionFacts } from '../../../domain/reports/facts';
import { financingReport } from '../../../domain/reports/financing';
import { ConventionRuntime } from '../../../domain/runtime/convention-runtime';
import {
  activityReportSchema,
  deadlinesReportSchema,
  financingReportSchema,
} from '../../../domain/reports/schemas';
import { conventionStateSchema, ledgerItemSchema } from '../../../client/api/schemas';
import type { Freshness } from '../../../client/reports/service';
import { conventionCreate } from '../../support/fixtures';
import { Driver, party, recruit, signAll } from '../../support/driver';

/**
 * The API serialises each answer with the fields its schema lists (client/api/schemas.ts): a field
 * of an answer that the schema left out would never reach the client. Real answers, from a
 * convention driven through the machine, go through their schemas unchanged, at every depth.
 */

function convention(): Driver {
  const create = conventionCreate('lille-centre');
  const d = new Driver(create, '2026-12-01');
  d.send('SUBMIT_DRAFT', {});
  recruit(d);
  signAll(d, '2026-12-10');
  d.goTo(create.data.startDate!);
  const salary = d.context.ledger.find((item) => item.kind === 'salary')!;
  d.goTo(salary.dueDate);
  d.send('RECORD_PAYMENT', { itemId: salary.id, paidOn: salary.dueDate }, party('association'));
  d.goTo('2027-07-02');
  d.send(
    'RECORD_NON_PAYMENT',
    { itemId: 't1-commune-lille-annee-1', notedOn: '2027-07-01', reason: 'credits-non-votes' },
    party('association'),
  );
  d.goTo('2027-09-15');
  return d;
}

const unchanged = (schema: z.ZodType, answer: unknown) => expect(schema.parse(answer)).toEqual(answer);

test('the state of a suspended convention in force keeps every field through its schema', () => {
  const d = convention();
  const state = new ConventionRuntime(d.snapshot).state(d.now, { number: 1, historyLength: 120 });
  expect(state.flags.suspended).toBe(true);
  expect(state.ledger.some((line) => line.payments.length > 0 && line.nonPayment === null)).toBe(true);
  unchanged(conventionStateSchema, state);
});

test('signed, before it takes effect: the schedule and its first reminders keep every field', () => {
  const d = new Driver(conventionCreate('lille-centre'), '2026-12-01');
  d.send('SUBMIT_DRAFT', {});
  recruit(d);
  signAll(d, '2026-12-10');
  const state = new ConventionRuntime(d.snapshot).state(d.now, { number: 1, historyLength: 40 });
  expect(state.schedule?.reminders.length).toBeGreaterThan(0);
  unchanged(conventionStateSchema, state);
});

test('the three reports keep every field through their schemas', () => {
  const d = convention();
  const now = instantAt('2027-09-15', '59', 10);
  const facts = [conventionFacts(conventionView(d.snapshot, d.now))];
  // As the reports' service answers them (client/reports/service.ts).
  const freshness: Freshness = {
    generatedAt: new Date(now).toISOString(),
    dataAsOf: new Date(now - 30_000).toISOString(),
    stale: false,
    unreadable: [],
  };
  const financing = financingReport(facts, { years: [2027], now });
  const deadlines = deadlinesReport(facts, { days: 30, now });
  const activity = activityReport(facts, { years: [2028], now });
  // Every list holds something, so that every depth is read.
  expect([
    financing.rows,
    financing.suspended,
    financing.forecast.rows,
    deadlines.rows,
    activity.rows,
  ]).toEqual(Array(5).fill(expect.arrayContaining([expect.anything()])));
  unchanged(financingReportSchema, { ...financing, freshness });
  unchanged(deadlinesReportSchema, { ...deadlines, freshness });
  unchanged(activityReportSchema, { ...activity, freshness });
});

test('the check can fail: a field the schema does not list is dropped', () => {
  const line = new ConventionRuntime(convention().snapshot).state(Date.now(), { number: 1, historyLength: 1 })
    .ledger[0]!;
  expect(() => unchanged(ledgerItemSchema, { ...line, unlisted: 1 })).toThrow();
});
