import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { RESULTS_DIR, ROOT, WORK_DIR } from './support/paths';
import { machineInfo } from './support/proc';
import { writeResults } from './support/report';
import { buildBundles } from './support/servers';
import { startDevStack, type DevStack } from './support/dev-stack';
import { startProductionStack } from './support/production-stack';
import { temporalServerInstall } from '../scripts/temporal-server-install';
import { runLatency, runThroughput } from './suites/transitions';
import { runMemory } from './suites/memory';
import { runFleet } from './suites/fleet';
import { runRecordedHistory, runReplay } from './suites/history';
import { runReports } from './suites/reports';

/**
 * `npm run bench [-- --server dev|production] [-- --quick] [-- --only throughput,latency,memory,history,fleet,reports] [-- --fleet N] [-- --shard N] [-- --reports N]`
 *
 * Measures what a convention costs against a bare Temporal workflow on the same stack, in the same
 * run. A full run (every suite, default sizes) writes bench/results/ (bench/results/production/
 * with --server production); any other run writes .cache/bench/results/, so that the committed
 * figures are always those of a full run.
 */

const SUITES = ['throughput', 'latency', 'memory', 'history', 'fleet', 'reports'] as const;
/** On the production server: what depends on the server (memory is the worker's; the fleet needs time skipping). */
const PRODUCTION_SUITES = ['throughput', 'latency', 'history'] as const;

const USAGE = `usage: npm run bench -- [--server dev|production] [--quick] [--only ${SUITES.join(',')}] [--fleet N] [--shard N] [--reports N]
  --server  dev (default): the dev server on SQLite, as npm start runs it; production: the Temporal
            server on PostgreSQL with mutual TLS, as docker-compose.yml runs it (${PRODUCTION_SUITES.join(', ')})
  --quick   small sizes (about two minutes): a smoke test of every suite, not figures to quote
  --only    run some suites (the history of a term comes from a fleet of one unless the fleet runs)
  --fleet   conventions in the fleet simulation (default 500, quick 4)
  --shard   conventions per test server (and worker) in the fleet simulation (default 100)
  --reports conventions behind the national reports (default 500, quick 20)`;

function versions(): Record<string, string> {
  const manifest = JSON.parse(
    fs.readFileSync(path.join(ROOT, '.cache', 'temporal', 'manifest.json'), 'utf8'),
  );
  const sdk = JSON.parse(
    fs.readFileSync(path.join(ROOT, 'node_modules', '@temporalio', 'worker', 'package.json'), 'utf8'),
  );
  return {
    cli: manifest.cli?.versionOutput ?? manifest.cli?.version ?? 'unknown',
    testServer: manifest.testServer?.version ?? 'unknown',
    sdk: sdk.version,
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      fleet: { type: 'string' },
      shard: { type: 'string' },
      reports: { type: 'string' },
      server: { type: 'string', default: 'dev' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const quick = values.quick === true;
  const server = values.server;
  if (server !== 'dev' && server !== 'production') throw new Error(`--server: dev or production\n${USAGE}`);
  const available: readonly string[] = server === 'production' ? PRODUCTION_SUITES : SUITES;
  const only = new Set<string>(values.only ? values.only.split(',').map((s) => s.trim()) : available);
  for (const name of only)
    if (!available.includes(name))
      throw new Error(
        `suite "${name}" unknown${server === 'production' ? ' on the production server' : ''}\n${USAGE}`,
      );
  const fleetSize = Number(values.fleet ?? (quick ? 4 : 500));
  if (!Number.isInteger(fleetSize) || fleetSize < 1) throw new Error(`--fleet: a positive integer\n${USAGE}`);
  const shardSize = Number(values.shard ?? 100);
  if (!Number.isInteger(shardSize) || shardSize < 1) throw new Error(`--shard: a positive integer\n${USAGE}`);
  const reportsSize = Number(values.reports ?? (quick ? 20 : 500));
  if (!Number.isInteger(reportsSize) || reportsSize < 1)
    throw new Error(`--reports: a positive integer\n${USAGE}`);
  const full =
    !quick &&
    !values.only &&
    values.fleet === undefined &&
    values.shard === undefined &&
    values.reports === undefined;

  const started = Date.now();
  const log = (line: string) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${line}`);
  const results: Record<string, unknown> = {
    startedAt: new Date(started).toISOString(),
    mode: quick ? 'quick' : full ? 'full' : 'partial',
    server,
    machine: machineInfo(),
    versions: versions(),
  };

  log('bundling the convention and bare workflows');
  const bundles = await buildBundles();
  const recordedHistory = async (stack: DevStack) => {
    log('4b. history as the server records it');
    return runRecordedHistory(
      stack,
      bundles,
      { workflows: quick ? 2 : 4, rounds: quick ? 1 : 3, fetches: quick ? 2 : 5, copies: quick ? 4 : 24 },
      log,
    );
  };

  /** The suites both servers run alike. */
  const transitionsAndLatency = async (stack: DevStack) => {
    if (only.has('throughput')) {
      log('1. transition throughput');
      results.throughput = await runThroughput(
        stack,
        { rounds: quick ? 1 : 4, concurrency: quick ? 4 : 12 },
        log,
      );
    }
    if (only.has('latency')) {
      log('2. API overhead');
      results.latency = await runLatency(stack, { rounds: quick ? 1 : 6 }, log);
    }
  };

  if (server === 'production') {
    log('production server: PostgreSQL, the Temporal server on it with mutual TLS, worker and API processes');
    const stack = await startProductionStack(bundles);
    const install = temporalServerInstall();
    results.versions = {
      ...(results.versions as object),
      server: `Temporal Server ${install.versions.server} (built from the Go module proxy)`,
      postgresql: (
        await stack.temporal.postgresql.query<{ v: string }>(
          'postgres',
          "SELECT current_setting('server_version') AS v",
        )
      )[0]!.v,
    };
    try {
      await transitionsAndLatency(stack);
      if (only.has('history')) results.history = { recorded: await recordedHistory(stack) };
    } finally {
      await stack.teardown();
    }
  }

  if (
    server === 'dev' &&
    (only.has('throughput') || only.has('latency') || only.has('memory') || only.has('history'))
  ) {
    log('embedded stack: Temporal dev server (SQLite), worker process, API process');
    const stack = await startDevStack(bundles);
    try {
      await transitionsAndLatency(stack);
      if (only.has('memory')) {
        log('3. worker memory');
        results.memory = await runMemory(
          stack,
          bundles,
          { count: quick ? 30 : 1000, repetitions: 1, settleMs: quick ? 500 : 3000 },
          log,
        );
      }
      if (only.has('history')) results.recordedHistory = await recordedHistory(stack);
    } finally {
      await stack.teardown();
    }
  }

  if (server === 'dev' && (only.has('fleet') || only.has('history'))) {
    const size = only.has('fleet') ? fleetSize : 1;
    log(`5. fleet simulation: ${size} convention(s) through a three-year term`);
    const fleet = await runFleet(bundles, { conventions: size, concurrency: 64, shardSize }, log);
    if (only.has('fleet')) results.fleet = fleet.result;
    if (only.has('history')) {
      log('4. history and replay');
      const replay = await runReplay(
        bundles,
        fleet.sampleHistory,
        { repetitions: quick ? 1 : 5, copies: quick ? 3 : 8 },
        log,
      );
      results.history = { ...fleet.result.history, replay, recorded: results.recordedHistory };
      delete results.recordedHistory;
    }
  }

  if (only.has('reports')) {
    log(`6. national reports over ${reportsSize} conventions`);
    results.reports = await runReports(
      bundles,
      { conventions: reportsSize, samples: quick ? 5 : 30, concurrency: 8 },
      log,
    );
  }

  results.wallSeconds = Math.round((Date.now() - started) / 1000);
  const base = full ? RESULTS_DIR : path.join(WORK_DIR, 'results');
  const dir = server === 'production' ? path.join(base, 'production') : base;
  const written = writeResults(dir, results);
  log(
    `done in ${(Number(results.wallSeconds) / 60).toFixed(1)} min: ${written.map((f) => path.relative(ROOT, f)).join(', ')}`,
  );
  console.log(fs.readFileSync(path.join(dir, 'results.md'), 'utf8'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
