import { DefaultLogger, NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { createConventionWorker } from '../../worker/worker';
import { childConfig, connectionTls, serveParent, type ChildTls } from '../support/child';

/**
 * A worker process for the benchmarks: the convention worker as worker/main.ts builds it, and/or
 * the bare baseline worker on its own task queue, both with the very same settings.
 */
export interface WorkerProcessConfig {
  address: string;
  namespace: string;
  /** The production server's mutual TLS; none on the dev server. */
  tls?: ChildTls;
  conventionQueue?: string;
  conventionBundle: string;
  bareQueue?: string;
  bareBundle: string;
  mail: { smtpUrl: string | null; dir: string; templatesDir: string };
  /** The settings both workers share (sticky cache size, for instance). */
  settings: Partial<WorkerOptions>;
}

export interface WorkerProcessStatus {
  rssBytes: number;
  heapUsedBytes: number;
  cached: Record<string, number>;
}

async function main() {
  const config = childConfig<WorkerProcessConfig>();
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    shutdownSignals: ['SIGINT', 'SIGTERM'],
  });
  const connection = await NativeConnection.connect({
    address: config.address,
    tls: connectionTls(config.tls),
  });
  const workers: Record<string, Worker> = {};
  const closers: (() => void)[] = [];
  if (config.conventionQueue) {
    const { worker, close } = await createConventionWorker({
      connection,
      namespace: config.namespace,
      taskQueue: config.conventionQueue,
      workflowBundlePath: config.conventionBundle,
      mail: {
        smtpUrl: config.mail.smtpUrl,
        outboxDir: `${config.mail.dir}/outbox`,
        journalDir: `${config.mail.dir}/journal`,
        from: 'ISCG <no-reply@iscg.bench>',
        messageIdDomain: 'iscg.bench',
        publicUrl: null,
        templatesDir: config.mail.templatesDir,
      },
      webhooks: { allowPrivateDestinations: true, timeoutMs: 5_000 },
      overrides: config.settings,
    });
    workers.convention = worker;
    closers.push(close);
  }
  if (config.bareQueue)
    workers.bare = await Worker.create({
      connection,
      namespace: config.namespace,
      taskQueue: config.bareQueue,
      workflowBundle: { codePath: config.bareBundle },
      ...config.settings,
    });

  const running = Promise.all(Object.values(workers).map((w) => w.run()));
  serveParent(
    {
      status: (): WorkerProcessStatus => {
        const memory = process.memoryUsage();
        return {
          rssBytes: memory.rss,
          heapUsedBytes: memory.heapUsed,
          cached: Object.fromEntries(
            Object.entries(workers).map(([name, w]) => [name, w.getStatus().numCachedWorkflows]),
          ),
        };
      },
    },
    { pid: process.pid },
  );
  await running;
  closers.forEach((close) => close());
  await connection.close();
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error('[bench worker]', error);
  process.exit(1);
});
