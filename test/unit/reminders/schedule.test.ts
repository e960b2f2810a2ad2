import { phaseOf } from '../../../domain/lifecycle/phase';
import { conventionView } from '../../../domain/lifecycle/view';
import { scheduleWithReminders, scheduledReminders } from '../../../domain/reminders/schedule';
import { conventionCreate } from '../../support/fixtures';
import { openSignatures, signAll, Simulation } from './simulation';

/** Signed, before the start: the first reminders the schedule shows are those that go out. */

function signed(): Simulation {
  const s = openSignatures(new Simulation(conventionCreate(), '2027-01-04'));
  signAll(s, '2027-01-12');
  expect(phaseOf(s.snapshot)).toBe('awaiting_start');
  return s;
}

test('the schedule lists the first reminders, and the loop sends those very ones at those instants', () => {
  const s = signed();
  const planned = scheduledReminders(s.snapshot, s.now, s.sent);
  expect(planned.length).toBe(8);
  // Sorted by send instant, none in the past, each with its rung and its parties, no address.
  expect(planned.map((r) => r.sendAt)).toEqual([...planned.map((r) => r.sendAt)].sort());
  expect(Date.parse(planned[0]!.sendAt)).toBeGreaterThanOrEqual(s.now);
  for (const r of planned) {
    expect(r.to.length).toBeGreaterThan(0);
    expect(JSON.stringify(r)).not.toContain('@');
    expect(r.rung).toMatch(/^(avant|apres|avis)/);
  }
  expect(planned.some((r) => r.id.includes('.t1.rappel.'))).toBe(true);
  // French elides "de" before a vowel: "d’avril", never "de avril".
  expect(planned.map((r) => r.label)).toContain('versement du salaire d’avril 2027');

  // Nothing is paid or decided: the loop, run to the last planned instant, sends each of them then,
  // and no reminder that the schedule did not announce.
  const from = s.now;
  const last = Date.parse(planned.at(-1)!.sendAt);
  s.runUntil(last + 60_000);
  const sent = s.mails.filter((m) => m.at >= from && m.at <= last);
  const sentAt = new Map(sent.map((m) => [m.mail.id, new Date(m.at).toISOString()]));
  expect(planned.map((r) => [r.id, sentAt.get(r.id)])).toEqual(planned.map((r) => [r.id, r.sendAt]));
  const announced = new Set(planned.map((r) => r.id));
  // (The list stops at eight: another reminder may share the last one's instant.)
  const unannounced = sent.filter(
    (m) => m.at < last && m.mail.kind === 'reminder' && !announced.has(m.mail.id),
  );
  expect(unannounced.map((m) => m.mail.id)).toEqual([]);
});

test('only while the convention awaits its start; the state carries them in its schedule', () => {
  const s = signed();
  const view = conventionView(s.snapshot, s.now);
  expect(scheduleWithReminders(view, s.snapshot, s.now, s.sent)?.reminders).toEqual(
    scheduledReminders(s.snapshot, s.now, s.sent),
  );
  s.goTo('2027-03-02');
  expect(phaseOf(s.snapshot)).toBe('active');
  expect(scheduledReminders(s.snapshot, s.now, s.sent)).toEqual([]);
  expect(scheduleWithReminders(conventionView(s.snapshot, s.now), s.snapshot, s.now, s.sent)).toBeNull();
});
