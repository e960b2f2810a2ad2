import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import { testServerExecutable } from '../../scripts/temporal-binaries';
import { createConventionWorker } from '../../worker/worker';
import { ConventionsClient } from '../../client/conventions';
import { SEARCH_ATTRIBUTE_KEYS } from '../../domain/temporal-contract';
import { SmtpSink } from './smtp-sink';
import { WORKFLOW_BUNDLE_PATH } from './bundle-path';

let runtimeInstalled = false;

/** Quiet worker logs in tests unless TEST_LOG is set. */
export function installTestRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger(process.env.TEST_LOG ? 'INFO' : 'WARN') });
}

export interface TimeSkippingHarness {
  env: TestWorkflowEnvironment;
  sink: SmtpSink;
  conventions: ConventionsClient;
  taskQueue: string;
  dataDir: string;
  /** Runs `fn` with a worker polling the task queue. */
  withWorker<T>(fn: (worker: Worker) => Promise<T>): Promise<T>;
  teardown(): Promise<void>;
}

let queueCounter = 0;

async function registerSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      SEARCH_ATTRIBUTE_KEYS.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!]),
    ),
  });
}

export async function startTimeSkipping(): Promise<TimeSkippingHarness> {
  installTestRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: testServerExecutable() },
  });
  await registerSearchAttributes(env);
  const sink = await new SmtpSink().start();
  const taskQueue = `test-${process.pid}-${++queueCounter}-${Date.now()}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iscg-test-'));
  const conventions = new ConventionsClient(env.client, taskQueue, { aniscgEmail: 'aniscg@aniscg.example' });
  const running = new Set<Worker>();
  return {
    env,
    sink,
    conventions,
    taskQueue,
    dataDir,
    async withWorker(fn) {
      const { worker, close } = await createConventionWorker({
        connection: env.nativeConnection,
        namespace: env.namespace ?? 'default',
        taskQueue,
        workflowBundlePath: WORKFLOW_BUNDLE_PATH,
        mail: {
          smtpUrl: sink.url,
          outboxDir: path.join(dataDir, 'outbox'),
          journalDir: path.join(dataDir, 'journal'),
          from: 'ISCG <no-reply@iscg.test>',
          messageIdDomain: 'iscg.test',
          publicUrl: null,
        },
        webhooks: { allowPrivateDestinations: true, timeoutMs: 5_000 },
      });
      running.add(worker);
      try {
        return await worker.runUntil(fn(worker));
      } finally {
        running.delete(worker);
        close();
      }
    },
    async teardown() {
      // A test that timed out leaves its worker polling: stop it, or jest never exits.
      for (const worker of running) if (worker.getState() === 'RUNNING') worker.shutdown();
      await sink.stop();
      await env.teardown();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
