import { Registry } from 'prom-client';
import { instantAt } from '../../../domain/calendar/dates';
import { conventionView } from '../../../domain/lifecycle/view';
import { conventionFacts } from '../../../domain/reports/facts';
import {
  CONVENTIONS_METRIC,
  FACTS_AGE_METRIC,
  OVERDUE_METRIC,
  SUSPENDED_METRIC,
  registerConventionGauges,
} from '../../../client/reports/metrics';
import { conventionCreate } from '../../support/fixtures';
import { Driver, party, recruit, signAll } from '../../support/driver';

/** What Prometheus reads of the conventions: phases, suspensions, deadlines passed without an act. */

function lilleSuspended(): Driver {
  const create = conventionCreate('lille-centre');
  const d = new Driver(create, '2026-12-01');
  d.send('SUBMIT_DRAFT', {});
  recruit(d);
  signAll(d, '2026-12-10');
  d.goTo('2027-07-02');
  d.send(
    'RECORD_NON_PAYMENT',
    { itemId: 't1-commune-lille-annee-1', notedOn: '2027-07-01', reason: 'credits-non-votes' },
    party('association'),
  );
  return d;
}

async function scrape(drivers: Driver[], asOf: number | null, now: number): Promise<string> {
  const registry = new Registry();
  const facts = drivers.map((d) => conventionFacts(conventionView(d.snapshot, d.now)));
  registerConventionGauges(
    registry,
    {
      current: () => facts,
      status: () => ({
        asOf,
        conventions: facts.length,
        sweeps: 1,
        lastSweep: null,
        unreadable: [],
        lastError: null,
      }),
    },
    () => now,
  );
  return registry.metrics();
}

test('conventions by phase, the suspended ones, and each kind of deadline passed with an act owed', async () => {
  const lille = lilleSuspended();
  const draft = new Driver(conventionCreate('roubaix'), '2026-12-01');
  const now = instantAt('2027-07-02', '59', 12);
  const text = await scrape([lille, draft], now - 60_000, now);
  const value = (series: string) =>
    Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);

  expect(lille.phase).toBe('suspended');
  expect(value(`${CONVENTIONS_METRIC}{phase="suspended"}`)).toBe(1);
  expect(value(`${CONVENTIONS_METRIC}{phase="drafting"}`)).toBe(1);
  // Every phase is there, at 0 when none is in it: an alert sees the first one come.
  expect(value(`${CONVENTIONS_METRIC}{phase="terminated"}`)).toBe(0);
  expect(value(SUSPENDED_METRIC)).toBe(1);
  // Nothing was paid since March: the salary lines passed with the association's act owed.
  const overdue = [...text.matchAll(new RegExp(`^${OVERDUE_METRIC}\\{kind="([^"]+)"\\} (\\d+)$`, 'gm'))];
  const byKind: Record<string, number> = Object.fromEntries(overdue.map((m) => [m[1]!, Number(m[2])]));
  expect(Object.values(byKind).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  const owed = conventionFacts(conventionView(lille.snapshot, lille.now)).deadlines.filter(
    (d) => d.partyIds.length > 0 && d.dueDate < '2027-07-02',
  );
  expect(Object.values(byKind).reduce((a, b) => a + b, 0)).toBe(owed.length);
  expect(value(FACTS_AGE_METRIC)).toBe(60);
});

test('before the first reading, the age says so (-1) and every count is 0', async () => {
  const text = await scrape([], null, Date.now());
  expect(text).toMatch(new RegExp(`^${FACTS_AGE_METRIC} -1$`, 'm'));
  expect(text).toMatch(new RegExp(`^${SUSPENDED_METRIC} 0$`, 'm'));
  expect(text).not.toMatch(new RegExp(`^${OVERDUE_METRIC}\\{[^}]*\\} [1-9]`, 'm'));
});
