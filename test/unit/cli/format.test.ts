import { formatState } from '../../../client/cli/format';
import { conventionView } from '../../../domain/lifecycle/view';
import type { ConventionState } from '../../../domain/temporal-contract';
import { Driver, recruit, signAll } from '../../support/driver';
import { conventionCreate } from '../../support/fixtures';

/** `iscg show`: the ledger's ids, which payments name, and the history's zone. */

function state(d: Driver): ConventionState {
  return {
    ...conventionView(d.snapshot, d.now),
    deliveryFailures: [],
    webhooks: [],
    changeSequence: 0,
    sentMessages: 0,
    run: { number: 1, historyLength: 0 },
    documents: [],
  };
}

function active(): Driver {
  const d = new Driver(conventionCreate(), '2026-12-01');
  d.send('SUBMIT_DRAFT', {});
  recruit(d);
  signAll(d, '2027-01-11');
  d.goTo('2027-04-02');
  return d;
}

test('the open lines of the ledger are listed with their ids, due dates and status', () => {
  const d = active();
  d.send('RECORD_PAYMENT', { itemId: 't1-salaire-2027-03', paidOn: '2027-03-31' });
  const text = formatState(state(d));
  expect(text).toContain('Échéancier, lignes ouvertes (--all pour toutes):');
  expect(text).toMatch(/\n {2}t1-salaire-2027-04 +2027-04-\d\d {2}à venir/);
  expect(text).toMatch(/\n {2}t1-etat-annee-1 +\d{4}-\d\d-\d\d {2}\S/);
  expect(text).not.toContain('t1-salaire-2027-03 ');
  expect(formatState(state(d), { all: true })).toMatch(/\n {2}t1-salaire-2027-03 +\S+ {2}payé/);
});

test('the history says its times are the département’s local time', () => {
  expect(formatState(state(active()))).toContain('Historique (heure locale du département, Europe/Paris):');
});
