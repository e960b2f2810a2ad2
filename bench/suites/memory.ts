import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConventionRuntime } from '../../domain/runtime/convention-runtime';
import { CONVENTION_WORKFLOW_TYPE, type ConventionWorkflowInput } from '../../domain/temporal-contract';
import { ConventionsClient } from '../../client/conventions';
import type { WorkerProcessStatus } from '../processes/worker';
import { BenchChild } from '../support/child';
import { workerConfig } from '../support/dev-stack';
import { WORKER_PROCESS } from '../support/paths';
import { BENCH_ACTOR, benchCreate, carriedInForce, todayInNord } from '../support/plan';
import { collectGarbage, procMemory } from '../support/proc';
import type { DevStack } from '../support/dev-stack';
import type { Bundles } from '../support/servers';
import { median, pool, rotated, round, roundSpread, sleep, spread, type Spread } from '../support/stats';
import { BARE_WORKFLOW_TYPE, countQuery } from '../workflows/bare-contract';

/**
 * 3. Worker memory: resident memory per workflow held in the sticky cache. Each population runs in
 * a fresh worker process: warmed up (a few workflows run), measured idle, then loaded
 * with `count` workflows and measured again; the difference divided by `count`.
 *
 * `bareHoldingState` is the bare workflow started with a convention in force's carried state,
 * which it keeps and does nothing with: against `conventionInForce`, it tells the convention's own
 * state apart from what running it adds (the machine, the plans, the SDK's structures).
 */
const POPULATIONS = ['bare', 'bareHoldingState', 'conventionDrafting', 'conventionInForce'] as const;
type Population = (typeof POPULATIONS)[number];
const perPopulation = <T>(of: (population: Population) => T) =>
  Object.fromEntries(POPULATIONS.map((population) => [population, of(population)])) as Record<Population, T>;

export interface MemoryOptions {
  count: number;
  repetitions: number;
  /** How long the process is left to settle before each reading. */
  settleMs: number;
}

export interface MemoryResult {
  count: number;
  repetitions: number;
  /** Just started, nothing run yet. */
  coldRssMiB: Record<Population, Spread>;
  /** Warmed up: a few workflows run (and still cached); the reference the loaded reading is taken against. */
  idleRssMiB: Record<Population, Spread>;
  loadedRssMiB: Record<Population, Spread>;
  /** KiB of resident memory per cached workflow. */
  perWorkflowKiB: Record<Population, Spread>;
  /** The heavier convention population per bare workflow (NaN where the bare figure is not above zero). */
  ratioToBare: Spread;
  /**
   * KiB of heap per convention in force held in plain Node, without Temporal: its carried state
   * parsed, then a runtime resumed from it that has planned its reminders once.
   */
  domainHeapKiB: { carriedState: number; runtime: number };
  target: { perConventionMiB: number; holds: boolean };
}

const WARM_UP = 20;

/** Heap per object `make` builds, `count` of them held at once, after full collections. */
function heapPerObjectKiB(make: (i: number) => unknown, count: number): number {
  const heapUsed = () => {
    collectGarbage();
    return process.memoryUsage().heapUsed;
  };
  // A few first, so that what is built once (compiled code, shared memos) is not counted.
  const held = Array.from({ length: 20 }, (_, i) => make(-1 - i));
  const before = heapUsed();
  for (let i = 0; i < count; i++) held.push(make(i));
  const after = heapUsed();
  held.length = 0;
  return (after - before) / count / 1024;
}

/** Resident memory, median of several readings once the process has settled. */
async function settledRssKb(pid: number, settleMs: number): Promise<number> {
  await sleep(settleMs);
  const readings: number[] = [];
  for (let i = 0; i < 5; i++) {
    readings.push(procMemory(pid)!.rssKb);
    await sleep(400);
  }
  return median(readings);
}

async function waitCached(child: BenchChild, name: string, count: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const status = await child.request<WorkerProcessStatus>('status');
    if ((status.cached[name] ?? 0) === count) return;
    if (Date.now() > deadline)
      throw new Error(`worker holds ${status.cached[name]} ${name} workflows, ${count} expected`);
    await sleep(250);
  }
}

export async function runMemory(
  server: Pick<DevStack, 'client' | 'address' | 'namespace'>,
  bundles: Bundles,
  options: MemoryOptions,
  log: (line: string) => void,
): Promise<MemoryResult> {
  const client = server.client;
  const today = todayInNord();
  const inForce = carriedInForce(today);

  const cold = perPopulation<number[]>(() => []);
  const idle = perPopulation<number[]>(() => []);
  const loaded = perPopulation<number[]>(() => []);
  const per = perPopulation<number[]>(() => []);
  let serial = 0;

  for (let rep = 0; rep < options.repetitions; rep++)
    for (const population of rotated<Population>([...POPULATIONS], rep)) {
      const queue = `bench-memory-${++serial}`;
      const isBare = population === 'bare' || population === 'bareHoldingState';
      const mailDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iscg-bench-mail-'));
      const { child } = await BenchChild.start(
        'memory worker',
        WORKER_PROCESS,
        workerConfig(server, bundles, isBare ? { bareQueue: queue } : { conventionQueue: queue }, {
          smtpUrl: null,
          dir: mailDir,
        }),
      );
      const name = isBare ? 'bare' : 'convention';
      const conventions = new ConventionsClient(client, queue);
      const start = async (i: number, label: string): Promise<string> => {
        if (isBare) {
          const handle = await client.workflow.start(BARE_WORKFLOW_TYPE, {
            taskQueue: queue,
            workflowId: `bare-mem-${serial}-${label}-${i}`,
            args: population === 'bareHoldingState' ? [inForce(`bare-mem-${serial}-${label}-${i}`)] : [],
          });
          await handle.query(countQuery);
          return handle.workflowId;
        }
        const slug = `bench-mem-${serial}-${label}-${i}`;
        if (population === 'conventionDrafting')
          return (await conventions.create(benchCreate(slug, today), BENCH_ACTOR)).conventionId;
        const workflowId = `convention-59-${slug}`;
        const input: ConventionWorkflowInput = { carried: inForce(slug) };
        const handle = await client.workflow.start(CONVENTION_WORKFLOW_TYPE, {
          taskQueue: queue,
          workflowId,
          args: [input],
        });
        await conventions.get(handle.workflowId);
        return workflowId;
      };
      try {
        const coldKb = await settledRssKb(child.pid, options.settleMs);
        // Warm-up: code paths compiled, templates loaded. These few stay cached (a terminated
        // workflow is not evicted), so the loaded reading below holds exactly `count` more.
        await pool(
          Array.from({ length: WARM_UP }, (_, i) => i),
          8,
          (i) => start(i, 'warm'),
        );
        await waitCached(child, name, WARM_UP);
        const idleKb = await settledRssKb(child.pid, options.settleMs);
        await pool(
          Array.from({ length: options.count }, (_, i) => i),
          16,
          (i) => start(i, 'held'),
        );
        await waitCached(child, name, WARM_UP + options.count);
        const loadedKb = await settledRssKb(child.pid, options.settleMs);
        cold[population].push(coldKb / 1024);
        idle[population].push(idleKb / 1024);
        loaded[population].push(loadedKb / 1024);
        per[population].push((loadedKb - idleKb) / options.count);
        log(
          `  ${population}: cold ${(coldKb / 1024).toFixed(0)} MiB, idle ${(idleKb / 1024).toFixed(0)} MiB, ${options.count} cached ${(loadedKb / 1024).toFixed(0)} MiB, ${((loadedKb - idleKb) / options.count).toFixed(0)} KiB each`,
        );
      } finally {
        // The held workflows stay open on this run's throw-away server; stopping the worker is enough.
        await child.stop();
        fs.rmSync(mailDir, { recursive: true, force: true });
      }
    }

  const carried = (i: number) => inForce(`heap-${i}`);
  const domainHeapKiB = {
    carriedState: round(heapPerObjectKiB(carried, options.count), 1),
    runtime: round(
      heapPerObjectKiB((i) => {
        const runtime = ConventionRuntime.resume(carried(i));
        return [runtime, runtime.due(Date.now()).plan];
      }, options.count),
      1,
    ),
  };
  log(
    `  in plain Node: carried state ${domainHeapKiB.carriedState} KiB, runtime ${domainHeapKiB.runtime} KiB each`,
  );

  const worst = Math.max(median(per.conventionDrafting), median(per.conventionInForce));
  const heavier =
    median(per.conventionDrafting) >= median(per.conventionInForce)
      ? 'conventionDrafting'
      : 'conventionInForce';
  // Bare workflows weigh so little that a small sample can read below zero: no ratio then.
  const ratios = per[heavier].map((v, i) => (per.bare[i]! > 0 ? v / per.bare[i]! : Number.NaN));
  const mib = (values: number[]) => roundSpread(spread(values), 1);
  return {
    count: options.count,
    repetitions: options.repetitions,
    coldRssMiB: perPopulation((p) => mib(cold[p])),
    idleRssMiB: perPopulation((p) => mib(idle[p])),
    loadedRssMiB: perPopulation((p) => mib(loaded[p])),
    perWorkflowKiB: perPopulation((p) => roundSpread(spread(per[p]), 0)),
    ratioToBare: roundSpread(spread(ratios), 2),
    domainHeapKiB,
    target: { perConventionMiB: 1, holds: round(worst / 1024, 3) <= 1 },
  };
}
