import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { findRepoRoot } from '../../scripts/temporal-binaries';

/**
 * The stack exactly as `npm start` runs it: the built `dist/scripts/start.js`, which starts the
 * Temporal dev server (SQLite file, Web UI, search attributes registered), the worker and the API,
 * each its own process. Here in a temporary data folder and on free ports, so that tests run beside
 * a developer's own `npm start`. Needs `npm run build` first (`npm test` does it).
 */

/** The repository, also from the benchmarks' compiled copy under .cache/bench/dist. */
export const ROOT = findRepoRoot(__dirname);
const START_SCRIPT = path.join(ROOT, 'dist', 'scripts', 'start.js');

export interface StackPorts {
  api: number;
  temporal: number;
  ui: number;
}

export interface ApiAnswer {
  status: number;
  json: any;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Below Linux's ephemeral range (32768–60999), where listen(0) and outgoing sockets take theirs. */
const FIRST_PORT = 20_000;
const PORTS_PER_JEST_WORKER = 500;
let portCursor = Math.floor(Math.random() * PORTS_PER_JEST_WORKER);

/**
 * A port for a child process to listen on. A port the kernel picks (listen(0)) and that is then
 * released can be picked again by a test file running in parallel before the child binds it; so
 * each Jest worker takes its ports from a block of its own, outside the ephemeral range, and each
 * port is checked free before it is handed out.
 */
export async function freePort(): Promise<number> {
  const worker = Number(process.env.JEST_WORKER_ID ?? 0) % 25;
  const block = FIRST_PORT + worker * PORTS_PER_JEST_WORKER;
  for (let tried = 0; tried < PORTS_PER_JEST_WORKER; tried++) {
    const port = block + (portCursor++ % PORTS_PER_JEST_WORKER);
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port in ${block}–${block + PORTS_PER_JEST_WORKER - 1}`);
}

export async function freePorts(): Promise<StackPorts> {
  return { api: await freePort(), temporal: await freePort(), ui: await freePort() };
}

/** Fails at once, saying what to run, when the built stack is missing. */
export function requireBuiltStack(): void {
  if (!fs.existsSync(START_SCRIPT) || !fs.existsSync(path.join(ROOT, 'dist', 'workflow-bundle.js')))
    throw new Error(`${path.relative(ROOT, START_SCRIPT)} is missing: run \`npm run build\` first`);
}

export interface StartOptions {
  /** Reuse a data folder (restart tests); a new temporary one otherwise, removed by `remove()`. */
  dataDir?: string;
  ports?: StackPorts;
  /** Seconds to wait for the API and the worker. */
  timeoutSeconds?: number;
  env?: Record<string, string>;
}

export class RunningStack {
  private constructor(
    readonly process: ChildProcess,
    readonly dataDir: string,
    readonly ports: StackPorts,
    readonly output: string[],
  ) {}

  static async start(options: StartOptions = {}): Promise<RunningStack> {
    requireBuiltStack();
    const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'iscg-stack-'));
    const ports = options.ports ?? (await freePorts());
    const output: string[] = [];
    const child = spawn(process.execPath, [START_SCRIPT], {
      cwd: ROOT,
      env: {
        ...process.env,
        ISCG_DATA_DIR: dataDir,
        PORT: String(ports.api),
        TEMPORAL_PORT: String(ports.temporal),
        TEMPORAL_UI_PORT: String(ports.ui),
        ISCG_ENV: 'development',
        LOG_LEVEL: 'warn',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const stack = new RunningStack(child, dataDir, ports, output);
    try {
      await stack.waitUntilReady(Date.now() + (options.timeoutSeconds ?? 90) * 1000);
    } catch (error) {
      if (child.exitCode === null) await stack.stop();
      throw error;
    }
    return stack;
  }

  private async waitUntilReady(deadline: number): Promise<void> {
    for (;;) {
      try {
        const response = await fetch(`${this.apiUrl}/healthz`);
        if (response.status === 200) break;
      } catch {
        // not listening yet
      }
      if (this.process.exitCode !== null) throw new Error(`npm start a échoué:\n${this.log()}`);
      if (Date.now() > deadline) throw new Error(`la pile ne répond pas:\n${this.log()}`);
      await new Promise((r) => setTimeout(r, 300));
    }
    // The worker is a separate process: wait until it polls before driving conventions.
    while (!this.log().includes('RUNNING')) {
      if (Date.now() > deadline) throw new Error(`le worker ne démarre pas:\n${this.log()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.ports.api}`;
  }

  get uiUrl(): string {
    return `http://127.0.0.1:${this.ports.ui}`;
  }

  get temporalAddress(): string {
    return `127.0.0.1:${this.ports.temporal}`;
  }

  log(): string {
    return this.output.join('');
  }

  /** The local operator key `npm start` writes in development. */
  apiKey(): string {
    return fs.readFileSync(path.join(this.dataDir, 'dev-operator.key'), 'utf8').trim();
  }

  async api(method: string, url: string, body?: unknown): Promise<ApiAnswer> {
    const response = await fetch(`${this.apiUrl}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${this.apiKey()}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : null };
  }

  /** Like `api`, but throws with the problem's detail unless the answer is 2xx. */
  async apiOk(method: string, url: string, body?: unknown): Promise<any> {
    const answer = await this.api(method, url, body);
    if (answer.status < 200 || answer.status >= 300)
      throw new Error(`${method} ${url}: ${answer.status} ${JSON.stringify(answer.json)}`);
    return answer.json;
  }

  /** Ctrl-C, as a person would stop `npm start`; resolves to the exit code. */
  async stop(): Promise<number | null> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return this.process.exitCode;
    const exited = new Promise<number | null>((resolve) =>
      this.process.once('exit', (code) => resolve(code)),
    );
    this.process.kill('SIGINT');
    return exited;
  }

  remove(): void {
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
