import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { generateToken, hashToken, type Grant } from '../../client/auth/keys';
import { SEARCH_ATTRIBUTE_CLI_TYPES } from '../../domain/temporal-contract';
import { resolveCliPath } from '../../scripts/temporal-binaries';
import { AesGcmPayloadCodec, generateKey, parseEncryptionKeys } from '../../security/payload-codec';
import { FaultSmtpRelay } from './faults-smtp';
import { ROOT, freePort, requireBuiltStack } from './stack';

export interface ApiCallOptions {
  /** A key's id in `tokens`, or a raw token. */
  as: string;
  body?: unknown;
  idempotencyKey?: string;
  timeoutMs?: number;
}
export type ApiAnswer = { status: number; body: any; text: string };

/** One HTTP call to a stack's API as a key would make it; the body parsed when it is JSON. */
export async function callApi(
  apiUrl: string,
  tokens: Record<string, string>,
  method: string,
  url: string,
  options: ApiCallOptions,
): Promise<ApiAnswer> {
  const headers: Record<string, string> = { authorization: `Bearer ${tokens[options.as] ?? options.as}` };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  const response = await fetch(`${apiUrl}${url}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 40_000),
  });
  const text = await response.text();
  let body: any = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: kept as text
  }
  return { status: response.status, body, text };
}

/**
 * The embedded stack taken apart, so that each piece can fail on its own: the Temporal dev server
 * on a SQLite file that outlives it, worker processes (`dist/worker/main.js`) that can be killed
 * and started again, the API process (`dist/client/api/main.js`) and an SMTP relay in the test
 * process. The same built code and flags as `npm start` (scripts/start.ts); the UI is left out.
 * Every process's output is kept, across restarts, for the checks and in `logDir`.
 */

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One named process that may be started, killed and started again; its output accumulates. */
export class ManagedProcess {
  private child: ChildProcess | null = null;
  private exited: Promise<ExitStatus> = Promise.resolve({ code: null, signal: null });
  private readonly chunks: string[] = [];
  /** Exits nobody asked for (a crash): the suite reports them. */
  readonly unexpectedExits: ExitStatus[] = [];
  private expectingExit = false;
  starts = 0;

  constructor(
    readonly name: string,
    private readonly command: string,
    private readonly args: string[],
    private readonly env: Record<string, string>,
    private readonly logFile: string | null,
    /**
     * Another account to run as (PostgreSQL refuses root), another working folder, and whether the
     * test's own environment is passed on (not to a process started as its container starts it).
     */
    private readonly spawnOptions: { uid?: number; gid?: number; cwd?: string; inheritEnv?: boolean } = {},
  ) {}

  start(): void {
    if (this.running) throw new Error(`${this.name} tourne déjà`);
    this.starts++;
    this.expectingExit = false;
    const { inheritEnv = true, ...options } = this.spawnOptions;
    const child = spawn(this.command, this.args, {
      cwd: ROOT,
      env: inheritEnv ? { ...process.env, ...this.env } : this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options,
    });
    const keep = (chunk: Buffer) => {
      const text = chunk.toString();
      this.chunks.push(text);
      if (this.logFile) fs.appendFileSync(this.logFile, text);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        const status = { code, signal };
        if (!this.expectingExit) this.unexpectedExits.push(status);
        keep(Buffer.from(`\n[faults] ${this.name} exited (${signal ?? `code ${code}`})\n`));
        resolve(status);
      }),
    );
    this.child = child;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Sends `signal` and waits for the exit; SIGKILL after `graceMs` if it lingers. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<ExitStatus> {
    if (!this.running) return this.exited;
    this.expectingExit = true;
    this.child!.kill(signal);
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  output(): string {
    return this.chunks.join('');
  }

  /** Output written since `mark` (a length of `output()` taken earlier). */
  outputSince(mark: number): string {
    return this.output().slice(mark);
  }
}

export interface FaultKey {
  id: string;
  actsAs: Grant;
}

export interface FaultStackOptions {
  /** Where each process's output is written (`<name>.log`), besides memory. */
  logDir: string | null;
  keys: FaultKey[];
  workers?: number;
  /** Extra environment for every process (e.g. LOG_LEVEL). */
  env?: Record<string, string>;
  /** `test` (keys required, private webhook destinations allowed) or `production`. */
  iscgEnv?: 'test' | 'production' | 'development';
  messageIdDomain?: string;
  /** The dev server's own log level (`npm start` uses warn). */
  temporalLogLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** SMTP_URL of the workers; by default the relay's, without credentials. */
  smtpUrl?: (relayUrl: string) => string;
  /**
   * Workers as on hosts of their own: a data folder each (no shared mail journal folder), and the
   * mail journal in PostgreSQL at this URL when given (ISCG_MAIL_JOURNAL_URL).
   */
  separateHosts?: { mailJournalUrl: string | null };
}

export const FAULTS_MESSAGE_ID_DOMAIN = 'iscg.faults';

/** What the partners' agents and the checks need of a stack: its API, with the fleet's keys. */
export interface ApiCaller {
  call(
    method: string,
    url: string,
    options: { as: string; body?: unknown; idempotencyKey?: string; timeoutMs?: number },
  ): Promise<{ status: number; body: any; text: string }>;
}

export class FaultStack {
  readonly relay = new FaultSmtpRelay();
  readonly dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iscg-faults-'));
  readonly tokens: Record<string, string> = {};
  /** The payload key: processes and the test's own client share it. */
  readonly encryptionKeys = `faults:${generateKey()}`;
  temporal!: ManagedProcess;
  readonly workers: ManagedProcess[] = [];
  api!: ManagedProcess;
  temporalPort = 0;
  apiPort = 0;
  private client: Client | null = null;

  constructor(private readonly options: FaultStackOptions) {
    requireBuiltStack();
    if (options.logDir) fs.mkdirSync(options.logDir, { recursive: true });
  }

  private logFile(name: string): string | null {
    if (!this.options.logDir) return null;
    const file = path.join(this.options.logDir, `${name}.log`);
    fs.writeFileSync(file, '');
    return file;
  }

  get temporalAddress(): string {
    return `127.0.0.1:${this.temporalPort}`;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.apiPort}`;
  }

  /** Every secret the processes hold: none may appear in their output. */
  get secrets(): string[] {
    return [...Object.values(this.tokens), this.encryptionKeys.split(':')[1]!];
  }

  async start(): Promise<void> {
    await this.relay.start();
    this.temporalPort = await freePort();
    this.apiPort = await freePort();
    const keys = this.options.keys.map((key) => {
      const token = generateToken();
      this.tokens[key.id] = token;
      // The fleet sends far more than a partner system would: no rate limit in the way.
      return { ...key, hash: hashToken(token), rateLimit: { max: 100_000, perSeconds: 60 } };
    });
    const shared = {
      ISCG_DATA_DIR: this.dataDir,
      TEMPORAL_ADDRESS: this.temporalAddress,
      ISCG_ENV: this.options.iscgEnv ?? 'test',
      ISCG_ENCRYPTION_KEYS: this.encryptionKeys,
      LOG_LEVEL: 'info',
      ISCG_SHUTDOWN_GRACE_SECONDS: '2',
      ...this.options.env,
    };
    this.temporal = new ManagedProcess(
      'temporal',
      resolveCliPath(),
      [
        'server',
        'start-dev',
        '--db-filename',
        path.join(this.dataDir, 'temporal.db'),
        '--ip',
        '127.0.0.1',
        '--port',
        String(this.temporalPort),
        '--headless',
        '--log-level',
        this.options.temporalLogLevel ?? 'warn',
        ...Object.entries(SEARCH_ATTRIBUTE_CLI_TYPES).flatMap(([name, type]) => [
          '--search-attribute',
          `${name}=${type}`,
        ]),
      ],
      {},
      this.logFile('temporal'),
    );
    const hosts = this.options.separateHosts;
    for (let i = 1; i <= (this.options.workers ?? 1); i++) {
      const host = hosts ? path.join(this.dataDir, `host-${i}`) : null;
      if (host) fs.mkdirSync(host);
      this.workers.push(
        new ManagedProcess(
          `worker-${i}`,
          process.execPath,
          [path.join(ROOT, 'dist', 'worker', 'main.js')],
          {
            ...shared,
            ...(host ? { ISCG_DATA_DIR: host } : {}),
            ...(hosts?.mailJournalUrl ? { ISCG_MAIL_JOURNAL_URL: hosts.mailJournalUrl } : {}),
            SMTP_URL: this.options.smtpUrl?.(this.relay.url) ?? this.relay.url,
            MAIL_MESSAGE_ID_DOMAIN: this.options.messageIdDomain ?? FAULTS_MESSAGE_ID_DOMAIN,
            WORKFLOW_BUNDLE_PATH: path.join(ROOT, 'dist', 'workflow-bundle.js'),
          },
          this.logFile(`worker-${i}`),
        ),
      );
    }
    this.api = new ManagedProcess(
      'api',
      process.execPath,
      [path.join(ROOT, 'dist', 'client', 'api', 'main.js')],
      { ...shared, PORT: String(this.apiPort), HOST: '127.0.0.1', ISCG_API_KEYS: JSON.stringify({ keys }) },
      this.logFile('api'),
    );
    await this.startTemporal();
    await Promise.all(this.workers.map((_, i) => this.startWorker(i)));
    this.api.start();
    await this.waitForApi(Date.now() + 60_000);
  }

  async startTemporal(): Promise<void> {
    this.temporal.start();
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const connection = await Connection.connect({ address: this.temporalAddress, connectTimeout: 1000 });
        try {
          await connection.workflowService.getSystemInfo({});
        } finally {
          await connection.close();
        }
        return;
      } catch (error) {
        if (!this.temporal.running || Date.now() > deadline)
          throw new Error(`Temporal ne démarre pas:\n${this.temporal.output().slice(-3000)}`, {
            cause: error,
          });
        await sleep(200);
      }
    }
  }

  async stopTemporal(signal: NodeJS.Signals = 'SIGTERM'): Promise<ExitStatus> {
    return this.temporal.stop(signal);
  }

  /** Starts worker `i` and waits until it polls (or, with Temporal down, until it is up). */
  async startWorker(i: number, timeoutMs = 60_000): Promise<void> {
    const worker = this.workers[i]!;
    const mark = worker.output().length;
    worker.start();
    const deadline = Date.now() + timeoutMs;
    while (!/RUNNING|connecté à/.test(worker.outputSince(mark))) {
      if (!worker.running) throw new Error(`${worker.name} ne démarre pas:\n${worker.outputSince(mark)}`);
      if (Date.now() > deadline)
        throw new Error(`${worker.name} ne démarre pas à temps:\n${worker.outputSince(mark)}`);
      await sleep(100);
    }
  }

  killWorker(i: number): Promise<ExitStatus> {
    return this.workers[i]!.stop('SIGKILL');
  }

  private async waitForApi(deadline: number): Promise<void> {
    for (;;) {
      try {
        const response = await fetch(`${this.apiUrl}/healthz`);
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      if (!this.api.running) throw new Error(`l’API ne démarre pas:\n${this.api.output()}`);
      if (Date.now() > deadline) throw new Error(`l’API ne répond pas:\n${this.api.output()}`);
      await sleep(200);
    }
  }

  /** Waits until the API answers 200 on /healthz (Temporal reachable through it). */
  async waitHealthy(timeoutMs = 60_000): Promise<void> {
    await this.waitForApi(Date.now() + timeoutMs);
  }

  /** A Temporal client of the test's own, with the processes' payload key. */
  async temporalClient(): Promise<Client> {
    if (this.client) return this.client;
    const connection = await Connection.connect({ address: this.temporalAddress });
    this.client = new Client({
      connection,
      dataConverter: { payloadCodecs: [new AesGcmPayloadCodec(parseEncryptionKeys(this.encryptionKeys))] },
    });
    return this.client;
  }

  call(method: string, url: string, options: ApiCallOptions): Promise<ApiAnswer> {
    return callApi(this.apiUrl, this.tokens, method, url, options);
  }

  processes(): ManagedProcess[] {
    return [this.temporal, ...this.workers, this.api].filter(Boolean);
  }

  async stop(): Promise<void> {
    await this.client?.connection.close().catch(() => undefined);
    this.client = null;
    await this.api?.stop('SIGTERM');
    await Promise.all(this.workers.map((w) => w.stop('SIGTERM')));
    await this.temporal?.stop('SIGTERM');
    await this.relay.stop();
  }

  remove(): void {
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
