import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Client } from '@temporalio/client';
import type { WorkerOptions } from '@temporalio/worker';
import { generateToken, hashToken } from '../../client/auth/keys';
import { ConventionsClient } from '../../client/conventions';
import type { ApiProcessConfig } from '../processes/api';
import type { WorkerProcessConfig } from '../processes/worker';
import type { ChildTls } from './child';
import { BenchChild } from './child';
import { API_PROCESS, MAIL_TEMPLATES, WORKER_PROCESS } from './paths';
import { BENCH_KEY_ID } from './plan';
import { startDevServer, type Bundles } from './servers';

/**
 * The stack a benchmark drives: a Temporal server, a worker process and an API process. The
 * worker also runs the bare baseline on its own task queue, with the same settings, so both are
 * measured on the same server by the same process. Two servers: the embedded stack's dev server
 * (SQLite file, as `npm start` runs it; here), and the production server on PostgreSQL with mutual
 * TLS (production-stack.ts).
 */
export interface DevStack {
  kind: 'dev' | 'production';
  /** The benchmark's own client of the server. */
  client: Client;
  /** The processes whose CPU counts, by name: the server (and its database), the worker, the API. */
  processes(): Record<string, number | number[]>;
  address: string;
  namespace: string;
  conventions: ConventionsClient;
  conventionQueue: string;
  bareQueue: string;
  worker: BenchChild;
  api: BenchChild;
  apiUrl: string;
  token: string;
  mailDir: string;
  teardown(): Promise<void>;
}

/** What every worker of these benchmarks shares: a sticky cache large enough to never evict. */
export const WORKER_SETTINGS: Partial<WorkerOptions> = { maxCachedWorkflows: 2000 };

export function workerConfig(
  server: { address: string; namespace: string; tls?: ChildTls },
  bundles: Bundles,
  queues: { conventionQueue?: string; bareQueue?: string },
  mail: { smtpUrl: string | null; dir: string },
  settings: Partial<WorkerOptions> = WORKER_SETTINGS,
): WorkerProcessConfig {
  return {
    address: server.address,
    namespace: server.namespace,
    ...(server.tls ? { tls: server.tls } : {}),
    ...queues,
    conventionBundle: bundles.convention,
    bareBundle: bundles.bare,
    mail: { ...mail, templatesDir: MAIL_TEMPLATES },
    settings,
  };
}

/** The benchmark's worker and API processes, their queues, key and mail folder. */
type Processes = Pick<
  DevStack,
  'conventionQueue' | 'bareQueue' | 'worker' | 'api' | 'apiUrl' | 'token' | 'mailDir'
>;

/**
 * Starts the worker and API processes on a server; `tls` gives each its own certificate where the
 * server asks for one. `stop` stops them and removes the mail folder.
 */
export async function startProcesses(
  server: { address: string; namespace: string },
  bundles: Bundles,
  tls?: (name: 'worker' | 'api') => ChildTls,
): Promise<Processes & { stop: () => Promise<void> }> {
  const conventionQueue = 'bench-conventions';
  const bareQueue = 'bench-bare';
  const mailDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iscg-bench-mail-'));
  const { child: worker } = await BenchChild.start(
    'worker',
    WORKER_PROCESS,
    workerConfig(
      { ...server, tls: tls?.('worker') },
      bundles,
      { conventionQueue, bareQueue },
      { smtpUrl: null, dir: mailDir },
    ),
  );
  const token = generateToken();
  const apiConfig: ApiProcessConfig = {
    address: server.address,
    namespace: server.namespace,
    ...(tls ? { tls: tls('api') } : {}),
    taskQueue: conventionQueue,
    keys: [
      {
        id: BENCH_KEY_ID,
        hash: hashToken(token),
        actsAs: { kind: 'operator' },
        // A partner replaying its backlog: far above any rate the machine reaches, so never limited.
        rateLimit: { max: 100_000, perSeconds: 1 },
      },
    ],
  };
  const { child: api, ready } = await BenchChild.start<{ port: number }>('api', API_PROCESS, apiConfig);
  return {
    conventionQueue,
    bareQueue,
    worker,
    api,
    apiUrl: `http://127.0.0.1:${ready.port}`,
    token,
    mailDir,
    stop: async () => {
      await api.stop();
      await worker.stop();
      fs.rmSync(mailDir, { recursive: true, force: true });
    },
  };
}

export async function startDevStack(bundles: Bundles): Promise<DevStack> {
  const server = await startDevServer();
  const { stop, ...processes } = await startProcesses(server, bundles);
  return {
    kind: 'dev',
    client: server.env.client,
    processes: () => ({ server: server.pid, worker: processes.worker.pid, api: processes.api.pid }),
    address: server.address,
    namespace: server.namespace,
    conventions: new ConventionsClient(server.env.client, processes.conventionQueue),
    ...processes,
    async teardown() {
      await stop();
      await server.teardown();
    },
  };
}
