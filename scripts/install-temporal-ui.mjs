#!/usr/bin/env node
/**
 * Builds Temporal's Web UI server (`github.com/temporalio/ui-server/v2`, the program of the
 * `temporalio/ui` image) from the Go module proxy, at the version docker-compose.yml runs, into
 * the git-ignored `.cache/temporal-ui/<version>/`: the binary `ui-server` and the `config/` folder
 * the image starts it with (`--env docker`, the environment-templated `docker.yaml`). The module
 * carries the UI's built assets, so the binary serves the whole UI. The security suite runs it
 * with the production configuration (test/security/production-ui.test.ts).
 *
 * Idempotent: with the binary in place it only checks that it answers `--version`. A cold build
 * takes a few minutes (Go modules fetched, then compiled). Needs `go` on the PATH (Go 1.26 here;
 * GOTOOLCHAIN fetches a newer one from the module proxy if the module asks for it).
 *
 * Plain Node ESM with no npm dependency. Exported: `ensureTemporalUi()`, for jest global setups.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MODULE = 'github.com/temporalio/ui-server/v2';

function log(message) {
  console.error(`[temporal-ui] ${message}`);
}

/** The version of the `temporalio/ui` image in docker-compose.yml: the UI production runs. */
export function composeUiVersion() {
  const compose = fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
  const match = /image:\s*temporalio\/ui:(\d+\.\d+\.\d+)\s*$/m.exec(compose);
  if (!match) throw new Error('docker-compose.yml: image temporalio/ui:<version> introuvable');
  return match[1];
}

export function temporalUiPaths(version = composeUiVersion()) {
  const dir = path.join(ROOT, '.cache', 'temporal-ui', version);
  return { dir, binary: path.join(dir, 'ui-server'), config: path.join(dir, 'config') };
}

function run(command, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')}: code ${code}`)),
    );
  });
}

/** Builds the UI server at the compose file's version unless it is there already; returns its paths. */
export async function ensureTemporalUi() {
  const version = composeUiVersion();
  const paths = temporalUiPaths(version);
  if (fs.existsSync(paths.binary) && fs.existsSync(path.join(paths.config, 'docker.yaml'))) {
    const check = spawnSync(paths.binary, ['--version'], { encoding: 'utf8', timeout: 20_000 });
    if (check.status === 0) return paths;
  }
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.status !== 0)
    throw new Error(
      'go introuvable: il faut Go (1.26 ou plus) pour construire le serveur du Web UI de Temporal',
    );
  log(
    `construction de ${MODULE}@v${version} depuis le proxy de modules Go (quelques minutes la première fois)`,
  );
  const gobin = path.join(paths.dir, 'bin');
  fs.mkdirSync(gobin, { recursive: true });
  await run('go', ['install', `${MODULE}/cmd/server@v${version}`], { GOBIN: gobin, GOFLAGS: '-mod=mod' });
  const modDir = spawnSync('go', ['list', '-m', '-f', '{{.Dir}}', `${MODULE}@v${version}`], {
    encoding: 'utf8',
    env: { ...process.env, GOFLAGS: '-mod=mod' },
    cwd: paths.dir,
  });
  const source =
    modDir.status === 0 && modDir.stdout.trim()
      ? modDir.stdout.trim()
      : path.join(
          spawnSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).stdout.trim(),
          `${MODULE}@v${version}`,
        );
  fs.rmSync(paths.config, { recursive: true, force: true });
  fs.mkdirSync(paths.config, { recursive: true });
  for (const file of ['base.yaml', 'docker.yaml'])
    fs.copyFileSync(path.join(source, 'config', file), path.join(paths.config, file));
  fs.renameSync(path.join(gobin, 'server'), paths.binary);
  fs.rmSync(gobin, { recursive: true, force: true });
  log(`prêt: ${path.relative(ROOT, paths.binary)}`);
  return paths;
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  ensureTemporalUi().catch((error) => {
    log(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
