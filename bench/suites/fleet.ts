import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { WorkflowExecutionDescription } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { businessDayOnOrBefore } from '../../domain/calendar/business-days';
import {
  addDays,
  addMonths,
  compareDates,
  instantAt,
  localDate,
  type CivilDate,
} from '../../domain/calendar/dates';
import { ConventionsClient } from '../../client/conventions';
import type { Actor, ExternalEventType } from '../../domain/lifecycle/events';
import type { ConventionState } from '../../domain/temporal-contract';
import { SmtpSink } from '../../test/support/smtp-sink';
import { BenchChild } from '../support/child';
import { workerConfig } from '../support/dev-stack';
import { WORKER_PROCESS } from '../support/paths';
import { activationSteps, benchCreate, type Step } from '../support/plan';
import { CpuMeter, MemoryPoller, type MemorySample } from '../support/proc';
import { startTimeSkippingServer, type BenchServer, type Bundles } from '../support/servers';
import { pool, round, spread, type Spread } from '../support/stats';

/**
 * 5. Fleet simulation on the time-skipping server: N conventions through a whole three-year term,
 * the duties of lives.test.ts (every ledger line paid on its due day, each year's report, committee
 * and review, the renewal decision), with every reminder the conventions send on their own, to a
 * real SMTP server on loopback. Time skipping is global to a server, so a server's conventions
 * move in lockstep: every event of a day for every convention, then the clock skips to the next day.
 *
 * The fleet is split into shards, each on its own test server and worker, all driven at once. The
 * test server keeps a list of every time-skipping lock it ever took and scans it at each timer it
 * fires (SelfAdvancingTimerImpl.lockEvents, a debugging aid), so its cost per convention grows
 * with the number of conventions it has run: 0.31 CPU s per convention at 100, 0.96 at 500. A
 * production server has no such list; shards keep the figure about the conventions.
 */

export interface FleetOptions {
  conventions: number;
  /** Conventions acted on at once within a day, over all shards. */
  concurrency: number;
  /** Conventions per test server. */
  shardSize: number;
}

export interface FleetResult {
  conventions: number;
  /** Test servers (each with its worker) the fleet was split over. */
  shards: number;
  wallSeconds: number;
  /** Days the fleet stopped at to act. */
  actionDays: number;
  /** External transitions sent (updates), and per second of wall time. */
  transitions: number;
  transitionsPerSecond: number;
  /** Every history event of every convention (timers, reminders, search attributes included). */
  historyEvents: number;
  historyEventsPerSecond: number;
  emailsSent: number;
  /** Distinct Message-IDs among them: a message sent twice counts once here. */
  emailsDistinct: number;
  emailsPerConvention: number;
  terminated: number;
  /** All workers together, all test servers together: the most they held at one poll (every 2 s). */
  peakRssMiB: { worker: number; server: number };
  /** The largest high-water mark of one worker, of one test server. */
  peakRssMiBPerProcess: { worker: number; server: number };
  /** CPU seconds used per convention's term: the worker, the server, and this driver with the SMTP sink. */
  cpuSecondsPerConvention: Record<string, number>;
  history: {
    /** Over the whole fleet, from the server's own accounting (describe). */
    eventsPerTerm: Spread;
    /** Encoded size (protobuf, as the server stores it) of the first, middle and last convention's history. */
    bytesPerTerm: Spread;
    /** One convention's history, fetched whole. */
    sample: { conventionId: string; events: number; protobufBytes: number; jsonBytes: number };
    target: { eventsPerTerm: number; holds: boolean };
  };
  memoryTimeline: MemorySample[];
}

export interface FleetRun {
  result: FleetResult;
  /** The sample convention's full history (for the replay benchmark). */
  sampleHistory: temporal.api.history.v1.IHistory;
}

interface Action {
  date: CivilDate;
  type: ExternalEventType;
  payload: Record<string, unknown>;
  actor: Actor;
}

const party = (partyId: string): Actor => ({ kind: 'party', partyId });
const OPERATOR: Actor = { kind: 'operator' };

/** The duties of a term, as lives.test.ts performs them, from the state of a convention in force. */
function dutiesOfTerm(state: ConventionState): Action[] {
  const term = state.term!.number;
  const actions: Action[] = [];
  for (const item of state.ledger.filter((i) => i.term === term))
    actions.push({
      date: item.dueDate,
      type: 'RECORD_PAYMENT',
      payload: {
        itemId: item.id,
        paidOn: item.dueDate,
        ...(item.plannedAmountEur ? { amountEur: item.plannedAmountEur } : {}),
      },
      actor: item.kind === 'salary' ? party('association') : party(item.payerPartyId),
    });
  for (const year of state.reviews.filter((r) => r.term === term)) {
    const meeting = businessDayOnOrBefore('59', addMonths(year.yearEnd, -1));
    const reportOn = addDays(meeting, -14);
    actions.push(
      {
        date: addMonths(meeting, -2),
        type: 'SCHEDULE_COMMITTEE',
        payload: { termYear: year.termYear, meetingDate: meeting, location: 'Préfecture' },
        actor: party('etat'),
      },
      {
        date: reportOn,
        type: 'SUBMIT_ACTIVITY_REPORT',
        payload: {
          termYear: year.termYear,
          submittedOn: reportOn,
          documentRef: `BILAN-A${year.termYear}`,
          statistics: { 'personnes-recues': 300 + year.termYear },
        },
        actor: party('association'),
      },
      {
        date: meeting,
        type: 'RECORD_COMMITTEE_REVIEW',
        payload: {
          termYear: year.termYear,
          heldOn: meeting,
          recommendations: ['Maintenir le poste'],
          minutesRef: `PV-${year.termYear}`,
        },
        actor: party('etat'),
      },
    );
  }
  const opens = state.term!.concertationOpensOn;
  actions.push({
    date: opens,
    type: 'RECORD_RENEWAL_DECISION',
    payload: { decision: 'not_renew', decidedOn: opens, reason: 'financement-non-reconduit' },
    actor: party('etat'),
  });
  return actions;
}

function byDate(actions: Action[]): Map<CivilDate, Action[]> {
  const days = new Map<CivilDate, Action[]>();
  for (const action of [...actions].sort((a, b) => compareDates(a.date, b.date)))
    days.set(action.date, [...(days.get(action.date) ?? []), action]);
  return days;
}

interface Shard {
  index: number;
  server: BenchServer;
  worker: BenchChild;
  conventions: ConventionsClient;
  mailDir: string;
  /** Global indices of its conventions: slugs, so Message-IDs, are unique across the fleet. */
  members: number[];
  ids: string[];
  descriptions: WorkflowExecutionDescription[];
  actionDays: number;
}

async function startShard(
  index: number,
  members: number[],
  bundles: Bundles,
  smtpUrl: string,
): Promise<Shard> {
  const server = await startTimeSkippingServer();
  const mailDir = fs.mkdtempSync(path.join(os.tmpdir(), `iscg-bench-fleet-${index}-`));
  const queue = 'bench-fleet';
  // The production worker's settings: nothing tuned for the benchmark.
  const { child: worker } = await BenchChild.start(
    `fleet worker ${index + 1}`,
    WORKER_PROCESS,
    workerConfig(server, bundles, { conventionQueue: queue }, { smtpUrl, dir: mailDir }, {}),
  );
  return {
    index,
    server,
    worker,
    conventions: new ConventionsClient(server.env.client, queue),
    mailDir,
    members,
    ids: [],
    descriptions: [],
    actionDays: 0,
  };
}

async function stopShard(shard: Shard): Promise<void> {
  await shard.worker.stop();
  await shard.server.teardown();
  fs.rmSync(shard.mailDir, { recursive: true, force: true });
}

/** One shard's conventions through their term, on its own clock. */
async function driveShard(
  shard: Shard,
  concurrency: number,
  count: () => void,
  log: (line: string) => void,
): Promise<void> {
  const env = shard.server.env;
  const conventions = shard.conventions;
  const goTo = async (date: CivilDate, hour = 11) => {
    const target = instantAt(date, '59', hour);
    const now = await env.currentTimeMs();
    if (target > now) await env.sleep(target - now);
  };
  const send = async (conventionId: string, type: ExternalEventType, payload: unknown, actor: Actor) => {
    await conventions.send(conventionId, { type, payload, actor });
    count();
  };
  const today = localDate(await env.currentTimeMs(), '59');
  // Signed a month from now; in force on the first day of the month after next, as lives.test.ts.
  const signOn = addDays(today, 30);
  const startDate = addMonths(`${today.slice(0, 7)}-01`, 3);
  shard.ids = await pool(
    shard.members,
    concurrency,
    async (i) => (await conventions.create(benchCreate(`flotte-${i}`, startDate), OPERATOR)).conventionId,
  );
  const template = benchCreate(`flotte-${shard.members[0]}`, startDate);
  const setup: [CivilDate, Step[]][] = [
    [addDays(today, 2), activationSteps(template, signOn).filter((s) => s.type !== 'SIGN')],
    [signOn, activationSteps(template, signOn).filter((s) => s.type === 'SIGN')],
  ];
  for (const [date, steps] of setup) {
    await goTo(date);
    await pool(shard.ids, concurrency, async (id) => {
      for (const s of steps)
        await send(id, s.type, s.payload, s.type === 'SIGN' ? party(String(s.payload.partyId)) : OPERATOR);
    });
  }
  await goTo(startDate);
  const first = await conventions.get(shard.ids[0]!);
  if (first.phase !== 'active') throw new Error(`fleet: expected active on ${startDate}, got ${first.phase}`);
  const days = byDate(dutiesOfTerm(first));
  shard.actionDays = days.size + setup.length;
  if (shard.index === 0)
    log(`  in force on ${startDate}: ${days.size} days with duties until ${first.term!.endDate}`);
  let done = 0;
  for (const [date, actions] of days) {
    await goTo(date);
    await pool(shard.ids, concurrency, async (id) => {
      for (const a of actions) await send(id, a.type, a.payload, a.actor);
    });
    if (shard.index === 0 && ++done % 10 === 0) log(`    first shard at ${date}: ${done}/${days.size} days`);
  }
  await goTo(addDays(first.term!.endDate, 2));
  // An ended convention stays until its last notice has gone out: let the clock run on a little.
  const describe = () => pool(shard.ids, concurrency, (id) => env.client.workflow.getHandle(id).describe());
  shard.descriptions = await describe();
  for (let extra = 0; extra < 4 && shard.descriptions.some((d) => d.status.name === 'RUNNING'); extra++) {
    await env.sleep(7 * 24 * 3600 * 1000);
    shard.descriptions = await describe();
  }
}

export async function runFleet(
  bundles: Bundles,
  options: FleetOptions,
  log: (line: string) => void,
): Promise<FleetRun> {
  const sink = await new SmtpSink({ parse: false }).start();
  const shardCount = Math.ceil(options.conventions / options.shardSize);
  const shards: Shard[] = [];
  let transitions = 0;
  try {
    // Started one after the other: each server's process is told apart from those already running.
    for (let k = 0; k < shardCount; k++) {
      const members = Array.from({ length: options.conventions }, (_, i) => i).filter(
        (i) => i % shardCount === k,
      );
      shards.push(await startShard(k, members, bundles, sink.url));
    }
    const processes = {
      worker: shards.map((s) => s.worker.pid),
      server: shards.map((s) => s.server.pid),
    };
    const poller = new MemoryPoller(processes, 2000).start();
    const cpu = new CpuMeter({ ...processes, driver: process.pid });
    const started = performance.now();
    log(
      `  ${options.conventions} conventions in ${shardCount} shard(s) of at most ${options.shardSize}, each on its own test server and worker`,
    );
    const progress = setInterval(
      () => log(`    ${transitions} transitions, ${sink.accepted} emails`),
      60_000,
    ).unref();
    try {
      await Promise.all(
        shards.map((shard) =>
          driveShard(
            shard,
            Math.max(1, Math.ceil(options.concurrency / shardCount)),
            () => transitions++,
            log,
          ),
        ),
      );
    } finally {
      clearInterval(progress);
    }
    const wallSeconds = (performance.now() - started) / 1000;
    const emails = sink.accepted;
    const peaks = poller.stop();
    const cpuMs = cpu.stop();
    const descriptions = shards.flatMap((s) => s.descriptions);
    const terminated = descriptions.filter((d) => d.status.name === 'COMPLETED').length;
    const historyEvents = descriptions.reduce((n, d) => n + d.historyLength, 0);
    const historyOf = (shard: Shard, id: string) =>
      shard.server.env.client.workflow.getHandle(id).fetchHistory();
    const encodedSize = (h: temporal.api.history.v1.IHistory) =>
      temporal.api.history.v1.History.encode(h).finish().length;
    const sampleId = shards[0]!.ids[0]!;
    const sampleHistory = await historyOf(shards[0]!, sampleId);
    const protobufBytes = encodedSize(sampleHistory);
    const sizes = [protobufBytes];
    // First, middle and last conventions of the fleet, each from the shard that ran it.
    const middle = shards[Math.floor(shards.length / 2)]!;
    const measured = new Set([sampleId]);
    for (const [shard, id] of [
      [middle, middle.ids[Math.floor(middle.ids.length / 2)]!],
      [shards.at(-1)!, shards.at(-1)!.ids.at(-1)!],
    ] as const) {
      if (measured.has(id)) continue;
      measured.add(id);
      sizes.push(encodedSize(await historyOf(shard, id)));
    }
    const eventsPerTerm = spread(descriptions.map((d) => d.historyLength));
    const mib = (kb: number) => round(kb / 1024, 1);
    const result: FleetResult = {
      conventions: descriptions.length,
      shards: shardCount,
      wallSeconds: round(wallSeconds, 1),
      actionDays: Math.max(...shards.map((s) => s.actionDays)),
      transitions,
      transitionsPerSecond: round(transitions / wallSeconds, 1),
      historyEvents,
      historyEventsPerSecond: round(historyEvents / wallSeconds, 1),
      emailsSent: emails,
      emailsDistinct: sink.acceptedIds.size,
      emailsPerConvention: round(emails / descriptions.length, 1),
      terminated,
      peakRssMiB: {
        worker: mib(peaks.worker!.polledMaxRssKb),
        server: mib(peaks.server!.polledMaxRssKb),
      },
      peakRssMiBPerProcess: {
        worker: mib(peaks.worker!.largestMemberPeakKb),
        server: mib(peaks.server!.largestMemberPeakKb),
      },
      cpuSecondsPerConvention: Object.fromEntries(
        Object.entries(cpuMs).map(([name, ms]) => [name, round(ms / 1000 / descriptions.length, 3)]),
      ),
      history: {
        eventsPerTerm,
        bytesPerTerm: spread(sizes),
        sample: {
          conventionId: sampleId,
          events: sampleHistory.events?.length ?? 0,
          protobufBytes,
          jsonBytes: historyToJSON(sampleHistory).length,
        },
        target: { eventsPerTerm: 1000, holds: eventsPerTerm.max < 1000 },
      },
      memoryTimeline: poller.samples,
    };
    return { result, sampleHistory };
  } finally {
    for (const shard of shards) await stopShard(shard);
    await sink.stop();
  }
}
