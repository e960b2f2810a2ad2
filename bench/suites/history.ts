import { Worker } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import { startTimeSkippingServer, type Bundles } from '../support/servers';
import { rotated, roundSpread, spread, type Spread } from '../support/stats';
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
    firstReplayMs: {
      convention: roundSpread(spread(first.convention), 0),
      bare: roundSpread(spread(first.bare), 0),
    },
  };
}
