import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { Client, Connection, type TLSConfig } from '@temporalio/client';
import YAML from 'yaml';
import { generateToken, hashToken } from '../../client/auth/keys';
import { ensureTemporalServer, type TemporalServerInstall } from '../../scripts/temporal-server-install';
import { resolveCliPath } from '../../scripts/temporal-binaries';
import { AesGcmPayloadCodec, generateKey, parseEncryptionKeys } from '../../security/payload-codec';
import { imageEnvironment } from '../deploy/support/processes';
import { FaultSmtpRelay } from './faults-smtp';
import {
  callApi,
  ManagedProcess,
  sleep,
  type ApiAnswer,
  type ApiCallOptions,
  type FaultKey,
} from './faults-stack';
import { PostgresqlCluster } from './postgresql';
import { ROOT, freePort, requireBuiltStack } from './stack';

/**
 * The deployment of docker-compose.yml run on this machine without Docker, each part started by
 * its own script or entry point as its container starts it, with the environment the compose file
 * gives that container (and its env file, copied from the example as the documentation asks),
 * secrets as files: PostgreSQL (Debian's), the schema job (deploy/temporal/setup-schema.sh with
 * temporal-sql-tool), the Temporal server on PostgreSQL (deploy/temporal/start-server.sh, then the
 * server image's own entry point) with mutual TLS, the namespace job
 * (deploy/temporal/register-namespace.sh), the mail journal's database job, the workers and the API
 * (deploy/docker-entrypoint.sh with the image's ENV), and the Web UI server.
 *
 * What differs from the containers, because every part shares one host: each listens on
 * 127.0.0.1 and on ports of its own (the server's seven ports, given with the variables of its
 * configuration template); container paths (/run/secrets, /iscg) are files of this run; host
 * names (`temporal`, `postgresql`) are 127.0.0.1. Each worker has a data folder of its own, as on
 * hosts of their own: they share nothing but PostgreSQL.
 */

const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
export const NAMESPACE = 'iscg';
export const CERTIFICATE_NAMES = ['server', 'worker', 'api', 'ui', 'setup', 'admin'] as const;
export type CertificateName = (typeof CERTIFICATE_NAMES)[number];

type Compose = { services: Record<string, any>; secrets: Record<string, { file: string }> };

export function loadCompose(): Compose {
  return YAML.parse(fs.readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as Compose;
}

/** KEY=VALUE lines of an env file (comments and blank lines skipped), as Compose reads it. */
export function readEnvFile(file: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) env[match[1]!] = match[2]!;
  }
  return env;
}

/** A command run to its end, as a one-shot container runs. */
export interface JobRun {
  status: number | null;
  output: string;
  ms: number;
}

function job(command: string, args: string[], env: Record<string, string>, timeoutMs = 300_000): JobRun {
  const started = Date.now();
  const result: SpawnSyncReturns<string> = spawnSync(command, args, {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return {
    status: result.status,
    output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? `\n${result.error.message}` : ''}`,
    ms: Date.now() - started,
  };
}

export interface ServerPorts {
  frontend: number;
  frontendHttp: number;
  frontendMembership: number;
  history: number;
  historyMembership: number;
  matching: number;
  matchingMembership: number;
  worker: number;
  workerMembership: number;
  metrics: number;
}

/**
 * PostgreSQL, the certificates, the schema, the Temporal server with mutual TLS and the namespace:
 * what the benchmarks on the production server need, and the base of the whole deployment.
 */
export class ProductionTemporal {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iscg-production-'));
  readonly secretsDir = path.join(this.dir, 'secrets');
  readonly tlsDir = path.join(this.secretsDir, 'tls');
  /** A complete set issued by another CA: what a stranger's client would hold. */
  readonly foreignTlsDir = path.join(this.dir, 'foreign-tls');
  readonly compose = loadCompose();
  readonly install: TemporalServerInstall;
  readonly postgresPassword = randomBytes(18).toString('base64url');
  postgresql!: PostgresqlCluster;
  temporal!: ManagedProcess;
  ports!: ServerPorts;
  readonly jobs: Record<string, JobRun[]> = {};
  private clients: Client[] = [];

  constructor(readonly logDir: string | null) {
    this.install = ensureTemporalServer();
    fs.mkdirSync(this.tlsDir, { recursive: true });
    if (logDir) {
      fs.mkdirSync(logDir, { recursive: true });
      fs.writeFileSync(path.join(logDir, 'jobs.log'), '');
    }
  }

  /** Keeps a one-shot's run, and its output in `<logDir>/jobs.log`. */
  protected record(kind: string, run: JobRun): JobRun {
    (this.jobs[kind] ??= []).push(run);
    if (this.logDir)
      fs.appendFileSync(
        path.join(this.logDir, 'jobs.log'),
        `── ${kind} #${this.jobs[kind].length} (code ${run.status}, ${run.ms} ms)\n${run.output}\n`,
      );
    return run;
  }

  logFile(name: string): string | null {
    if (!this.logDir) return null;
    const file = path.join(this.logDir, `${name}.log`);
    fs.writeFileSync(file, '');
    return file;
  }

  get frontendAddress(): string {
    return `127.0.0.1:${this.ports.frontend}`;
  }

  /** Where this run keeps the file a compose secret names (deploy/secrets/… in a deployment). */
  secretFile(secret: string): string {
    const declared = this.compose.secrets[secret];
    if (!declared) throw new Error(`secret ${secret} absent de docker-compose.yml`);
    return path.join(this.secretsDir, path.relative('./deploy/secrets', declared.file));
  }

  writeSecret(secret: string, content: string): string {
    const file = this.secretFile(secret);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content, { mode: 0o600 });
    return file;
  }

  /** A container path or address of the compose file, as it is found on this host. */
  protected hostValue(value: string): string {
    return value
      .replace(/^\/run\/secrets\/(.+)$/, (_, secret: string) => this.secretFile(secret))
      .replace(/^\/iscg\//, `${path.join(ROOT, 'deploy', 'temporal')}/`)
      .replace(/^temporal:7233$/, this.frontendAddress)
      .replace(/^postgresql$/, '127.0.0.1')
      .replace(/\$\{([A-Z_]+):-([^}]*)\}/g, (_, name: string, fallback: string) =>
        name === 'TEMPORAL_NAMESPACE' ? NAMESPACE : fallback,
      );
  }

  /**
   * A service's environment: the image's ENV (for the images built here), its env file (copied
   * from the example), then its `environment`, each value as this host finds it.
   */
  serviceEnv(service: string, overrides: Record<string, string> = {}): Record<string, string> {
    const definition = this.compose.services[service];
    if (!definition) throw new Error(`service ${service} absent de docker-compose.yml`);
    const fromImage = definition.build
      ? Object.fromEntries(
          Object.entries(imageEnvironment()).map(([k, v]) => [k, v.replace(/^\/app\//, `${ROOT}/`)]),
        )
      : {};
    const fromFiles = Object.assign(
      {},
      ...((definition.env_file ?? []) as string[]).map((file) =>
        readEnvFile(path.join(ROOT, `${file}.example`)),
      ),
    ) as Record<string, string>;
    const env: Record<string, string> = {
      PATH: `${this.install.binDir}:${process.env.PATH ?? ''}`,
      HOME: this.dir,
      ...fromImage,
      ...fromFiles,
      ...Object.fromEntries(
        Object.entries((definition.environment ?? {}) as Record<string, string | number>).map(([k, v]) => [
          k,
          String(v),
        ]),
      ),
    };
    for (const [key, value] of Object.entries(env)) env[key] = this.hostValue(value);
    if (env.DB_PORT) env.DB_PORT = String(this.postgresql.port);
    return { ...env, ...overrides };
  }

  /** deploy/tls/certificates.sh, as an operator runs it before the first start. */
  issueCertificates(dir: string, extra: Record<string, string> = {}): JobRun {
    const run = job('sh', [path.join(ROOT, 'deploy', 'tls', 'certificates.sh'), 'init'], {
      PATH: process.env.PATH ?? '',
      HOME: this.dir,
      ISCG_TLS_DIR: dir,
      ...extra,
    });
    this.record('certificates', run);
    if (run.status !== 0) throw new Error(`certificates.sh init: ${run.output}`);
    return run;
  }

  /** The schema job (the `temporal-schema` service): deploy/temporal/setup-schema.sh. */
  runSchemaJob(): JobRun {
    const run = job(
      'sh',
      [path.join(ROOT, 'deploy', 'temporal', 'setup-schema.sh')],
      this.serviceEnv('temporal-schema', { TEMPORAL_SCHEMA_DIR: this.install.schemaDir }),
    );
    return this.record('schema', run);
  }

  /** The namespace job (the `temporal-setup` service): deploy/temporal/register-namespace.sh. */
  runNamespaceJob(): JobRun {
    const run = job(
      'sh',
      [path.join(ROOT, 'deploy', 'temporal', 'register-namespace.sh')],
      this.serviceEnv('temporal-setup', {
        TEMPORAL_CLI: resolveCliPath(),
        TEMPORAL_NAMESPACE_RETENTION: '30d',
      }),
    );
    return this.record('namespace', run);
  }

  async start(): Promise<void> {
    this.issueCertificates(this.tlsDir);
    this.issueCertificates(this.foreignTlsDir);
    this.writeSecret('postgres-password', `${this.postgresPassword}\n`);
    this.postgresql = await new PostgresqlCluster({
      superuser: this.compose.services.postgresql.environment.POSTGRES_USER,
      password: this.postgresPassword,
      logFile: this.logFile('postgresql'),
    }).start();
    const ports: Partial<ServerPorts> = {};
    for (const key of [
      'frontend',
      'frontendHttp',
      'frontendMembership',
      'history',
      'historyMembership',
      'matching',
      'matchingMembership',
      'worker',
      'workerMembership',
      'metrics',
    ] as const)
      ports[key] = await freePort();
    this.ports = ports as ServerPorts;
    for (let i = 0; i < 2; i++) {
      const run = this.runSchemaJob();
      if (run.status !== 0) throw new Error(`setup-schema.sh (passage ${i + 1}): ${run.output}`);
    }
    this.temporal = new ManagedProcess(
      'temporal',
      'sh',
      [path.join(ROOT, 'deploy', 'temporal', 'start-server.sh')],
      this.serviceEnv('temporal', {
        TEMPORAL_SERVER_ENTRYPOINT: this.install.entrypoint,
        BIND_ON_IP: '127.0.0.1',
        FRONTEND_GRPC_PORT: String(this.ports.frontend),
        FRONTEND_HTTP_PORT: String(this.ports.frontendHttp),
        FRONTEND_MEMBERSHIP_PORT: String(this.ports.frontendMembership),
        HISTORY_GRPC_PORT: String(this.ports.history),
        HISTORY_MEMBERSHIP_PORT: String(this.ports.historyMembership),
        MATCHING_GRPC_PORT: String(this.ports.matching),
        MATCHING_MEMBERSHIP_PORT: String(this.ports.matchingMembership),
        WORKER_GRPC_PORT: String(this.ports.worker),
        WORKER_MEMBERSHIP_PORT: String(this.ports.workerMembership),
        PROMETHEUS_ENDPOINT: `127.0.0.1:${this.ports.metrics}`,
      }),
      this.logFile('temporal'),
      { inheritEnv: false },
    );
    await this.startServer();
    const namespace = this.runNamespaceJob();
    if (namespace.status !== 0) throw new Error(`register-namespace.sh: ${namespace.output}`);
  }

  /** The TLS a client of the frontend presents: a certificate of this run's CA, or none. */
  clientTls(name: CertificateName | null, dir = this.tlsDir): TLSConfig {
    return {
      serverNameOverride: 'temporal',
      serverRootCACertificate: fs.readFileSync(path.join(this.tlsDir, 'trust.pem')),
      ...(name
        ? {
            clientCertPair: {
              crt: fs.readFileSync(path.join(dir, `${name}.pem`)),
              key: fs.readFileSync(path.join(dir, `${name}.key`)),
            },
          }
        : {}),
    };
  }

  /**
   * A bare TLS handshake with the frontend, then one read: how the server answers a certificate
   * (TLS 1.3 tells the client it was refused on that read). `ok` means it kept the connection
   * and chose HTTP/2; otherwise `code` is OpenSSL's reason, as Node.js names it.
   */
  tlsHandshake(name: CertificateName | null, dir = this.tlsDir): Promise<{ ok: boolean; code: string }> {
    const files = name
      ? {
          cert: fs.readFileSync(path.join(dir, `${name}.pem`)),
          key: fs.readFileSync(path.join(dir, `${name}.key`)),
        }
      : {};
    return new Promise((resolve) => {
      const socket = tls.connect({
        host: '127.0.0.1',
        port: this.ports.frontend,
        servername: 'temporal',
        ca: fs.readFileSync(path.join(this.tlsDir, 'trust.pem')),
        ALPNProtocols: ['h2'],
        ...files,
      });
      let settled = false;
      const done = (result: { ok: boolean; code: string }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        resolve(result);
      };
      const timer = setTimeout(
        () => done({ ok: socket.alpnProtocol === 'h2', code: 'connecté (HTTP/2)' }),
        2_000,
      );
      socket.once('error', (error: NodeJS.ErrnoException) =>
        done({ ok: false, code: error.code ?? error.message }),
      );
      socket.once('close', () => done({ ok: false, code: 'connexion fermée par le serveur' }));
      // HTTP/2's preface: a server that accepted the certificate answers with its settings.
      socket.once('secureConnect', () => socket.write('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'));
      socket.once('data', () => done({ ok: socket.alpnProtocol === 'h2', code: 'connecté (HTTP/2)' }));
    });
  }

  /** Asks the frontend for its system information with the given TLS; resolves to the error, if any. */
  async tryConnect(tls: TLSConfig | false): Promise<Error | null> {
    let connection: Connection | null = null;
    try {
      connection = await Connection.connect({
        address: this.frontendAddress,
        tls: tls === false ? undefined : tls,
        connectTimeout: 5_000,
      });
      await connection.withDeadline(Date.now() + 5_000, () =>
        connection!.workflowService.describeNamespace({ namespace: NAMESPACE }),
      );
      return null;
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    } finally {
      await connection?.close().catch(() => undefined);
    }
  }

  /** Starts the server and waits until its frontend answers a client with a certificate. */
  async startServer(timeoutMs = 180_000): Promise<void> {
    this.temporal.start();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let connection: Connection | null = null;
      try {
        connection = await Connection.connect({
          address: this.frontendAddress,
          tls: this.clientTls('admin'),
          connectTimeout: 2_000,
        });
        await connection.withDeadline(Date.now() + 3_000, () =>
          connection!.workflowService.getSystemInfo({}),
        );
        return;
      } catch (error) {
        if (!this.temporal.running || Date.now() > deadline)
          throw new Error(`le serveur Temporal ne démarre pas:\n${this.temporal.output().slice(-4000)}`, {
            cause: error,
          });
        await sleep(500);
      } finally {
        await connection?.close().catch(() => undefined);
      }
    }
  }

  /** A Temporal client of the test's own, with a certificate and optionally the payload key. */
  async client(name: CertificateName, encryptionKeys?: string): Promise<Client> {
    const connection = await Connection.connect({ address: this.frontendAddress, tls: this.clientTls(name) });
    const client = new Client({
      connection,
      namespace: NAMESPACE,
      ...(encryptionKeys
        ? { dataConverter: { payloadCodecs: [new AesGcmPayloadCodec(parseEncryptionKeys(encryptionKeys))] } }
        : {}),
    });
    this.clients.push(client);
    return client;
  }

  async stop(): Promise<void> {
    for (const client of this.clients) await client.connection.close().catch(() => undefined);
    this.clients = [];
    await this.temporal?.stop('SIGTERM', 30_000);
    await this.postgresql?.stop('SIGINT');
  }

  async remove(): Promise<void> {
    await this.postgresql?.remove();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface DeploymentOptions {
  workers: number;
  keys: FaultKey[];
  logDir: string | null;
}

/** The whole deployment: ProductionTemporal, then the mail journal's database, workers, API, UI. */
export class ProductionDeployment extends ProductionTemporal {
  readonly relay = new FaultSmtpRelay();
  readonly tokens: Record<string, string> = {};
  readonly encryptionKeys = `k1:${generateKey()}`;
  readonly journalPassword = randomBytes(18).toString('base64url');
  readonly workers: ManagedProcess[] = [];
  api!: ManagedProcess;
  ui!: ManagedProcess;
  apiPort = 0;
  uiPort = 0;

  constructor(private readonly options: DeploymentOptions) {
    super(options.logDir);
    requireBuiltStack();
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.apiPort}`;
  }

  get uiUrl(): string {
    return `http://127.0.0.1:${this.uiPort}`;
  }

  /** Every secret the processes hold: none may appear in their output. */
  get secrets(): string[] {
    return [
      ...Object.values(this.tokens),
      this.encryptionKeys.split(':')[1]!,
      this.postgresPassword,
      this.journalPassword,
    ];
  }

  /** The mail journal's job (the `iscg-database` service): docker-entrypoint.sh setup-database mail-journal. */
  runDatabaseJob(): JobRun {
    const definition = this.compose.services['iscg-database'];
    const run = job(
      path.join(ROOT, 'deploy', 'docker-entrypoint.sh'),
      definition.command as string[],
      this.serviceEnv('iscg-database'),
    );
    return this.record('database', run);
  }

  override async start(): Promise<void> {
    await super.start();
    await this.relay.start();
    this.writeSecret('smtp-url', `${this.relay.url}\n`);
    this.writeSecret('encryption-keys', `${this.encryptionKeys}\n`);
    const keys = this.options.keys.map((key) => {
      const token = generateToken();
      this.tokens[key.id] = token;
      return { ...key, hash: hashToken(token), rateLimit: { max: 100_000, perSeconds: 60 } };
    });
    this.writeSecret('api-keys', YAML.stringify(keys));
    // As deploy/secrets/mail-journal-url.example, the host being 127.0.0.1 and the port this run's.
    this.writeSecret(
      'mail-journal-url',
      `postgres://iscg_mail:${this.journalPassword}@127.0.0.1:${this.postgresql.port}/iscg_mail\n`,
    );
    for (let i = 0; i < 2; i++) {
      const run = this.runDatabaseJob();
      if (run.status !== 0) throw new Error(`setup-database mail-journal (passage ${i + 1}): ${run.output}`);
    }

    const entrypoint = path.join(ROOT, 'deploy', 'docker-entrypoint.sh');
    for (let i = 1; i <= this.options.workers; i++) {
      const dataDir = path.join(this.dir, `worker-${i}-data`);
      fs.mkdirSync(dataDir);
      this.workers.push(
        new ManagedProcess(
          `worker-${i}`,
          entrypoint,
          [],
          this.serviceEnv('worker', {
            ISCG_DATA_DIR: dataDir,
            ISCG_WORKER_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
            ISCG_SHUTDOWN_GRACE_SECONDS: '5',
          }),
          this.logFile(`worker-${i}`),
          { inheritEnv: false },
        ),
      );
    }
    this.apiPort = await freePort();
    this.api = new ManagedProcess(
      'api',
      entrypoint,
      [],
      this.serviceEnv('api', {
        HOST: '127.0.0.1',
        PORT: String(this.apiPort),
        ISCG_DATA_DIR: path.join(this.dir, 'api-data'),
        ISCG_API_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
        ISCG_SHUTDOWN_GRACE_SECONDS: '5',
      }),
      this.logFile('api'),
      { inheritEnv: false },
    );
    this.uiPort = await freePort();
    // The UI server, from its folder (config/ beside it), with the `docker` configuration.
    this.ui = new ManagedProcess(
      'ui',
      this.install.uiServer,
      ['--root', path.dirname(this.install.uiConfigDir), '--env', 'docker', 'start'],
      this.serviceEnv('temporal-ui', { TEMPORAL_UI_PORT: String(this.uiPort) }),
      this.logFile('ui'),
      { inheritEnv: false, cwd: path.dirname(this.install.uiConfigDir) },
    );
    await Promise.all(this.workers.map((_, i) => this.startWorker(i)));
    this.api.start();
    await this.waitHealthy(90_000);
    this.ui.start();
  }

  /** Starts worker `i` and waits until it polls. */
  async startWorker(i: number, timeoutMs = 90_000): Promise<void> {
    const worker = this.workers[i]!;
    const mark = worker.output().length;
    worker.start();
    const deadline = Date.now() + timeoutMs;
    while (!worker.outputSince(mark).includes('"state":"RUNNING"')) {
      if (!worker.running) throw new Error(`${worker.name} ne démarre pas:\n${worker.outputSince(mark)}`);
      if (Date.now() > deadline)
        throw new Error(`${worker.name} ne démarre pas à temps:\n${worker.outputSince(mark)}`);
      await sleep(100);
    }
  }

  killWorker(i: number) {
    return this.workers[i]!.stop('SIGKILL');
  }

  /** Until the API answers 200 on /healthz: it serves and reaches Temporal. */
  async waitHealthy(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        if ((await fetch(`${this.apiUrl}/healthz`)).status === 200) return;
      } catch {
        // not listening yet
      }
      if (!this.api.running) throw new Error(`l’API s’est arrêtée:\n${this.api.output().slice(-3000)}`);
      if (Date.now() > deadline) throw new Error(`l’API ne répond pas:\n${this.api.output().slice(-3000)}`);
      await sleep(250);
    }
  }

  call(method: string, url: string, options: ApiCallOptions): Promise<ApiAnswer> {
    return callApi(this.apiUrl, this.tokens, method, url, options);
  }

  processes(): ManagedProcess[] {
    return [this.temporal, ...this.workers, this.api, this.ui].filter(Boolean);
  }

  override async stop(): Promise<void> {
    await this.ui?.stop('SIGTERM');
    await this.api?.stop('SIGTERM');
    await Promise.all(this.workers.map((w) => w.stop('SIGTERM')));
    await super.stop();
    await this.relay.stop();
  }
}
