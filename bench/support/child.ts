import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';

/**
 * A benchmark process (worker or API) run as a child: its memory is its own and its CPU is
 * scheduled apart, as in a deployment. It answers requests over the IPC channel.
 */
export interface ChildRequest {
  id: number;
  command: string;
}
export interface ChildReply {
  id?: number;
  ready?: unknown;
  result?: unknown;
  error?: string;
}

export class BenchChild {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private exited: Promise<number | null>;

  private constructor(
    readonly name: string,
    readonly process: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => process.once('exit', (code) => resolve(code)));
    process.on('message', (message: ChildReply) => {
      if (message.id === undefined) return;
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.error) waiter.reject(new Error(`${name}: ${message.error}`));
      else waiter.resolve(message.result);
    });
    process.once('exit', (code, signal) => {
      for (const waiter of this.pending.values())
        waiter.reject(new Error(`${name} exited (${signal ?? code})`));
      this.pending.clear();
    });
  }

  get pid(): number {
    return this.process.pid!;
  }

  /** Forks `script` with its configuration in BENCH_CONFIG and waits for its `ready` message. */
  static async start<R>(
    name: string,
    script: string,
    config: unknown,
    timeoutMs = 120_000,
  ): Promise<{ child: BenchChild; ready: R }> {
    // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") goes to every child: for profiling.
    const extra = process.env.BENCH_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [];
    const processHandle = fork(script, [], {
      execArgv: [...process.execArgv, ...extra],
      env: { ...process.env, BENCH_CONFIG: JSON.stringify(config) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const child = new BenchChild(name, processHandle);
    const ready = await new Promise<R>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name}: not ready after ${timeoutMs} ms`)),
        timeoutMs,
      );
      processHandle.on('message', (message: ChildReply) => {
        if (message.ready !== undefined) {
          clearTimeout(timer);
          resolve(message.ready as R);
        }
      });
      processHandle.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited before it was ready (code ${code})`));
      });
    });
    return { child, ready };
  }

  request<T>(command: string): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.process.send({ id, command } satisfies ChildRequest);
    });
  }

  /** Asks the child to stop cleanly; kills it if it has not within `timeoutMs`. */
  async stop(timeoutMs = 30_000): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** The child's side: answers each request with `handlers[command]()`, and says it is ready. */
export function serveParent(handlers: Record<string, () => unknown>, ready: unknown): void {
  process.on('message', (message: ChildRequest) => {
    const handler = handlers[message.command];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown command ${message.command}`);
        return handler();
      })
      .then(
        (result) => process.send!({ id: message.id, result } satisfies ChildReply),
        (error: unknown) =>
          process.send!({
            id: message.id,
            error: error instanceof Error ? error.message : String(error),
          } satisfies ChildReply),
      );
  });
  process.send!({ ready } satisfies ChildReply);
}

export function childConfig<T>(): T {
  const raw = process.env.BENCH_CONFIG;
  if (!raw) throw new Error('BENCH_CONFIG is not set: this script is started by bench/main');
  return JSON.parse(raw) as T;
}

/** A child's mutual TLS with the production server: files of the run's CA and its certificate. */
export interface ChildTls {
  ca: string;
  cert: string;
  key: string;
  serverName: string;
}

/** The TLS options of a Temporal connection, read from a child's files. */
export function connectionTls(tls: ChildTls | undefined) {
  if (!tls) return undefined;
  return {
    serverRootCACertificate: fs.readFileSync(tls.ca),
    clientCertPair: { crt: fs.readFileSync(tls.cert), key: fs.readFileSync(tls.key) },
    serverNameOverride: tls.serverName,
  };
}
