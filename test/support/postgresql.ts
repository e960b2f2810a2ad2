import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { ManagedProcess, sleep, type ExitStatus } from './faults-stack';
import { ROOT, freePort } from './stack';

/**
 * A PostgreSQL cluster of a test's own: Debian's server (scripts/install-postgresql.mjs installs
 * it when missing), initialised in a temporary folder, listening on a loopback port only, with a
 * superuser and a password (SCRAM), as the compose file's `postgresql` service is. Run as the
 * `postgres` account when the tests run as root (CI does): PostgreSQL refuses root. It can be
 * stopped and started again on the same data, or killed.
 */

export interface PostgresqlInstall {
  bin: string;
  version: string;
  runAs: { user: string; uid: number; gid: number } | null;
}

let install: PostgresqlInstall | null = null;

/** The installed server (installing it on first use), as the global setups check it. */
export function postgresqlInstall(): PostgresqlInstall {
  if (install) return install;
  const script = path.join(ROOT, 'scripts', 'install-postgresql.mjs');
  const result = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 900_000 });
  if (result.status !== 0) throw new Error(`PostgreSQL indisponible:\n${result.stderr}`);
  install = JSON.parse(result.stdout.trim().split('\n').pop()!) as PostgresqlInstall;
  return install;
}

export interface ClusterOptions {
  superuser: string;
  password: string;
  /** Where the process's output goes, besides memory. */
  logFile?: string | null;
}

export class PostgresqlCluster {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iscg-postgresql-'));
  readonly dataDir = path.join(this.dir, 'data');
  port = 0;
  process!: ManagedProcess;
  private readonly install = postgresqlInstall();

  constructor(private readonly options: ClusterOptions) {}

  /** As the cluster's account: the data folder must be its own. */
  private owned(target: string): void {
    const account = this.install.runAs;
    if (account) fs.chownSync(target, account.uid, account.gid);
  }

  private run(program: string, args: string[]): string {
    const account = this.install.runAs;
    const result = spawnSync(path.join(this.install.bin, program), args, {
      encoding: 'utf8',
      cwd: this.dir,
      env: { PATH: process.env.PATH, LANG: 'C.UTF-8' },
      ...(account ? { uid: account.uid, gid: account.gid } : {}),
      timeout: 120_000,
    });
    if (result.status !== 0)
      throw new Error(`${program} ${args.join(' ')}: ${result.status}\n${result.stdout}${result.stderr}`);
    return result.stdout;
  }

  async start(): Promise<this> {
    fs.chmodSync(this.dir, 0o755);
    this.owned(this.dir);
    const passwordFile = path.join(this.dir, 'superuser-password');
    fs.writeFileSync(passwordFile, `${this.options.password}\n`, { mode: 0o600 });
    this.owned(passwordFile);
    this.run('initdb', [
      '--pgdata',
      this.dataDir,
      '--username',
      this.options.superuser,
      '--pwfile',
      passwordFile,
      '--auth',
      'scram-sha-256',
      '--encoding',
      'UTF8',
      '--locale',
      'C',
    ]);
    fs.rmSync(passwordFile);
    this.port = await freePort();
    this.process = new ManagedProcess(
      'postgresql',
      path.join(this.install.bin, 'postgres'),
      [
        '-D',
        this.dataDir,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        `port=${this.port}`,
        // TCP only, as from another container: no socket file in a shared folder.
        '-c',
        'unix_socket_directories=',
        '-c',
        'max_connections=200',
      ],
      { PATH: process.env.PATH ?? '', LANG: 'C.UTF-8' },
      this.options.logFile ?? null,
      {
        cwd: this.dir,
        inheritEnv: false,
        ...(this.install.runAs ? { uid: this.install.runAs.uid, gid: this.install.runAs.gid } : {}),
      },
    );
    await this.startServer();
    return this;
  }

  /** Starts the server on the existing data and waits until it accepts a login. */
  async startServer(timeoutMs = 60_000): Promise<void> {
    this.process.start();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await this.query('postgres', 'SELECT 1');
        return;
      } catch (error) {
        if (!this.process.running || Date.now() > deadline)
          throw new Error(`PostgreSQL ne démarre pas:\n${this.process.output().slice(-3000)}`, {
            cause: error,
          });
        await sleep(200);
      }
    }
  }

  /** SIGINT is PostgreSQL's fast shutdown (what `docker stop` amounts to); SIGKILL a crash. */
  stop(signal: NodeJS.Signals = 'SIGINT'): Promise<ExitStatus> {
    return this.process.stop(signal, 30_000);
  }

  url(database: string, user = this.options.superuser, password = this.options.password): string {
    return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${this.port}/${database}`;
  }

  async query<T extends Record<string, unknown> = Record<string, unknown>>(
    database: string,
    sql: string,
    values: unknown[] = [],
  ): Promise<T[]> {
    const client = new Client({ connectionString: this.url(database), connectionTimeoutMillis: 2_000 });
    await client.connect();
    try {
      return (await client.query<T>(sql, values)).rows;
    } finally {
      await client.end();
    }
  }

  async remove(): Promise<void> {
    if (this.process?.running) await this.stop('SIGINT');
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
