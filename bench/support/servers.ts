import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import { devServerExecutable, testServerExecutable } from '../../scripts/temporal-binaries';
import { conventionBundleOptions } from '../../worker/workflow-bundle';
import { SEARCH_ATTRIBUTE_KEYS } from '../../domain/temporal-contract';
import { childPidsRunning } from './proc';
import { BARE_WORKFLOWS, CONVENTION_WORKFLOWS, WORK_DIR } from './paths';

let runtimeInstalled = false;

export function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('WARN') });
}

export interface BenchServer {
  env: TestWorkflowEnvironment;
  /** The server process, a child of this one, for its memory. */
  pid: number;
  address: string;
  namespace: string;
  teardown(): Promise<void>;
}

/** The server process started since `before` was taken (servers start one at a time). */
function newServerPid(executable: string, before: Set<number>): number {
  const pids = childPidsRunning(process.pid, executable).filter((p) => !before.has(p));
  if (pids.length !== 1) throw new Error(`expected one new ${executable} child, found ${pids.length}`);
  return pids[0]!;
}

/**
 * The dev server `npm start` runs (the installed Temporal CLI), on a temporary SQLite file, with the
 * conventions' search attributes.
 */
export async function startDevServer(): Promise<BenchServer> {
  quietRuntime();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iscg-bench-db-'));
  const executable = devServerExecutable();
  const before = new Set(childPidsRunning(process.pid, executable.path));
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable,
      searchAttributes: SEARCH_ATTRIBUTE_KEYS,
      ui: false,
      dbFilename: path.join(dir, 'temporal.db'),
      log: { format: 'pretty', level: 'error' },
    },
  });
  return {
    env,
    pid: newServerPid(executable.path, before),
    address: env.address,
    namespace: env.namespace ?? 'default',
    async teardown() {
      await env.teardown();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The time-skipping test server, with the search attributes the convention workflow upserts. */
export async function startTimeSkippingServer(): Promise<BenchServer> {
  quietRuntime();
  const executable = testServerExecutable();
  const before = new Set(childPidsRunning(process.pid, executable.path));
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable } });
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      SEARCH_ATTRIBUTE_KEYS.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!]),
    ),
  });
  return {
    env,
    pid: newServerPid(executable.path, before),
    address: env.address,
    namespace: env.namespace ?? 'default',
    teardown: () => env.teardown(),
  };
}

export interface Bundles {
  convention: string;
  bare: string;
}

/** Bundles both workflow codes once per run from their sources, as `npm run build` does for the worker. */
export async function buildBundles(): Promise<Bundles> {
  fs.mkdirSync(WORK_DIR, { recursive: true });
  const logger = { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} };
  const out: Record<string, string> = {};
  for (const [name, workflowsPath] of [
    ['convention', CONVENTION_WORKFLOWS],
    ['bare', BARE_WORKFLOWS],
  ] as const) {
    const options = name === 'convention' ? conventionBundleOptions(workflowsPath) : { workflowsPath };
    const { code } = await bundleWorkflowCode({ ...options, logger });
    const file = path.join(WORK_DIR, `${name}-workflow-bundle.js`);
    fs.writeFileSync(file, code);
    out[name] = file;
  }
  return out as unknown as Bundles;
}
