import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { readEnvironment, dataPath } from '../config/env';
import { SEARCH_ATTRIBUTE_CLI_TYPES } from '../domain/temporal-contract';
import { generateKey } from '../security/payload-codec';
import { WORKFLOW_BUNDLE_FILE } from './build-workflow-bundle';
import { portOpen } from './ports';
import { findRepoRoot, resolveCliPath } from './temporal-binaries';

/**
 * `npm start`: the embedded stack on one machine. The Temporal dev server (SQLite file in the
 * data folder, Web UI), the worker and the API, each its own process, stopped together on Ctrl-C.
 */

const root = findRepoRoot();
const env = readEnvironment({
  ...process.env,
  ISCG_DATA_DIR: process.env.ISCG_DATA_DIR ?? path.join(root, 'data'),
});
const temporalPort = Number(process.env.TEMPORAL_PORT ?? 7233);
const uiPort = Number(process.env.TEMPORAL_UI_PORT ?? 8233);
const temporalAddress = `127.0.0.1:${temporalPort}`;
const children: { name: string; process: ChildProcess }[] = [];
let stopping = false;

function log(message: string) {
  console.log(`[iscg] ${message}`);
}

function launch(
  name: string,
  command: string,
  args: string[],
  extraEnv: Record<string, string> = {},
): ChildProcess {
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...extraEnv },
    stdio: ['ignore', 'inherit', 'inherit'],
    // Own process group: Ctrl-C reaches this process only, which then stops each in order.
    detached: true,
  });
  children.push({ name, process: child });
  child.once('exit', (code, signal) => {
    if (!stopping) {
      log(`${name} s'est arrêté (${signal ?? `code ${code}`}): arrêt de l'ensemble`);
      void stop(1);
    }
  });
  return child;
}

async function waitForTemporal(deadline: number): Promise<void> {
  for (;;) {
    try {
      const connection = await Connection.connect({ address: temporalAddress, connectTimeout: 1000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`Temporal ne répond pas sur ${temporalAddress}`, { cause: error });
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

/**
 * The dev server keeps an ended workflow for a day only; an ended convention must stay readable,
 * and counted in the reports of its years, for as long as production keeps it (365 days, like
 * deploy/temporal/register-namespace.sh).
 */
const ENDED_CONVENTIONS_KEPT_DAYS = 365;

async function keepEndedConventions(): Promise<void> {
  const connection = await Connection.connect({ address: temporalAddress });
  try {
    await connection.workflowService.updateNamespace({
      namespace: env.TEMPORAL_NAMESPACE,
      config: { workflowExecutionRetentionTtl: msToTs(`${ENDED_CONVENTIONS_KEPT_DAYS} days`) },
    });
  } finally {
    await connection.close();
  }
}

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  // Worker and API first (they drain), the Temporal server last.
  for (const child of [...children].reverse()) {
    if (child.process.exitCode !== null || child.process.signalCode !== null) continue;
    const exited = new Promise<void>((resolve) => child.process.once('exit', () => resolve()));
    child.process.kill('SIGTERM');
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 15_000));
    if ((await Promise.race([exited, timeout])) === 'timeout') {
      log(`${child.name} ne s'arrête pas: SIGKILL`);
      child.process.kill('SIGKILL');
      await exited;
    }
  }
  log('tout est arrêté');
  process.exit(code);
}

/** Reads a secret kept in the data folder, creating it on the first start (mode 0600). */
function localSecret(file: string, create: () => string): string {
  if (!fs.existsSync(file)) fs.writeFileSync(file, `${create()}\n`, { mode: 0o600 });
  return fs.readFileSync(file, 'utf8').trim();
}

/**
 * Payloads are encrypted on the embedded stack too, with a key kept in the data folder (or the
 * one given in ISCG_ENCRYPTION_KEYS); the Web UI reads them through the API's codec server, which
 * masks personal fields. Losing the key file makes the stored conventions unreadable.
 */
function localEncryption(dataDir: string): {
  env: Record<string, string>;
  codecEndpoint: string | null;
  description: string;
} {
  const keys =
    env.ISCG_ENCRYPTION_KEYS ??
    localSecret(path.join(dataDir, 'encryption.keys'), () => `local:${generateKey()}`);
  const token =
    env.ISCG_CODEC_TOKEN ??
    localSecret(path.join(dataDir, 'codec.token'), () => randomBytes(24).toString('base64url'));
  const uiOrigin = `http://localhost:${uiPort}`;
  const codecEndpoint = `http://localhost:${env.PORT}/codec/${token}`;
  return {
    env: {
      ISCG_ENCRYPTION_KEYS: keys,
      ...(env.ISCG_ENCRYPTION_KEY_ID ? { ISCG_ENCRYPTION_KEY_ID: env.ISCG_ENCRYPTION_KEY_ID } : {}),
      ISCG_CODEC_TOKEN: token,
      ISCG_CODEC_CORS_ORIGINS: env.ISCG_CODEC_CORS_ORIGINS ?? `${uiOrigin},http://127.0.0.1:${uiPort}`,
    },
    codecEndpoint,
    description: env.ISCG_ENCRYPTION_KEYS
      ? 'clés de ISCG_ENCRYPTION_KEYS'
      : `AES-256-GCM, clé locale ${path.join(dataDir, 'encryption.keys')} (à sauvegarder avec la base)`,
  };
}

/**
 * The data folder holds the Temporal database, emails, keys and secrets: the owner's alone.
 * Every process started here inherits a umask that keeps what it creates so (0700 / 0600); what
 * an earlier start left more open is closed again.
 */
function ownerOnly(dataDir: string): void {
  process.umask(0o077);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const close = (dir: string) => {
    fs.chmodSync(dir, 0o700);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) close(file);
      else if (entry.isFile()) fs.chmodSync(file, 0o600);
    }
  };
  close(dataDir);
}

async function main() {
  const dataDir = env.ISCG_DATA_DIR;
  ownerOnly(dataDir);
  for (const [port, what, variable] of [
    [temporalPort, 'Temporal', 'TEMPORAL_PORT'],
    [uiPort, 'Temporal UI', 'TEMPORAL_UI_PORT'],
    [env.PORT, 'API', 'PORT'],
  ] as const)
    if (await portOpen(port))
      throw new Error(`le port ${port} (${what}) est déjà utilisé: libérez-le ou changez ${variable}`);

  const encryption = localEncryption(dataDir);
  const dbFile = path.join(dataDir, 'temporal.db');
  log(`Temporal dev server: ${temporalAddress}, base ${dbFile}`);
  launch('Temporal', resolveCliPath(), [
    'server',
    'start-dev',
    '--db-filename',
    dbFile,
    '--ip',
    '127.0.0.1',
    '--port',
    String(temporalPort),
    '--ui-port',
    String(uiPort),
    '--namespace',
    env.TEMPORAL_NAMESPACE,
    '--log-level',
    'warn',
    '--ui-disable-news-fetch',
    ...(encryption.codecEndpoint ? ['--ui-codec-endpoint', encryption.codecEndpoint] : []),
    ...Object.entries(SEARCH_ATTRIBUTE_CLI_TYPES).flatMap(([name, type]) => [
      '--search-attribute',
      `${name}=${type}`,
    ]),
  ]);
  await waitForTemporal(Date.now() + 60_000);
  await keepEndedConventions();

  const shared = {
    ISCG_DATA_DIR: dataDir,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: env.TEMPORAL_NAMESPACE,
    PORT: String(env.PORT),
    WORKFLOW_BUNDLE_PATH: path.join(root, WORKFLOW_BUNDLE_FILE),
    ...encryption.env,
  };
  launch('worker', process.execPath, [path.join(root, 'dist', 'worker', 'main.js')], shared);
  launch('API', process.execPath, [path.join(root, 'dist', 'client', 'api', 'main.js')], shared);

  const outbox = env.SMTP_URL
    ? `SMTP ${new URL(env.SMTP_URL).host}`
    : `fichiers .eml dans ${dataPath(env, 'outbox')}`;
  log('');
  log(`Temporal Web UI : http://localhost:${uiPort}`);
  log(`API             : http://localhost:${env.PORT}  (documentation /docs, OpenAPI /openapi.json)`);
  log(`Courriels       : ${outbox}`);
  log(`Chiffrement     : ${encryption.description}`);
  log(`Données         : ${dataDir}  (supprimer ce dossier remet tout à zéro)`);
  log('Ctrl-C arrête tout.');
}

process.on('exit', () => {
  for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGKILL');
});
process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));
main().catch((error: unknown) => {
  console.error(`[iscg] ${error instanceof Error ? error.message : String(error)}`);
  void stop(1);
});
