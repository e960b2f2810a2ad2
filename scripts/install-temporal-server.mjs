#!/usr/bin/env node
/**
 * Builds the production Temporal server, its SQL schema tool and the Temporal Web UI server from
 * the Go module proxy into `.cache/temporal-server/`, for what runs the deployment outside Docker
 * (the `production` test project, `npm run bench -- --server production`):
 *
 *   GOTOOLCHAIN=go1.27.3 go install go.temporal.io/server/cmd/server@v1.32.2 \
 *     go.temporal.io/server/cmd/tools/sql@v1.32.2
 *   GOTOOLCHAIN=go1.27.3 go install github.com/temporalio/ui-server/v2/cmd/server@v2.54.1
 *
 * the versions of the images in docker-compose.yml. The Go toolchain directive fetches the Go the
 * modules need; the Go caches live in `.cache/go/` (about 3 GB). A cold build takes minutes (about
 * five on two free cores), a warm check a fraction of a second.
 *
 * Beside the binaries, under the names the images give them (`temporal-server`,
 * `temporal-sql-tool`, `ui-server`), it keeps what the images hold besides: the SQL schemas
 * (`schema/postgresql/v12`, the admin-tools image's /etc/temporal/schema), the server image's entry
 * point (`docker/entrypoint.sh`) and the UI server's configuration templates (`ui/config/`).
 * `.cache/temporal-server/manifest.json` lists them.
 *
 * Usage: node scripts/install-temporal-server.mjs [--background | --status]
 *   (none)         installs if needed and waits; waits for a build already running instead of
 *                  starting a second one
 *   --background   starts the build in a detached process at the lowest CPU priority and returns
 *                  at once (nothing to do if installed or already building); its output goes to
 *                  .cache/temporal-server/build.log
 *   --status       prints installed, building or absent
 * Plain Node ESM with no npm dependency.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIR = path.join(ROOT, '.cache', 'temporal-server');
const GO_DIR = path.join(ROOT, '.cache', 'go');
const MANIFEST = path.join(DIR, 'manifest.json');
const LOCK = path.join(DIR, 'build.lock');
const LOG = path.join(DIR, 'build.log');

/** Pinned: a change of pin rebuilds. The same versions as the images of docker-compose.yml. */
export const PINS = {
  toolchain: 'go1.27.3',
  server: { module: 'go.temporal.io/server', version: 'v1.32.2' },
  ui: { module: 'github.com/temporalio/ui-server/v2', version: 'v2.54.1' },
};

const BINARIES = [
  { name: 'temporal-server', package: `${PINS.server.module}/cmd/server`, built: 'server', pin: 'server' },
  { name: 'temporal-sql-tool', package: `${PINS.server.module}/cmd/tools/sql`, built: 'sql', pin: 'server' },
  { name: 'ui-server', package: `${PINS.ui.module}/cmd/server`, built: 'server', pin: 'ui' },
];

const log = (message) => console.error(`[temporal-server] ${message}`);

function goEnv() {
  return {
    ...process.env,
    GOTOOLCHAIN: PINS.toolchain,
    GOPATH: GO_DIR,
    GOMODCACHE: path.join(GO_DIR, 'mod'),
    GOCACHE: path.join(GO_DIR, 'build'),
    // Static binaries, like the images': no C compiler needed.
    CGO_ENABLED: '0',
  };
}

function readManifest() {
  try {
    return JSON.parse(fs.readFileSync(MANIFEST, 'utf8'));
  } catch {
    return null;
  }
}

/** Why the installed files cannot be used, or null when they can. */
export function staleReason(manifest = readManifest()) {
  if (!manifest) return 'not installed';
  if (JSON.stringify(manifest.pins) !== JSON.stringify(PINS)) return 'pins changed';
  for (const file of Object.values(manifest.paths ?? {}))
    if (!fs.existsSync(file)) return `${file} is missing`;
  return null;
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** The pid of a build in progress, or null (a lock left by a dead process is removed). */
function runningBuild() {
  let pid;
  try {
    pid = Number(fs.readFileSync(LOCK, 'utf8'));
  } catch {
    return null;
  }
  if (pid && pidAlive(pid)) return pid;
  fs.rmSync(LOCK, { force: true });
  return null;
}

function takeLock() {
  fs.mkdirSync(DIR, { recursive: true });
  // A background build's lock is written by its parent, with this process's pid.
  if (runningBuild() === process.pid) return true;
  try {
    fs.writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
    return true;
  } catch {
    return runningBuild() === null && takeLock();
  }
}

function run(command, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', (error) => reject(new Error(`${command}: ${error.message}`)));
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} a échoué (code ${code})`)),
    );
  });
}

function copyTree(from, to) {
  fs.rmSync(to, { recursive: true, force: true });
  fs.cpSync(from, to, { recursive: true });
  // Module cache files are read-only; copies that stay so could not be replaced by the next build.
  for (const entry of fs.readdirSync(to, { recursive: true }))
    fs.chmodSync(path.join(to, entry), fs.statSync(path.join(to, entry)).isDirectory() ? 0o755 : 0o644);
}

async function build() {
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.status !== 0)
    throw new Error(
      'go introuvable: installez Go 1.21 ou plus récent (la directive de toolchain télécharge ensuite la version requise)',
    );
  const started = Date.now();
  log(
    `build of Temporal ${PINS.server.version} and the UI server ${PINS.ui.version} with ${go.stdout.trim()}`,
  );
  const staging = fs.mkdtempSync(path.join(DIR, '.staging-'));
  try {
    const gobin = (pin) => path.join(staging, 'gobin', pin);
    for (const pin of ['server', 'ui']) {
      const packages = BINARIES.filter((b) => b.pin === pin).map((b) => `${b.package}@${PINS[pin].version}`);
      await run('go', ['install', ...packages], { ...goEnv(), GOBIN: gobin(pin) });
    }
    const modules = path.join(GO_DIR, 'mod');
    const serverModule = path.join(modules, `${PINS.server.module}@${PINS.server.version}`);
    const uiModule = path.join(modules, `${PINS.ui.module}@${PINS.ui.version}`);
    const bin = path.join(DIR, 'bin');
    fs.mkdirSync(bin, { recursive: true });
    const paths = {};
    for (const binary of BINARIES) {
      const target = path.join(bin, binary.name);
      fs.renameSync(path.join(gobin(binary.pin), binary.built), target);
      paths[binary.name] = target;
    }
    copyTree(path.join(serverModule, 'schema', 'postgresql'), path.join(DIR, 'schema', 'postgresql'));
    paths.schema = path.join(DIR, 'schema', 'postgresql', 'v12');
    fs.mkdirSync(path.join(DIR, 'docker'), { recursive: true });
    // The image's own entry point, unchanged but for its interpreter: it sets pipefail, which
    // Alpine's sh (the image's) knows and Debian's dash does not.
    const entrypoint = fs.readFileSync(
      path.join(serverModule, 'docker', 'scripts', 'sh', 'entrypoint.sh'),
      'utf8',
    );
    if (!entrypoint.startsWith('#!/bin/sh\n'))
      throw new Error("l'entrée de l'image ne commence plus par #!/bin/sh");
    fs.writeFileSync(
      path.join(DIR, 'docker', 'entrypoint.sh'),
      entrypoint.replace('#!/bin/sh\n', '#!/bin/bash\n'),
      {
        mode: 0o755,
      },
    );
    paths.entrypoint = path.join(DIR, 'docker', 'entrypoint.sh');
    copyTree(path.join(uiModule, 'config'), path.join(DIR, 'ui', 'config'));
    paths.uiConfig = path.join(DIR, 'ui', 'config');
    const manifest = {
      pins: PINS,
      paths,
      go: go.stdout.trim(),
      builtAt: new Date().toISOString(),
      buildSeconds: Math.round((Date.now() - started) / 1000),
    };
    fs.writeFileSync(`${MANIFEST}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
    fs.renameSync(`${MANIFEST}.tmp`, MANIFEST);
    log(`built in ${manifest.buildSeconds} s: ${MANIFEST}`);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Installs unless installed; waits for a build another process runs. Resolves to the manifest. */
export async function ensureTemporalServer({ timeoutMs = 60 * 60_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    if (!staleReason()) return readManifest();
    const other = runningBuild();
    // A background build's parent wrote this process's pid in the lock: the build is this one.
    if ((other === null || other === process.pid) && takeLock()) {
      try {
        if (staleReason()) await build();
        return readManifest();
      } finally {
        fs.rmSync(LOCK, { force: true });
      }
    }
    if (!announced) log(`a build is running (pid ${other}, output in ${LOG}): waiting for it`);
    announced = true;
    if (Date.now() > deadline) throw new Error(`the build of pid ${other} did not end in time`);
    await delay(2_000);
    if (runningBuild() === null && staleReason()) {
      // The other build ended without installing: say why, from its log, rather than start again.
      const tail = fs.existsSync(LOG) ? fs.readFileSync(LOG, 'utf8').trim().split('\n').slice(-15) : [];
      throw new Error(`the build failed (${LOG}):\n${tail.join('\n')}`);
    }
  }
}

/** Starts a detached build at the lowest priority unless installed or already building. */
export function startBackgroundBuild() {
  if (!staleReason()) return 'installed';
  if (runningBuild() !== null) return 'building';
  fs.mkdirSync(DIR, { recursive: true });
  const out = fs.openSync(LOG, 'w');
  const script = fileURLToPath(import.meta.url);
  const niced = spawnSync('nice', ['--version'], { stdio: 'ignore' }).status === 0;
  const [command, args] = niced
    ? ['nice', ['-n', '19', process.execPath, script]]
    : [process.execPath, [script]];
  const child = spawn(command, args, { detached: true, stdio: ['ignore', out, out] });
  // Taken at once for the child (`nice` execs node, same pid): a caller that waits right after
  // finds the build running rather than start a second one.
  if (child.pid) fs.writeFileSync(LOCK, String(child.pid));
  child.unref();
  fs.closeSync(out);
  return 'started';
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const flag = process.argv[2];
  if (flag === '--status') {
    console.log(!staleReason() ? 'installed' : runningBuild() !== null ? 'building' : 'absent');
  } else if (flag === '--background') {
    const state = startBackgroundBuild();
    log(state === 'started' ? `build started in the background (output in ${LOG})` : state);
  } else if (flag === undefined) {
    ensureTemporalServer().then(
      () => console.log(MANIFEST),
      (error) => {
        log(`échec: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  } else {
    log(`option inconnue ${flag}: --background, --status ou rien`);
    process.exit(64);
  }
}
