import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './stack';
import { sleep, type FaultStack } from './faults-stack';
import { buildFleet } from './faults-fleet';
import { SeededRandom } from './faults-random';
import {
  ConventionAgent,
  FaultInjector,
  FAULT_KINDS,
  type AgentResult,
  type FaultKind,
  type InjectorPlan,
} from './faults-driver';
import {
  judgeConventions,
  judgeMails,
  possibleDuplicatesLogged,
  conventionHistories,
  replayEveryHistory,
  taskProblemsIn,
  type ConventionVerdict,
  type MailVerdict,
} from './faults-check';
import type { ExpectedMail } from './faults-model';

/**
 * One run of the fleet under faults (docs/reliability.md): the sizes, the agents driven at a given
 * concurrency while the injector breaks the stack, the settling of the emails, and the verdict,
 * written to test-results/faults/<name>.json. The test files choose the stack (one worker, two
 * workers on one shared folder, two "hosts" sharing only the mail journal in PostgreSQL).
 */

export interface Size {
  conventions: number;
  concurrency: number;
  workers: number;
  injector: InjectorPlan;
  /** How long the emails may take to settle once the fleet is done (SMTP retries back off). */
  settleMs: number;
}

export type SizeName = 'reduced' | 'full';

const SIZES: Record<SizeName, Size> = {
  reduced: {
    conventions: 18,
    concurrency: 18,
    workers: 1,
    injector: {
      first: ['worker-kill-in-smtp', 'smtp-outage', 'worker-kill', 'temporal-restart'],
      max: 8,
      gapMs: [2_000, 5_000],
      weights: {
        'worker-kill': 3,
        'worker-kill-in-smtp': 1,
        'smtp-outage': 2,
        'temporal-restart': 1,
        'temporal-kill': 0,
      },
    },
    settleMs: 240_000,
  },
  full: {
    conventions: 200,
    concurrency: 32,
    workers: 2,
    injector: {
      first: ['worker-kill-in-smtp', 'smtp-outage', 'worker-kill', 'temporal-restart'],
      max: 200,
      gapMs: [3_000, 10_000],
      weights: {
        'worker-kill': 4,
        'worker-kill-in-smtp': 2,
        'smtp-outage': 2,
        'temporal-restart': 1,
        // A crash of the dev server itself, on demand: FAULTS_TEMPORAL_KILL=1 (docs/reliability.md).
        'temporal-kill': process.env.FAULTS_TEMPORAL_KILL === '1' ? 1 : 0,
      },
    },
    settleMs: 400_000,
  },
};

export const sizeName: SizeName = process.env.FAULTS_SIZE === 'full' ? 'full' : 'reduced';

/** The size of this run: FAULTS_SIZE, FAULTS_CONVENTIONS and FAULTS_KINDS, over `overrides`. */
export function runSize(overrides: Partial<Size> = {}): Size {
  const size: Size = {
    ...SIZES[sizeName],
    ...overrides,
    ...(process.env.FAULTS_CONVENTIONS ? { conventions: Number(process.env.FAULTS_CONVENTIONS) } : {}),
  };
  // FAULTS_KINDS=temporal-kill,worker-kill: after the first ones, only these, equally likely.
  const onlyKinds = process.env.FAULTS_KINDS?.split(',').map((k) => k.trim()) as FaultKind[] | undefined;
  if (onlyKinds)
    size.injector = {
      ...size.injector,
      weights: Object.fromEntries(FAULT_KINDS.map((k) => [k, onlyKinds.includes(k) ? 1 : 0])) as Record<
        FaultKind,
        number
      >,
    };
  return size;
}

/**
 * Reminders go out at whole hours on business days. FAULTS_REMINDER_SLOT=auto (the full size's
 * default) takes the next whole hour when it is 4 to 25 minutes away and keeps the faults coming
 * until two minutes past it; an ISO instant names the slot; `off` (the reduced size's default)
 * leaves the conventions' default 09:00, which a run of a few minutes rarely crosses.
 */
function reminderSlot(now: number): number | null {
  const setting = process.env.FAULTS_REMINDER_SLOT ?? (sizeName === 'full' ? 'auto' : 'off');
  if (setting === 'off') return null;
  if (setting !== 'auto') return new Date(setting).getTime();
  const hour = 3_600_000;
  const next = Math.ceil((now + 4 * 60_000) / hour) * hour;
  return next - now <= 25 * 60_000 ? next : null;
}

async function drive(agents: ConventionAgent[], concurrency: number): Promise<AgentResult[]> {
  const results: AgentResult[] = new Array(agents.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < agents.length) {
        const i = next++;
        results[i] = await agents[i]!.run();
      }
    }),
  );
  return results;
}

/** Polls until the relay holds every expected email and nothing new arrives for a while. */
async function settle(
  stack: FaultStack,
  results: AgentResult[],
  deadline: number,
): Promise<{ verdicts: ConventionVerdict[]; expected: ExpectedMail[]; endAt: number }> {
  let quietSince = Date.now();
  let seen = stack.relay.received.length;
  for (;;) {
    const endAt = Date.now();
    const verdicts = await judgeConventions(stack, results, endAt);
    const expected = verdicts.flatMap((v) => v.model.mails);
    const received = new Set(stack.relay.received.map((m) => m.messageId));
    const complete = expected.every((m) => [...received].some((id) => id.startsWith(`<${m.id}@`)));
    if (stack.relay.received.length !== seen) {
      seen = stack.relay.received.length;
      quietSince = Date.now();
    }
    if ((complete && Date.now() - quietSince > 5_000) || Date.now() > deadline)
      return { verdicts, expected, endAt };
    await sleep(3_000);
  }
}

export interface FleetRun {
  figures: Record<string, any>;
  details: Record<string, any[]>;
  /** The faults the plan says must happen, and how many of each did. */
  mandatory: { kind: FaultKind; injected: number }[];
}

export async function runFleetUnderFaults(options: {
  stack: FaultStack;
  size: Size;
  seed: number;
  /** The results file (test-results/faults/<name>.json) and how the figures name the run. */
  name: string;
  /** Said of the stack in the figures (workers, what they share). */
  stackDescription: string;
}): Promise<FleetRun> {
  const { stack, size, seed } = options;
  const random = new SeededRandom(seed);
  const startedAt = Date.now();
  const runTag = `f${(seed % 46656).toString(36)}`;
  const wanted = reminderSlot(startedAt);
  const plans = buildFleet(size.conventions, runTag, { reminderSlot: wanted });
  // On a weekend (or at night) no département has a send hour at that instant: no slot then.
  const slot = plans.some((p) => p.create.data.reminders?.hour !== undefined) ? wanted : null;
  if (slot) console.log(`faults: rappels à ${new Date(slot).toISOString()} (départements en jour ouvré)`);
  const agents = plans.map((plan) => new ConventionAgent(stack, plan, random.fork(plan.conventionId)));
  const injector = new FaultInjector(stack, random.fork('faults'), size.injector);

  const faults = injector.run();
  const results = await drive(agents, size.concurrency);
  const drivenAt = Date.now();
  // The slot's reminders go out under faults too.
  while (slot && Date.now() < slot + 120_000) await sleep(1_000);
  injector.stop();
  await faults;
  await injector.reviveCrashedWorkers();
  stack.relay.accept();
  await stack.waitHealthy();

  const { verdicts, expected, endAt } = await settle(stack, results, Date.now() + size.settleMs);
  const mails: MailVerdict = judgeMails(expected, stack.relay.received, possibleDuplicatesLogged(stack));
  const client = await stack.temporalClient();
  const histories = await conventionHistories(
    client,
    verdicts.map((v) => v.conventionId),
  );
  const tasks = taskProblemsIn(histories);
  const replay = await replayEveryHistory(histories, {
    bundlePath: path.join(ROOT, 'dist', 'workflow-bundle.js'),
    encryptionKeys: stack.encryptionKeys,
    dataConverter: client.options.dataConverter,
  });

  const steps = results.flatMap((r) => r.steps);
  const count = (kind: string) => injector.injected.filter((f) => f.kind === kind).length;
  const figures = {
    size: sizeName,
    seed,
    startedAt: new Date(startedAt).toISOString(),
    durationSeconds: Math.round((endAt - startedAt) / 1000),
    drivingSeconds: Math.round((drivenAt - startedAt) / 1000),
    workers: size.workers,
    stack: options.stackDescription,
    reminderSlot: slot ? new Date(slot).toISOString() : null,
    conventionsWithReminderSlot: plans.filter((p) => p.create.data.reminders?.hour !== undefined).length,
    conventions: plans.length,
    conventionsByKind: Object.fromEntries(
      [...new Set(plans.map((p) => p.kind))].map((k) => [k, plans.filter((p) => p.kind === k).length]),
    ),
    transitions: {
      planned: steps.length,
      acknowledged: verdicts.reduce((n, v) => n + v.acknowledged, 0),
      appliedWithoutAnswer: verdicts.reduce((n, v) => n + v.appliedWithoutAnswer.length, 0),
      requests: steps.reduce((n, s) => n + s.requests, 0) + results.reduce((n, r) => n + r.createRequests, 0),
      withoutIdempotencyKey: steps.filter((s) => s.key === null).length,
      unansweredRequests: steps.reduce((n, s) => n + s.unanswered, 0),
      replayedAnswers: steps.reduce((n, s) => n + s.replayedAnswers, 0),
      expectedRefusals: steps.reduce((n, s) => n + s.expectedRefusals, 0),
      lost: verdicts.reduce((n, v) => n + v.lost.length, 0),
      appliedTwice: verdicts.reduce((n, v) => n + v.twice.length, 0),
      unexplainedHistoryEntries: verdicts.reduce((n, v) => n + v.model.unexplained.length, 0),
    },
    faults: {
      ...Object.fromEntries(FAULT_KINDS.map((k) => [k, count(k)])),
      'duplicate-concurrent': steps.filter((s) => s.mode === 'dup-concurrent').length,
      'duplicate-sequential': steps.filter((s) => s.mode === 'dup-sequential').length,
      'out-of-order': steps.filter((s) => s.mode === 'early-next' || s.mode === 'pair-concurrent').length,
      workerCrashes: injector.crashedWorkers.length,
    },
    emails: {
      expected: mails.expected,
      expectedReminders: mails.expectedReminders,
      received: mails.received,
      duplicatedMessageIds: mails.duplicatedIds.length,
      extraCopies: mails.extraCopies,
      residualWindowDuplicates: mails.residualWindow.length,
      unexplainedDuplicates: mails.unexplainedDuplicates.length,
      missing: mails.missing.length,
      unexpected: mails.unexpected.length,
      wrongRecipients: mails.wrongRecipients.length,
      relayRefusals: stack.relay.refusals,
    },
    workflowTasks: { failed: tasks.failed.length, timedOut: tasks.timedOut },
    historiesReplayed: { runs: replay.replayed, failed: replay.failures.length },
  };
  const details = {
    faults: injector.injected,
    skippedFaults: injector.skipped,
    workerCrashes: injector.crashedWorkers,
    agentFailures: results.flatMap((r) => r.failures.map((f) => `${r.plan.conventionId} ${f}`)),
    unexplained: verdicts.flatMap((v) =>
      v.model.unexplained.map((u) => ({ conventionId: v.conventionId, ...u })),
    ),
    lost: verdicts.filter((v) => v.lost.length).map((v) => ({ conventionId: v.conventionId, steps: v.lost })),
    twice: verdicts
      .filter((v) => v.twice.length)
      .map((v) => ({ conventionId: v.conventionId, steps: v.twice })),
    residualWindow: mails.residualWindow,
    unexplainedDuplicates: mails.unexplainedDuplicates,
    missing: mails.missing,
    unexpected: mails.unexpected,
    wrongRecipients: mails.wrongRecipients,
    workflowTaskFailures: tasks.failed,
    replayFailures: replay.failures,
  };
  const resultsDir = path.join(ROOT, 'test-results', 'faults');
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.writeFileSync(
    path.join(resultsDir, `${options.name}.json`),
    `${JSON.stringify({ figures, details }, null, 2)}\n`,
  );
  console.log(`faults (${options.name}, graine ${seed}):\n${JSON.stringify(figures, null, 2)}`);
  return {
    figures,
    details,
    mandatory: size.injector.first.map((kind) => ({ kind, injected: count(kind) })),
  };
}

/** The verdict every fleet run must reach: nothing lost, nothing twice, every email once. */
export function expectNothingLostNothingTwice({ details, mandatory }: FleetRun): void {
  expect(details.agentFailures).toEqual([]);
  expect(details.workerCrashes).toEqual([]);
  expect(details.unexplained).toEqual([]);
  expect(details.lost).toEqual([]);
  expect(details.twice).toEqual([]);
  expect(details.missing).toEqual([]);
  expect(details.unexpected).toEqual([]);
  expect(details.wrongRecipients).toEqual([]);
  // Exactly once, except the documented residual window, which the mailer flags.
  expect(details.unexplainedDuplicates).toEqual([]);
  expect(details.workflowTaskFailures).toEqual([]);
  // Every history replays on a worker that has none of it in cache.
  expect(details.replayFailures).toEqual([]);
  for (const { kind, injected } of mandatory)
    expect({ kind, injected: injected > 0 }).toEqual({ kind, injected: true });
}
