import * as fs from 'node:fs';
import * as path from 'node:path';
import { addDays, localDate } from '../../domain/calendar/dates';
import type { HistoryEntry } from '../../domain/lifecycle/context';
import { live, planFleet, type LivedLife } from '../../simulation/lives';
import type { ReceivedMail } from '../support/smtp-sink';
import { startTimeSkipping, type TimeSkippingHarness } from '../support/workflow-env';

/**
 * The pure simulation (`npm run simulate`) against the real workflow: a sample of the fleet's
 * conventions lived twice, once in pure code and once on the time-skipping server with every act
 * the simulation sent, at the instant it sent it. Both must send the same emails (Message-ID,
 * recipients, instant) and record the same transitions, over nine years and three runs each.
 *
 * An act reaches the server a few milliseconds after the instant asked for (the test server's
 * clock runs while it is not skipping), so instants agree within a minute: acts are at 11:00 or
 * 17:00, reminders at 9:00, the clock at midnight, and nothing the simulation sends is that close
 * to anything else.
 */

const INSTANT_TOLERANCE_MS = 60_000;

let h: TimeSkippingHarness;
beforeAll(async () => {
  h = await startTimeSkipping();
});
afterAll(async () => {
  await h?.teardown();
});

interface Mail {
  id: string;
  recipients: string[];
  at: number;
}

const sortedRecipients = (emails: string[]) => [...new Set(emails.map((e) => e.toLowerCase()))].sort();

function expectedMails(life: LivedLife): Mail[] {
  return life.mails
    .filter((m) => m.delivered)
    .map(({ mail, at }) => ({
      id: mail.id,
      recipients: sortedRecipients([...mail.to, ...mail.cc].map((r) => r.email)),
      // The Date header has whole seconds.
      at: Math.floor(at / 1000) * 1000,
    }));
}

function receivedMails(received: ReceivedMail[], conventionId: string): Mail[] {
  return received
    .filter((m) => m.headers['x-iscg-convention'] === conventionId)
    .map((m) => ({
      id: m.messageId.replace(/^<|@[^@]*>$/g, ''),
      recipients: sortedRecipients(m.envelopeTo),
      at: m.date.getTime(),
    }));
}

const transition = (e: HistoryEntry) => ({
  event: e.event,
  actor: e.actor,
  summary: e.summary,
  term: e.term,
});

test('a sample of the simulated fleet sends the same emails and records the same transitions on the server', async () => {
  // A fleet starting in a few days, so that the server's clock (today) is before every creation.
  const from = addDays(localDate(Date.now(), '59'), 3);
  const fleet = planFleet(22, from);
  // Bas-Rhin (local holidays): suspended; La Réunion: the post falls vacant; both denounced at
  // their end. The Nord: payments late, two partners joining, not renewed.
  const sample = [9, 14, 0].map((i) => fleet[i]!);
  expect(sample.map((p) => [p.departement, p.suspension, p.vacancy, p.ending])).toEqual([
    ['67', true, false, 'denounced'],
    ['974', false, true, 'denounced'],
    ['59', false, false, 'not-renewed'],
  ]);
  const lives = sample.map(live);

  const started = performance.now();
  const steps = [
    ...lives.map((life) => ({ at: life.plan.createdAt, life, act: null })),
    ...lives.flatMap((life) => life.acts.map((act) => ({ at: act.at, life, act }))),
  ].sort((a, b) => a.at - b.at);
  const ends = lives.map((life) => life.mails.at(-1)!.at);
  await h.withWorker(async () => {
    const goTo = async (at: number) => {
      const now = await h.env.currentTimeMs();
      if (at > now) await h.env.sleep(at - now);
    };
    for (const step of steps) {
      await goTo(step.at);
      if (step.act === null) await h.conventions.create(step.life.plan.create, { kind: 'operator' });
      else
        await h.conventions.send(step.life.plan.conventionId, {
          type: step.act.type,
          payload: step.act.payload,
          actor: step.act.actor,
        });
    }
    await goTo(Math.max(...ends) + 7 * 24 * 3600_000);
    const received = await h.sink.settled(1000);

    const drifts: number[] = [];
    for (const life of lives) {
      const id = life.plan.conventionId;
      const handle = h.env.client.workflow.getHandle(id);
      expect([id, (await handle.describe()).status.name]).toEqual([id, 'COMPLETED']);
      const expected = expectedMails(life);
      const actual = receivedMails(received, id);
      const ids = (mails: Mail[]) => mails.map((m) => m.id).sort();
      expect(ids(actual)).toEqual(ids(expected));
      const byId = new Map(actual.map((m) => [m.id, m]));
      for (const mail of expected) {
        const sent = byId.get(mail.id)!;
        expect([mail.id, sent.recipients]).toEqual([mail.id, mail.recipients]);
        drifts.push(Math.abs(sent.at - mail.at));
        expect([mail.id, Math.abs(sent.at - mail.at) <= INSTANT_TOLERANCE_MS]).toEqual([mail.id, true]);
      }
      const state = await h.conventions.get(id);
      expect(state.history.map(transition)).toEqual(life.history.map(transition));
      state.history.forEach((entry, i) =>
        expect([i, entry.event, Math.abs(entry.at - life.history[i]!.at) <= INSTANT_TOLERANCE_MS]).toEqual([
          i,
          entry.event,
          true,
        ]),
      );
      expect(state.run.number).toBe(life.runs);
    }
    const figures = {
      conventions: lives.length,
      acts: steps.length - lives.length,
      emails: lives.reduce((n, life) => n + expectedMails(life).length, 0),
      transitions: lives.reduce((n, life) => n + life.history.length, 0),
      maxInstantDriftMs: Math.max(...drifts),
      serverSeconds: Math.round((performance.now() - started) / 100) / 10,
    };
    const dir = path.resolve(__dirname, '..', '..', 'test-results');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'simulation-crosscheck.json'), JSON.stringify(figures, null, 2));
    console.log(`simulation ≡ serveur: ${JSON.stringify(figures)}`);
  });
}, 900_000);
