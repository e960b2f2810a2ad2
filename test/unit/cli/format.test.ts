import { formatState } from '../../../client/cli/format';
import { currentDetails } from '../../../domain/presentation';
import { conventionView } from '../../../domain/lifecycle/view';
import type { ConventionState } from '../../../domain/temporal-contract';
import { Driver, recruit, signAll } from '../../support/driver';
import { conventionCreate } from '../../support/fixtures';
import { scheduleWithReminders } from '../../../domain/reminders/schedule';

/** `iscg show`: the ledger's ids, which payments name, and the history's zone. */

function state(d: Driver): ConventionState {
  return {
    ...conventionView(d.snapshot, d.now),
    schedule: scheduleWithReminders(conventionView(d.snapshot, d.now), d.snapshot, d.now, {}),
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

test('signed, before it takes effect: the first term and its ledger as they will open', () => {
  const d = new Driver(conventionCreate(), '2026-12-01');
  d.send('SUBMIT_DRAFT', {});
  recruit(d);
  signAll(d, '2027-01-11');
  expect(d.phase).toBe('awaiting_start');
  const view = state(d);
  expect(view.ledger).toEqual([]);
  expect(view.schedule?.term).toMatchObject({ number: 1, startDate: '2027-03-01', endDate: '2030-02-28' });
  // The very lines the start opens: same ids, same due dates.
  const planned = view.schedule!.ledger.map(({ id, dueDate }) => ({ id, dueDate }));
  d.goTo('2027-03-01');
  expect(d.phase).toBe('active');
  expect(d.context.ledger.map(({ id, dueDate }) => ({ id, dueDate }))).toEqual(planned);
  expect(state(d).schedule).toBeNull();

  const text = formatState(view);
  expect(text).toContain('Période 1, à la prise d’effet: du 2027-03-01 au 2030-02-28');
  // And in the Temporal Web UI's details.
  expect(currentDetails(view)).toMatch(
    /\*\*Période 1\*\* : du lundi 1er mars 2027 au jeudi 28 février 2030 ; \d+ échéances de financement prévues, la première le /,
  );
  expect(text).toMatch(/\n {2}t1-salaire-2027-03 +2027-0[34]-\d\d {2}à venir/);
  // The first reminders, in the département's time, with who receives them.
  const first = view.schedule!.reminders[0]!;
  expect(text).toContain('Premiers rappels prévus (heure locale, Europe/Paris):');
  expect(text).toContain(`  ${first.sendOn} 09:00  ${first.label} — ${first.to.join(', ')}`);
  expect(currentDetails(view)).toContain(`**Premiers rappels** : `);
  expect(currentDetails(view)).toContain(first.label);
});
