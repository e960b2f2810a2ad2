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
import { startTimeSkippingServer, type Bundles } from '../support/servers';
import { pool, round, spread, type Spread } from '../support/stats';

/**
 * 5. Fleet simulation on the time-skipping server: N conventions through a whole three-year term,
 * the duties of lives.test.ts (every ledger line paid on its due day, each year's report, committee
 * and review, the renewal decision), with every reminder the conventions send on their own, to a
 * real SMTP server on loopback. Time skipping is global to the server, so the fleet moves in
 * lockstep: every event of a day for every convention, then the clock skips to the next day.
 */

export interface FleetOptions {
  conventions: number;
  /** Conventions acted on at once within a day. */
  concurrency: number;
}

export interface FleetResult {
  conventions: number;
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
  peakRssMiB: { worker: number; server: number };
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
    payload: { decision: 'not_renew', decidedOn: opens, reason: 'fin du financement' },
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

export async function runFleet(
  bundles: Bundles,
  options: FleetOptions,
  log: (line: string) => void,
): Promise<FleetRun> {
  const server = await startTimeSkippingServer();
  const sink = await new SmtpSink({ parse: false }).start();
  const mailDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iscg-bench-fleet-'));
  const queue = 'bench-fleet';
  // The production worker's settings: nothing tuned for the benchmark.
  const { child: worker } = await BenchChild.start(
    'fleet worker',
    WORKER_PROCESS,
    workerConfig(server, bundles, { conventionQueue: queue }, { smtpUrl: sink.url, dir: mailDir }, {}),
  );
  const poller = new MemoryPoller({ worker: worker.pid, server: server.pid }, 2000).start();
  const cpu = new CpuMeter({ worker: worker.pid, server: server.pid, driver: process.pid });
  const env = server.env;
  const conventions = new ConventionsClient(env.client, queue);
  const goTo = async (date: CivilDate, hour = 11) => {
    const target = instantAt(date, '59', hour);
    const now = await env.currentTimeMs();
    if (target > now) await env.sleep(target - now);
  };
  let transitions = 0;
  const send = async (conventionId: string, type: ExternalEventType, payload: unknown, actor: Actor) => {
    await conventions.send(conventionId, { type, payload, actor });
    transitions++;
  };
  const started = performance.now();
  try {
    const today = localDate(await env.currentTimeMs(), '59');
    // Signed a month from now; in force on the first day of the month after next, as lives.test.ts.
    const signOn = addDays(today, 30);
    const startDate = addMonths(`${today.slice(0, 7)}-01`, 3);
    const ids = await pool(
      Array.from({ length: options.conventions }, (_, i) => i),
      options.concurrency,
      async (i) => (await conventions.create(benchCreate(`flotte-${i}`, startDate), OPERATOR)).conventionId,
    );
    log(`  ${ids.length} conventions created; drafting to signature`);
    const template = benchCreate('flotte-0', startDate);
    const setup: [CivilDate, Step[]][] = [
      [addDays(today, 2), activationSteps(template, signOn).filter((s) => s.type !== 'SIGN')],
      [signOn, activationSteps(template, signOn).filter((s) => s.type === 'SIGN')],
    ];
    for (const [date, steps] of setup) {
      await goTo(date);
      await pool(ids, options.concurrency, async (id) => {
        for (const s of steps)
          await send(id, s.type, s.payload, s.type === 'SIGN' ? party(String(s.payload.partyId)) : OPERATOR);
      });
    }
    await goTo(startDate);
    const first = await conventions.get(ids[0]!);
    if (first.phase !== 'active')
      throw new Error(`fleet: expected active on ${startDate}, got ${first.phase}`);
    const days = byDate(dutiesOfTerm(first));
    log(`  in force on ${startDate}: ${days.size} days with duties until ${first.term!.endDate}`);
    let done = 0;
    for (const [date, actions] of days) {
      await goTo(date);
      await pool(ids, options.concurrency, async (id) => {
        for (const a of actions) await send(id, a.type, a.payload, a.actor);
      });
      if (++done % 10 === 0)
        log(`    ${date}: ${done}/${days.size} days, ${transitions} transitions, ${sink.accepted} emails`);
    }
    await goTo(addDays(first.term!.endDate, 2));
    // An ended convention stays until its last notice has gone out: let the clock run on a little.
    const describe = () =>
      pool(ids, options.concurrency, (id) => env.client.workflow.getHandle(id).describe());
    let descriptions: WorkflowExecutionDescription[] = await describe();
    for (let extra = 0; extra < 4 && descriptions.some((d) => d.status.name === 'RUNNING'); extra++) {
      await env.sleep(7 * 24 * 3600 * 1000);
      descriptions = await describe();
    }
    const emails = sink.accepted;
    const wallSeconds = (performance.now() - started) / 1000;
    const peaks = poller.stop();
    const cpuMs = cpu.stop();
    const terminated = descriptions.filter((d) => d.status.name === 'COMPLETED').length;
    const historyEvents = descriptions.reduce((n, d) => n + d.historyLength, 0);
    const sampleId = ids[0]!;
    const sampleHistory = await env.client.workflow.getHandle(sampleId).fetchHistory();
    const encodedSize = (h: temporal.api.history.v1.IHistory) =>
      temporal.api.history.v1.History.encode(h).finish().length;
    const protobufBytes = encodedSize(sampleHistory);
    const others = [ids[Math.floor(ids.length / 2)]!, ids.at(-1)!].filter((id) => id !== sampleId);
    const sizes = [protobufBytes];
    for (const id of new Set(others))
      sizes.push(encodedSize(await env.client.workflow.getHandle(id).fetchHistory()));
    const eventsPerTerm = spread(descriptions.map((d) => d.historyLength));
    const result: FleetResult = {
      conventions: ids.length,
      wallSeconds: round(wallSeconds, 1),
      actionDays: days.size + setup.length,
      transitions,
      transitionsPerSecond: round(transitions / wallSeconds, 1),
      historyEvents,
      historyEventsPerSecond: round(historyEvents / wallSeconds, 1),
      emailsSent: emails,
      emailsDistinct: sink.acceptedIds.size,
      emailsPerConvention: round(emails / ids.length, 1),
      terminated,
      peakRssMiB: {
        worker: round(peaks.worker!.peakRssKb / 1024, 1),
        server: round(peaks.server!.peakRssKb / 1024, 1),
      },
      cpuSecondsPerConvention: Object.fromEntries(
        Object.entries(cpuMs).map(([name, ms]) => [name, round(ms / 1000 / ids.length, 3)]),
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
    poller.stop();
    await worker.stop();
    await sink.stop();
    await server.teardown();
    fs.rmSync(mailDir, { recursive: true, force: true });
  }
}
