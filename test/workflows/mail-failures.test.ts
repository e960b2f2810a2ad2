import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { createActivities, type ConventionActivities } from '../../activities';
import { createDocumentRenderer } from '../../activities/documents/render';
import { createMailer, type MailConfig } from '../../activities/mail/mailer';
import { createWebhookSender } from '../../activities/webhooks/sender';
import { instantAt } from '../../domain/calendar/dates';
import type { Actor, ExternalEventType } from '../../domain/lifecycle/events';
import type { MailRequest } from '../../domain/mail/mail-request';
import { createConventionWorker } from '../../worker/worker';
import { WORKFLOW_BUNDLE_PATH } from '../support/bundle-path';
import { conventionCreate } from '../support/fixtures';
import { startTimeSkipping, type TimeSkippingHarness } from '../support/workflow-env';

/**
 * Mail under faults, on the time-skipping server with a real SMTP server on loopback: a relay
 * refusing for a while, refusing for good, refusing one address, and a worker that dies after
 * the relay accepted a message but before the activity completed.
 */

const OPERATOR: Actor = { kind: 'operator' };
const SIGNATORIES = ['association', 'cd59', 'commune-lille', 'etat', 'police', 'procureur'];

let h: TimeSkippingHarness;
beforeEach(async () => {
  h = await startTimeSkipping();
});
afterEach(async () => {
  await h?.teardown();
});

function mailConfig(): MailConfig {
  return {
    smtpUrl: h.sink.url,
    outboxDir: path.join(h.dataDir, 'outbox'),
    journalDir: path.join(h.dataDir, 'journal'),
    from: 'ISCG <no-reply@iscg.test>',
    messageIdDomain: 'iscg.test',
    publicUrl: null,
  };
}

/** A worker whose activities are the real ones, wrapped by `wrap` to inject a fault. */
async function withActivities<T>(
  wrap: (real: ConventionActivities) => ConventionActivities,
  fn: (worker: Worker) => Promise<T>,
): Promise<T> {
  const mailer = createMailer(mailConfig());
  const real = createActivities({
    mailer,
    webhooks: createWebhookSender({ allowPrivateDestinations: true, timeoutMs: 5_000 }),
    documents: createDocumentRenderer(),
  });
  try {
    const { worker, close } = await createConventionWorker({
      connection: h.env.nativeConnection,
      namespace: h.env.namespace ?? 'default',
      taskQueue: h.taskQueue,
      workflowBundlePath: WORKFLOW_BUNDLE_PATH,
      mail: mailConfig(),
      webhooks: { allowPrivateDestinations: true, timeoutMs: 5_000 },
      overrides: { activities: wrap(real) },
    });
    try {
      return await worker.runUntil(fn(worker));
    } finally {
      close();
    }
  } finally {
    mailer.close();
  }
}

async function goTo(date: string, hour = 10): Promise<void> {
  const target = instantAt(date, '59', hour);
  const now = await h.env.currentTimeMs();
  if (target > now) await h.env.sleep(target - now);
}

async function send(
  conventionId: string,
  type: ExternalEventType,
  payload: unknown,
  actor: Actor = OPERATOR,
) {
  await h.conventions.send(conventionId, { type, payload, actor });
}

/** A convention whose signatures open on Monday 7 June 2027 at 10:00 (two effect mails). */
async function toSignature(slug: string): Promise<string> {
  const { conventionId } = await h.conventions.create(conventionCreate(slug), OPERATOR);
  await goTo('2027-06-07');
  await send(conventionId, 'SUBMIT_DRAFT', {});
  await send(conventionId, 'COMPOSE_SELECTION_COMMITTEE', {
    members: [
      { partyId: 'association', authority: 'hierarchique', title: 'directrice' },
      { partyId: 'police', authority: 'fonctionnelle', title: 'chef de service' },
    ],
  });
  await send(conventionId, 'RECORD_APPLICATIONS', { count: 1, references: ['CAND-1'] });
  await send(conventionId, 'RECORD_RECRUITMENT_DECISION', { outcome: 'selected', candidateRef: 'CAND-1' });
  return conventionId;
}

function counts(conventionId: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const m of h.sink.received.filter((r) => r.messageId.includes(conventionId)))
    map.set(m.messageId, (map.get(m.messageId) ?? 0) + 1);
  return map;
}

/** Real time for the last activity to reach the sink. */
async function settle(): Promise<void> {
  await h.sink.settled(400);
}

const id = (conventionId: string, rest: string) => `<${conventionId}.${rest}@iscg.test>`;

test('a relay refusing for a while (451): every message delivered once it comes back, none twice', async () => {
  await h.withWorker(async () => {
    h.sink.refuseNext(3, { kind: 'transient', code: 451 });
    const conventionId = await toSignature('relais-indisponible');
    // The retries back off 10, 20 then 40 seconds; the server skips that time.
    await h.env.sleep(10 * 60_000);
    await goTo('2027-06-10', 12);
    await settle();
    const got = counts(conventionId);
    expect(h.sink.refusals).toBe(3);
    const expected = [
      id(conventionId, 't0.aniscg.creation-1'),
      id(conventionId, 't0.avis.recruitment-decided.creation-1'),
      ...SIGNATORIES.map((p) => id(conventionId, `t0.rappel.signature.${p}.apres-3.2027-06-10`)),
    ];
    expect([...got.keys()].sort()).toEqual(expected.sort());
    expect([...got.values()].every((n) => n === 1)).toBe(true);
    const state = await h.conventions.get(conventionId);
    expect(state.deliveryFailures).toEqual([]);
    // Each retry waited on a durable timer, after a marker of the failed attempt, instead of
    // retrying inside the worker with the workflow task held open meanwhile.
    const events = (await h.env.client.workflow.getHandle(conventionId).fetchHistory()).events ?? [];
    const type = temporal.api.enums.v1.EventType;
    const attempts = events.filter(
      (e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity',
    );
    const backoffs = events.filter((e) => e.eventType === type.EVENT_TYPE_TIMER_STARTED && !e.userMetadata);
    expect(backoffs).toHaveLength(3);
    expect(attempts.length).toBeGreaterThanOrEqual(4);
    console.log(`Refus temporaire: ${h.sink.refusals} refus, ${got.size} messages reçus, aucun en double`);
    await h.env.client.workflow.getHandle(conventionId).terminate('fin du test');
  });
}, 120_000);

test('a permanent refusal (554) and a refused address are recorded on the convention, which carries on', async () => {
  await h.withWorker(async () => {
    const procureur = 'parquet.lille@justice.example';
    h.sink.refuseNext(1, { kind: 'permanent', code: 554 });
    h.sink.refusedRecipients.add(procureur);
    const conventionId = await toSignature('relais-refus');
    await goTo('2027-06-10', 12);
    await settle();
    const state = await h.conventions.get(conventionId);
    // The ANISCG message was refused for good; the notice reached everyone but the procureur.
    expect(state.deliveryFailures.map((f) => [f.messageId, f.kind, f.recipients])).toEqual([
      [id(conventionId, 't0.aniscg.creation-1'), 'aniscg', ['externe', 'police']],
      [id(conventionId, 't0.avis.recruitment-decided.creation-1'), 'notice', ['procureur']],
      [id(conventionId, 't0.rappel.signature.procureur.apres-3.2027-06-10'), 'reminder', ['procureur']],
    ]);
    expect(state.deliveryFailures[0]!.reason).toMatch(/^SMTP 554/);
    // No address in what operators read.
    expect(JSON.stringify(state.deliveryFailures)).not.toMatch(/@(?!iscg\.test>)/);
    // The convention carried on: the other reminders went out, each once.
    const got = counts(conventionId);
    expect(got.has(id(conventionId, 't0.aniscg.creation-1'))).toBe(false);
    for (const p of SIGNATORIES.filter((p) => p !== 'procureur'))
      expect(got.get(id(conventionId, `t0.rappel.signature.${p}.apres-3.2027-06-10`))).toBe(1);
    const notice = h.sink.received.find(
      (m) => m.messageId === id(conventionId, 't0.avis.recruitment-decided.creation-1'),
    )!;
    expect(notice.envelopeTo).not.toContain(procureur);
    expect(state.phase).toBe('signature');
    console.log(
      `Refus définitif: ${state.deliveryFailures.length} échec(s) enregistré(s), convention en phase ${state.phase}`,
    );
    await h.env.client.workflow.getHandle(conventionId).terminate('fin du test');
  });
}, 120_000);

test('a worker dying after the relay accepted a message: the retry finds the journal and sends nothing', async () => {
  const attempts = new Map<string, number>();
  let crashes = 0;
  const wrap = (real: ConventionActivities): ConventionActivities => ({
    ...real,
    async sendMails(requests: MailRequest[]) {
      for (const request of requests) attempts.set(request.id, (attempts.get(request.id) ?? 0) + 1);
      const outcomes = await real.sendMails(requests);
      // A batch holding a message's first attempt dies after the relay's 250, before completing.
      const first = requests.filter((request) => attempts.get(request.id) === 1).length;
      if (first > 0) {
        crashes += first;
        throw new Error('worker arrêté après l’envoi');
      }
      return outcomes;
    },
  });
  await withActivities(wrap, async () => {
    const conventionId = await toSignature('panne-apres-envoi');
    await h.env.sleep(10 * 60_000);
    await goTo('2027-06-10', 12);
    await settle();
    const got = counts(conventionId);
    expect(got.size).toBe(8);
    expect([...got.values()].every((n) => n === 1)).toBe(true);
    expect(crashes).toBe(8);
    expect([...attempts.values()].every((n) => n === 2)).toBe(true);
    const state = await h.conventions.get(conventionId);
    expect(state.sentMessages).toBe(8);
    expect(fs.readdirSync(mailConfig().journalDir).filter((f) => f.endsWith('.sending'))).toEqual([]);
    console.log(
      `Panne après acceptation: ${crashes} tentatives interrompues, ${got.size} messages reçus, aucun en double`,
    );
    await h.env.client.workflow.getHandle(conventionId).terminate('fin du test');
  });
}, 120_000);

test('the residual window: a worker dying between the relay’s 250 and the journal write sends again, under the same Message-ID', async () => {
  const journal = mailConfig().journalDir;
  let crashed = false;
  let duplicate: unknown = null;
  const wrap = (real: ConventionActivities): ConventionActivities => ({
    ...real,
    async sendMails(requests: MailRequest[]) {
      const outcomes = await real.sendMails(requests);
      const index = requests.findIndex((request) => request.kind === 'aniscg');
      const aniscg = requests[index];
      if (!crashed && aniscg) {
        // Undo the journal's record of the acceptance, as if the process died just before it.
        crashed = true;
        fs.renameSync(path.join(journal, `${aniscg.id}.sent`), path.join(journal, `${aniscg.id}.sending`));
        throw new Error('worker arrêté avant l’écriture du journal');
      }
      if (aniscg) duplicate = outcomes[index];
      return outcomes;
    },
  });
  await withActivities(wrap, async () => {
    const conventionId = await toSignature('fenetre-residuelle');
    await h.env.sleep(10 * 60_000);
    await settle();
    const got = counts(conventionId);
    // Detected at the receiver: the same Message-ID twice; and by the mailer, which says so.
    expect(got.get(id(conventionId, 't0.aniscg.creation-1'))).toBe(2);
    expect(duplicate).toMatchObject({ status: 'sent', possibleDuplicate: true });
    expect(got.get(id(conventionId, 't0.avis.recruitment-decided.creation-1'))).toBe(1);
    await h.env.client.workflow.getHandle(conventionId).terminate('fin du test');
  });
}, 120_000);

test('an abandon that comes in while a batch is out still sends its notice before the end', async () => {
  // The first batch with the ANISCG message waits for the abandon to be applied.
  let release!: () => void;
  const abandoned = new Promise<void>((resolve) => (release = resolve));
  let batchOut!: () => void;
  const outNow = new Promise<void>((resolve) => (batchOut = resolve));
  const wrap = (real: ConventionActivities): ConventionActivities => ({
    ...real,
    async sendMails(requests: MailRequest[]) {
      if (requests.some((r) => r.kind === 'aniscg')) {
        batchOut();
        await abandoned;
      }
      return real.sendMails(requests);
    },
  });
  await withActivities(wrap, async () => {
    const { conventionId } = await h.conventions.create(conventionCreate('abandon-en-vol'), OPERATOR);
    await goTo('2027-06-07');
    await send(conventionId, 'SUBMIT_DRAFT', {});
    // Composing the committee informs the ANISCG (art. 3): that batch is held out.
    await send(conventionId, 'COMPOSE_SELECTION_COMMITTEE', {
      members: [
        { partyId: 'association', authority: 'hierarchique', title: 'directrice' },
        { partyId: 'police', authority: 'fonctionnelle', title: 'chef de service' },
      ],
    });
    await outNow;
    await send(conventionId, 'ABANDON', { reason: 'projet-remplace' });
    release();
    const outcome = await h.env.client.workflow.getHandle(conventionId).result();
    expect(outcome).toMatchObject({ phase: 'terminated', terminationReason: 'abandoned' });
    await settle();
    const got = counts(conventionId);
    expect(got.get(id(conventionId, 't0.aniscg.creation-1'))).toBe(1);
    expect(got.get(id(conventionId, 't0.avis.terminated.abandoned'))).toBe(1);
  });
}, 120_000);
