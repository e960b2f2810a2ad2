import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import type { DevStack } from '../support/dev-stack';
import { BENCH_ACTOR, benchCreate, conventionScript, requestOf, todayInNord } from '../support/plan';
import type { ProductionStack } from '../support/production-stack';
import { startTimeSkippingServer, type Bundles } from '../support/servers';
import { armSpreads, median, pool, rotated, roundSpread, spread, type Spread } from '../support/stats';
import { BARE_WORKFLOW_TYPE, countQuery, finishSignal, noopUpdate } from '../workflows/bare-contract';

/**
 * 4. Replay: the time to replay one full three-year term (what a worker does when a convention
 * is not in its cache, and what the replay tests do), against a bare workflow's history of the
 * same length. Replay workers start with a cost of their own (loading the bundle); the figure is
 * the marginal cost of one more history: (time for K copies - time for one) / (K - 1).
 */
type History = temporal.api.history.v1.IHistory;

export interface ReplayOptions {
  repetitions: number;
  copies: number;
}

export interface ReplayResult {
  conventionEvents: number;
  bareEvents: number;
  repetitions: number;
  copies: number;
  /** Milliseconds to replay one more history. */
  conventionMs: Spread;
  bareMs: Spread;
  /** Per round, convention / bare, each per event (the histories differ by at most four events). */
  ratioPerEvent: Spread;
  /** Milliseconds to start a replay worker and replay one history. */
  firstReplayMs: { convention: Spread; bare: Spread };
  /** Events of each kind in the term's history and in the bare one (docs/performance.md reads them). */
  eventKinds: Record<string, { convention: number; bare: number }>;
}

/** `WORKFLOW_TASK_COMPLETED: 136`, kind by kind. */
function eventKinds(history: History): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of history.events ?? []) {
    const type = event.eventType ?? 0;
    const kind = (temporal.api.enums.v1.EventType[type] ?? String(type)).replace(/^EVENT_TYPE_/, '');
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

/** A bare workflow's history with `events` events, give or take four: no-op updates, then finish. */
async function bareHistory(bundles: Bundles, events: number): Promise<History> {
  const server = await startTimeSkippingServer();
  try {
    const worker = await Worker.create({
      connection: server.env.nativeConnection,
      namespace: server.namespace,
      taskQueue: 'bench-bare-history',
      workflowBundle: { codePath: bundles.bare },
    });
    return await worker.runUntil(async () => {
      const handle = await server.env.client.workflow.start(BARE_WORKFLOW_TYPE, {
        taskQueue: 'bench-bare-history',
        workflowId: 'bare-history',
        args: [],
      });
      await handle.query(countQuery);
      // Started and its first task: 4 events; each update: 5; the finish signal and completion: 5.
      const updates = Math.floor((events - 9) / 5);
      for (let i = 0; i < updates; i++) await handle.executeUpdate(noopUpdate, { args: [{ i }] });
      await handle.signal(finishSignal);
      await handle.result();
      return handle.fetchHistory();
    });
  } finally {
    await server.teardown();
  }
}

async function timeReplay(bundle: string, history: History, copies: number): Promise<number> {
  const histories = Array.from({ length: copies }, (_, i) => ({ workflowId: `replay-${i}`, history }));
  const started = performance.now();
  for await (const result of Worker.runReplayHistories(
    { workflowBundle: { codePath: bundle }, replayName: 'bench' },
    histories,
  ))
    if (result.error) throw new Error(`replay of ${result.workflowId} failed: ${result.error.message}`);
  return performance.now() - started;
}

export async function runReplay(
  bundles: Bundles,
  conventionHistory: History,
  options: ReplayOptions,
  log: (line: string) => void,
): Promise<ReplayResult> {
  const conventionEvents = conventionHistory.events?.length ?? 0;
  const bare = await bareHistory(bundles, conventionEvents);
  const bareEvents = bare.events?.length ?? 0;
  log(`  convention history: ${conventionEvents} events; bare history: ${bareEvents} events`);
  const subjects = {
    convention: { bundle: bundles.convention, history: conventionHistory, events: conventionEvents },
    bare: { bundle: bundles.bare, history: bare, events: bareEvents },
  };
  const marginal = { convention: [] as number[], bare: [] as number[] };
  const first = { convention: [] as number[], bare: [] as number[] };
  const ratios: number[] = [];
  for (let rep = 0; rep < options.repetitions; rep++) {
    const perEvent: Record<string, number> = {};
    for (const name of rotated(['convention', 'bare'] as const, rep)) {
      const { bundle, history, events } = subjects[name];
      const one = await timeReplay(bundle, history, 1);
      const many = await timeReplay(bundle, history, options.copies);
      const each = (many - one) / (options.copies - 1);
      marginal[name].push(each);
      first[name].push(one);
      perEvent[name] = each / events;
    }
    ratios.push(perEvent.convention! / perEvent.bare!);
    log(
      `  round ${rep + 1}/${options.repetitions}: convention ${marginal.convention.at(-1)!.toFixed(1)} ms, bare ${marginal.bare.at(-1)!.toFixed(1)} ms per replay`,
    );
  }
  return {
    conventionEvents,
    bareEvents,
    repetitions: options.repetitions,
    copies: options.copies,
    conventionMs: roundSpread(spread(marginal.convention), 1),
    bareMs: roundSpread(spread(marginal.bare), 1),
    ratioPerEvent: roundSpread(spread(ratios), 2),
    firstReplayMs: armSpreads(first, 0),
    eventKinds: (() => {
      const convention = eventKinds(conventionHistory);
      const bareKinds = eventKinds(bare);
      const kinds = [...new Set([...Object.keys(convention), ...Object.keys(bareKinds)])];
      return Object.fromEntries(
        kinds
          .map((kind) => [kind, { convention: convention[kind] ?? 0, bare: bareKinds[kind] ?? 0 }] as const)
          .sort(([, a], [, b]) => b.convention - a.convention),
      );
    })(),
  };
}

export interface RecordedOptions {
  /** Workflows per arm. */
  workflows: number;
  rounds: number;
  /** Times each history is fetched per round. */
  fetches: number;
  copies: number;
}

export interface RecordedResult {
  server: 'dev' | 'production';
  workflows: number;
  rounds: number;
  /** The benchmark script's transitions (a term's external events), to a convention and as no-ops. */
  transitions: number;
  conventionEvents: number;
  bareEvents: number;
  /** The history as the server sends it (protobuf), per workflow. */
  protobufBytes: { convention: number; bare: number };
  /** What PostgreSQL's history_node table grew by, per workflow (production only). */
  storedBytes: { convention: number; bare: number } | null;
  /** Fetching a whole history (what a worker without it in cache asks first), per event. */
  fetchUsPerEvent: { convention: Spread; bare: Spread };
  fetchRatioPerEvent: Spread;
  /** Replaying it, marginal cost per event. */
  replayUsPerEvent: { convention: Spread; bare: Spread };
  replayRatioPerEvent: Spread;
}

/**
 * 4b. History as the server records it: the benchmark script's transitions sent to conventions
 * and, as no-op updates, to bare workflows on the same server; then the events recorded, the
 * bytes the server sends (and, on PostgreSQL, stores), the time to fetch a whole history and to
 * replay it, per event, convention against bare, within each round.
 */
export async function runRecordedHistory(
  stack: DevStack,
  bundles: Bundles,
  options: RecordedOptions,
  log: (line: string) => void,
): Promise<RecordedResult> {
  const today = todayInNord();
  const script = conventionScript(today);
  const steps = [...script.activation, ...script.inForce];
  const storedBytes = async (): Promise<number | null> => {
    if (stack.kind !== 'production') return null;
    const rows = await (stack as ProductionStack).temporal.postgresql.query<{ bytes: string }>(
      'temporal',
      'SELECT coalesce(sum(octet_length(data)), 0)::bigint AS bytes FROM history_node',
    );
    return Number(rows[0]!.bytes);
  };
  const events = { convention: [] as number[], bare: [] as number[] };
  const protobuf = { convention: [] as number[], bare: [] as number[] };
  const stored = { convention: [] as number[], bare: [] as number[] };
  const fetchUs = { convention: [] as number[], bare: [] as number[] };
  const replayUs = { convention: [] as number[], bare: [] as number[] };
  const fetchRatios: number[] = [];
  const replayRatios: number[] = [];
  let serial = 0;
  for (let r = 0; r < options.rounds; r++) {
    const histories: Partial<Record<'convention' | 'bare', History[]>> = {};
    const perEventFetch: Record<string, number> = {};
    const perEventReplay: Record<string, number> = {};
    for (const arm of rotated(['convention', 'bare'] as const, r)) {
      const before = await storedBytes();
      let ids: string[];
      if (arm === 'convention') {
        ids = await pool(
          Array.from({ length: options.workflows }, (_, i) => i),
          8,
          async (i) =>
            (
              await stack.conventions.create(
                benchCreate(`bench-hist-${r}-${++serial}-${i}`, today),
                BENCH_ACTOR,
              )
            ).conventionId,
        );
        await pool(ids, options.workflows, async (id) => {
          for (let i = 0; i < steps.length; i++)
            await stack.conventions.send(id, requestOf(steps[i]!, 'hist', i));
        });
      } else {
        const handles = await pool(
          Array.from({ length: options.workflows }, (_, i) => i),
          8,
          (i) =>
            stack.client.workflow.start(BARE_WORKFLOW_TYPE, {
              taskQueue: stack.bareQueue,
              workflowId: `bare-hist-${r}-${++serial}-${i}`,
              args: [],
            }),
        );
        await pool(handles, options.workflows, async (h) => {
          for (let i = 0; i < steps.length; i++)
            await h.executeUpdate(noopUpdate, { args: [requestOf(steps[i]!, 'hist', i)] });
        });
        ids = handles.map((h) => h.workflowId);
      }
      const after = await storedBytes();
      if (before !== null && after !== null) stored[arm].push((after - before) / ids.length);
      const fetched: History[] = [];
      let fetchMs = 0;
      let fetchedEvents = 0;
      for (let f = 0; f < options.fetches; f++)
        for (const id of ids) {
          const t0 = performance.now();
          const history = await stack.client.workflow.getHandle(id).fetchHistory();
          fetchMs += performance.now() - t0;
          fetchedEvents += history.events?.length ?? 0;
          if (f === 0) fetched.push(history);
        }
      histories[arm] = fetched;
      perEventFetch[arm] = (fetchMs * 1000) / fetchedEvents;
      fetchUs[arm].push(perEventFetch[arm]);
      const count = Math.round(median(fetched.map((h) => h.events?.length ?? 0)));
      events[arm].push(count);
      protobuf[arm].push(
        median(fetched.map((h) => temporal.api.history.v1.History.encode(h).finish().length)),
      );
      const bundle = arm === 'convention' ? bundles.convention : bundles.bare;
      const one = await timeReplay(bundle, fetched[0]!, 1);
      const many = await timeReplay(bundle, fetched[0]!, options.copies);
      perEventReplay[arm] = (((many - one) / (options.copies - 1)) * 1000) / count;
      replayUs[arm].push(perEventReplay[arm]);
      await pool(ids, 8, (id) => stack.client.workflow.getHandle(id).terminate('benchmark round over'));
    }
    fetchRatios.push(perEventFetch.convention! / perEventFetch.bare!);
    replayRatios.push(perEventReplay.convention! / perEventReplay.bare!);
    log(
      `  round ${r + 1}/${options.rounds}: fetch ${perEventFetch.convention!.toFixed(1)} against ${perEventFetch.bare!.toFixed(1)} µs per event, replay ${perEventReplay.convention!.toFixed(1)} against ${perEventReplay.bare!.toFixed(1)}`,
    );
  }
  return {
    server: stack.kind,
    workflows: options.workflows,
    rounds: options.rounds,
    transitions: steps.length,
    conventionEvents: Math.round(median(events.convention)),
    bareEvents: Math.round(median(events.bare)),
    protobufBytes: {
      convention: Math.round(median(protobuf.convention)),
      bare: Math.round(median(protobuf.bare)),
    },
    storedBytes:
      stored.convention.length > 0
        ? { convention: Math.round(median(stored.convention)), bare: Math.round(median(stored.bare)) }
        : null,
    fetchUsPerEvent: armSpreads(fetchUs, 1),
    fetchRatioPerEvent: roundSpread(spread(fetchRatios), 2),
    replayUsPerEvent: armSpreads(replayUs, 1),
    replayRatioPerEvent: roundSpread(spread(replayRatios), 2),
  };
}
