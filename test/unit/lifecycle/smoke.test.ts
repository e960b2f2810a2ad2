import { conventionCreate } from '../../support/fixtures';
import { Driver, recruit, signAll } from '../../support/driver';
import { conventionView } from '../../../domain/lifecycle/view';

test('smoke', () => {
  const d = new Driver(conventionCreate(), '2026-12-01');
  expect(d.phase).toBe('drafting');
  d.send('SUBMIT_DRAFT', {});
  expect(d.phase).toBe('recruitment');
  recruit(d);
  expect(d.phase).toBe('signature');
  signAll(d, '2027-01-10');
  expect(d.phase).toBe('awaiting_start');
  d.goTo('2027-03-01');
  expect(d.phase).toBe('active');
  const v = conventionView(d.snapshot, d.now);
  console.log(JSON.stringify(v.deadlines.slice(0, 8), null, 1), v.ledger.length, d.takeEffects());
});
