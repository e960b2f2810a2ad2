import type { WorkflowHandle } from '@temporalio/client';
import type { DevStack } from '../support/dev-stack';
import { CpuMeter } from '../support/proc';
import { driveOverHttp } from '../support/http-load';
import {
  BENCH_ACTOR,
  benchCreate,
  conventionScript,
  requestOf,
  todayInNord,
  type Step,
} from '../support/plan';
import {
  median,
  pool,
  quantile,
  rotated,
  round,
  roundSpread,
  sleep,
  spread,
  type Spread,
} from '../support/stats';
import { BARE_WORKFLOW_TYPE, countQuery, noopUpdate } from '../workflows/bare-contract';

/**
 * 1. Transition throughput and 2. API overhead, on the embedded stack (dev server, worker and API
 * processes). Each round runs every arm once, in a rotated order; figures are medians over rounds,
 * and each ratio is taken within a round, so that the machine's other load weighs on both sides.
 */

type Arm = 'bare' | 'conventionHttp' | 'conventionDirect';

export interface ThroughputOptions {
  rounds: number;
  /** Conventions (and bare workflows) driven at once, one transition in flight each. */
  concurrency: number;
}

export interface ThroughputResult {
  rounds: number;
  concurrency: number;
  transitionsPerWorkflow: number;
  transitionsPerArm: number;
  perSecond: Record<Arm, Spread>;
  /** Conventions over HTTP / bare workflow over the Temporal client. Target: at least 0.8. */
  ratioHttpToBare: Spread;
  /** Conventions over the Temporal client / bare workflow: the workflow's own cost. */
  ratioDirectToBare: Spread;
  /** Conventions over HTTP / over the Temporal client: the API's cost under load. */
  ratioHttpToDirect: Spread;
  /**
   * CPU milliseconds per transition, per process (server, worker, API, driver), median over rounds:
   * where the machine's time goes, and a figure the other load on the machine hardly moves.
   */
  cpuMsPerTransition: Record<Arm, Record<string, number>>;
  /**
   * Bare CPU per transition (all processes) / the conventions' own, per round: the throughput
   * ratio of a machine whose cores this stack alone saturates.
   */
  capacityRatioHttpToBare: Spread;
  capacityRatioDirectToBare: Spread;
  eventMix: Record<string, number>;
  target: { ratioHttpToBare: number; holds: boolean };
}

let serial = 0;

async function startBare(stack: DevStack, count: number, label: string): Promise<WorkflowHandle[]> {
  const client = stack.client;
  const handles = await pool(
    Array.from({ length: count }, (_, i) => i),
    16,
    (i) =>
      client.workflow.start(BARE_WORKFLOW_TYPE, {
        taskQueue: stack.bareQueue,
        workflowId: `bare-${label}-${++serial}-${i}`,
        args: [],
      }),
  );
  // The first workflow task has run: each workflow is in the worker's cache, as a created convention is.
  await pool(handles, 16, (h) => h.query(countQuery));
  return handles;
}

async function createConventions(stack: DevStack, count: number, label: string, today: string) {
  const run = ++serial;
  return pool(
    Array.from({ length: count }, (_, i) => i),
    16,
    async (i) =>
      (await stack.conventions.create(benchCreate(`bench-${label}-${run}-${i}`, today), BENCH_ACTOR))
        .conventionId,
  );
}

async function terminateAll(stack: DevStack, ids: string[]): Promise<void> {
  const client = stack.client;
  await pool(ids, 16, (id) => client.workflow.getHandle(id).terminate('benchmark round over'));
}

/** Sends each workflow its script, one update in flight per workflow. */
async function driveDirect(
  ids: string[],
  steps: Step[],
  send: (id: string, step: Step, index: number) => Promise<unknown>,
): Promise<{ elapsedMs: number; latenciesMs: number[] }> {
  const latenciesMs: number[] = [];
  const started = performance.now();
  await Promise.all(
    ids.map(async (id) => {
      for (let i = 0; i < steps.length; i++) {
        const t0 = performance.now();
        await send(id, steps[i]!, i);
        latenciesMs.push(performance.now() - t0);
      }
    }),
  );
  return { elapsedMs: performance.now() - started, latenciesMs };
}

async function checkInForce(stack: DevStack, ids: string[], payments: number): Promise<void> {
  await pool(ids, 8, async (id) => {
    const state = await stack.conventions.get(id);
    const paid = state.ledger.filter((l) => l.status === 'paid').length;
    if (state.phase !== 'active' || paid !== payments)
      throw new Error(`${id}: phase ${state.phase}, ${paid}/${payments} paid after the script`);
  });
}

export async function runThroughput(
  stack: DevStack,
  options: ThroughputOptions,
  log: (line: string) => void,
): Promise<ThroughputResult> {
  const today = todayInNord();
  const script = conventionScript(today);
  const steps = [...script.activation, ...script.inForce];
  const payments = script.inForce.filter((s) => s.type === 'RECORD_PAYMENT').length;
  const perArm: Record<Arm, number[]> = { bare: [], conventionHttp: [], conventionDirect: [] };
  const ratios = { httpToBare: [] as number[], directToBare: [] as number[], httpToDirect: [] as number[] };
  const capacity = { httpToBare: [] as number[], directToBare: [] as number[] };
  const transitions = options.concurrency * steps.length;
  const cpu: Record<Arm, Record<string, number[]>> = { bare: {}, conventionHttp: {}, conventionDirect: {} };
  const pids = { ...stack.processes(), driver: process.pid };
  const arms: Arm[] = ['bare', 'conventionHttp', 'conventionDirect'];

  for (let r = 0; r < options.rounds; r++) {
    const rate: Partial<Record<Arm, number>> = {};
    const cpuTotal: Partial<Record<Arm, number>> = {};
    for (const arm of rotated(arms, r)) {
      await sleep(1000);
      let elapsedMs: number;
      let ids: string[];
      let meter: CpuMeter;
      if (arm === 'bare') {
        const handles = await startBare(stack, options.concurrency, `t${r}`);
        ids = handles.map((h) => h.workflowId);
        meter = new CpuMeter(pids);
        ({ elapsedMs } = await driveDirect(ids, steps, (id, s, i) =>
          stack.client.workflow.getHandle(id).executeUpdate(noopUpdate, { args: [requestOf(s, 'bench', i)] }),
        ));
      } else {
        ids = await createConventions(
          stack,
          options.concurrency,
          arm === 'conventionHttp' ? 'h' : 'd',
          today,
        );
        meter = new CpuMeter(pids);
        if (arm === 'conventionHttp') {
          const result = await driveOverHttp({
            baseUrl: stack.apiUrl,
            token: stack.token,
            conventionIds: ids,
            steps,
            keyPrefix: 'bench',
          });
          if (result.non2xx > 0 || result.errors > 0 || result.requests !== transitions)
            throw new Error(
              `HTTP arm: ${result.requests}/${transitions} answered, ${result.non2xx} non-2xx ${JSON.stringify(result.statusCodes)}, ${result.errors} errors`,
            );
          elapsedMs = result.elapsedMs;
        } else {
          ({ elapsedMs } = await driveDirect(ids, steps, (id, s, i) =>
            stack.conventions.send(id, requestOf(s, 'bench', i)),
          ));
        }
      }
      const used = meter.stop();
      for (const [name, ms] of Object.entries(used)) (cpu[arm][name] ??= []).push(ms / transitions);
      cpuTotal[arm] = Object.values(used).reduce((a, b) => a + b, 0) / transitions;
      if (arm !== 'bare') await checkInForce(stack, ids, payments);
      rate[arm] = transitions / (elapsedMs / 1000);
      perArm[arm].push(rate[arm]);
      log(`  round ${r + 1}/${options.rounds} ${arm}: ${rate[arm].toFixed(1)} transitions/s`);
      await terminateAll(stack, ids);
    }
    ratios.httpToBare.push(rate.conventionHttp! / rate.bare!);
    ratios.directToBare.push(rate.conventionDirect! / rate.bare!);
    ratios.httpToDirect.push(rate.conventionHttp! / rate.conventionDirect!);
    capacity.httpToBare.push(cpuTotal.bare! / cpuTotal.conventionHttp!);
    capacity.directToBare.push(cpuTotal.bare! / cpuTotal.conventionDirect!);
  }

  const eventMix: Record<string, number> = {};
  for (const s of steps) eventMix[s.type] = (eventMix[s.type] ?? 0) + 1;
  const ratioHttpToBare = roundSpread(spread(ratios.httpToBare));
  return {
    rounds: options.rounds,
    concurrency: options.concurrency,
    transitionsPerWorkflow: steps.length,
    transitionsPerArm: transitions,
    perSecond: {
      bare: roundSpread(spread(perArm.bare), 1),
      conventionHttp: roundSpread(spread(perArm.conventionHttp), 1),
      conventionDirect: roundSpread(spread(perArm.conventionDirect), 1),
    },
    ratioHttpToBare,
    ratioDirectToBare: roundSpread(spread(ratios.directToBare)),
    ratioHttpToDirect: roundSpread(spread(ratios.httpToDirect)),
    cpuMsPerTransition: Object.fromEntries(
      Object.entries(cpu).map(([arm, byProcess]) => [
        arm,
        Object.fromEntries(
          Object.entries(byProcess).map(([name, values]) => [name, round(median(values), 2)]),
        ),
      ]),
    ) as Record<Arm, Record<string, number>>,
    capacityRatioHttpToBare: roundSpread(spread(capacity.httpToBare)),
    capacityRatioDirectToBare: roundSpread(spread(capacity.directToBare)),
    eventMix,
    target: { ratioHttpToBare: 0.8, holds: ratioHttpToBare.median >= 0.8 },
  };
}

export interface LatencyOptions {
  rounds: number;
}

export interface LatencyResult {
  rounds: number;
  samplesPerArm: number;
  /** Milliseconds, over every sample of the run. */
  apiMs: { p50: number; p90: number; p99: number };
  directMs: { p50: number; p90: number; p99: number };
  bareDirectMs: { p50: number; p90: number; p99: number };
  /** Per round: API p50 / direct p50 (and p99), so each ratio compares like with like. */
  ratioP50: Spread;
  ratioP99: Spread;
  /** Direct convention update p50 / direct bare update p50: what the workflow adds. */
  ratioConventionToBareP50: Spread;
  target: { ratioP50: number; holds: boolean };
}

const percentiles = (values: number[]) => ({
  p50: round(quantile(values, 0.5), 2),
  p90: round(quantile(values, 0.9), 2),
  p99: round(quantile(values, 0.99), 2),
});

/**
 * One transition at a time (no load): the in-force steps of a convention (payments, report,
 * committee) through the API, the same requests with the Temporal client, and as no-op updates
 * to a bare workflow. One fresh workflow per arm and round.
 */
export async function runLatency(
  stack: DevStack,
  options: LatencyOptions,
  log: (line: string) => void,
): Promise<LatencyResult> {
  const today = todayInNord();
  const script = conventionScript(today);
  const steps = script.inForce;
  const prepare = async (count: number, label: string) => {
    const ids = await createConventions(stack, count, label, today);
    await driveDirect(ids, script.activation, (id, s, i) =>
      stack.conventions.send(id, requestOf(s, 'prep', i)),
    );
    return ids;
  };
  const httpIds = await prepare(options.rounds, 'lh');
  const directIds = await prepare(options.rounds, 'ld');
  const bareIds = (await startBare(stack, options.rounds, 'l')).map((h) => h.workflowId);

  const samples = { api: [] as number[], direct: [] as number[], bare: [] as number[] };
  const ratioP50: number[] = [];
  const ratioP99: number[] = [];
  const ratioBare: number[] = [];
  type LatencyArm = 'api' | 'direct' | 'bare';
  for (let r = 0; r < options.rounds; r++) {
    const round: Partial<Record<LatencyArm, number[]>> = {};
    for (const arm of rotated<LatencyArm>(['api', 'direct', 'bare'], r)) {
      await sleep(500);
      if (arm === 'api') {
        const result = await driveOverHttp({
          baseUrl: stack.apiUrl,
          token: stack.token,
          conventionIds: [httpIds[r]!],
          steps,
          keyPrefix: 'lat',
        });
        if (result.non2xx > 0 || result.errors > 0)
          throw new Error(`latency API arm: ${JSON.stringify(result.statusCodes)}, ${result.errors} errors`);
        round.api = result.latenciesMs;
      } else if (arm === 'direct') {
        round.direct = (
          await driveDirect([directIds[r]!], steps, (id, s, i) =>
            stack.conventions.send(id, requestOf(s, 'lat', i)),
          )
        ).latenciesMs;
      } else {
        round.bare = (
          await driveDirect([bareIds[r]!], steps, (id, s, i) =>
            stack.client.workflow.getHandle(id).executeUpdate(noopUpdate, { args: [requestOf(s, 'lat', i)] }),
          )
        ).latenciesMs;
      }
    }
    samples.api.push(...round.api!);
    samples.direct.push(...round.direct!);
    samples.bare.push(...round.bare!);
    ratioP50.push(quantile(round.api!, 0.5) / quantile(round.direct!, 0.5));
    ratioP99.push(quantile(round.api!, 0.99) / quantile(round.direct!, 0.99));
    ratioBare.push(quantile(round.direct!, 0.5) / quantile(round.bare!, 0.5));
    log(
      `  round ${r + 1}/${options.rounds}: p50 API ${quantile(round.api!, 0.5).toFixed(2)} ms, direct ${quantile(round.direct!, 0.5).toFixed(2)} ms, bare ${quantile(round.bare!, 0.5).toFixed(2)} ms`,
    );
  }
  await terminateAll(stack, [...httpIds, ...directIds, ...bareIds]);
  const ratio = roundSpread(spread(ratioP50));
  return {
    rounds: options.rounds,
    samplesPerArm: samples.api.length,
    apiMs: percentiles(samples.api),
    directMs: percentiles(samples.direct),
    bareDirectMs: percentiles(samples.bare),
    ratioP50: ratio,
    ratioP99: roundSpread(spread(ratioP99)),
    ratioConventionToBareP50: roundSpread(spread(ratioBare)),
    target: { ratioP50: 1.25, holds: ratio.median <= 1.25 },
  };
}
