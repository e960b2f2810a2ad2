#!/usr/bin/env node
/**
 * Installs the browser the browser tests drive: Debian's `chromium` package, through apt. The tests
 * use `playwright-core` with this executable; Playwright's own browser downloads are never used.
 *
 * Idempotent and fast when the browser is there: it only checks that the executable runs.
 * Otherwise it runs `apt-get update` and `apt-get install -y --no-install-recommends chromium`,
 * which needs root (or passwordless sudo) on a Debian or Ubuntu machine.
 *
 * Environment:
 *   CHROMIUM_PATH=/path/to/chromium   use this browser, install none
 *
 * Prints the executable's path as its last line; exits non-zero, saying what to do, on failure.
 * Plain Node ESM with no npm dependency. Also exported: `ensureChromium()`, for jest's globalSetup.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

function log(message) {
  console.error(`[install-chromium] ${message}`);
}

/** `chromium --version` answers: the package is installed and its libraries load. */
function version(executable) {
  if (!fs.existsSync(executable)) return null;
  const result = spawnSync(executable, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  return result.status === 0 ? result.stdout.trim() : null;
}

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function hasSudo() {
  return spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
}

/** Runs a command with its output shown, line by line, behind a prefix; rejects on a non-zero exit. */
function run(command, args) {
  return new Promise((resolve, reject) => {
    log(`$ ${command} ${args.join(' ')}`);
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    const tail = [];
    const forward = (chunk) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 20) tail.shift();
        // apt prints one line per package fetched and unpacked: enough to see progress.
        if (/^(Get:|Hit:|Unpacking|Setting up|E:|W:)/.test(line)) log(`  ${line.trim()}`);
      }
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.once('error', (error) => reject(new Error(`${command} introuvable: ${error.message}`)));
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${args[0]} a échoué (code ${code}):\n${tail.join('\n')}`)),
    );
  });
}

/** Resolves to the path of a working Chromium, installing Debian's package when it is missing. */
export async function ensureChromium() {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    const found = version(configured);
    if (!found) throw new Error(`CHROMIUM_PATH=${configured} ne démarre pas (chromium --version a échoué)`);
    return configured;
  }
  const present = version(DEFAULT_CHROMIUM_PATH);
  if (present) return DEFAULT_CHROMIUM_PATH;

  if (!fs.existsSync('/usr/bin/apt-get'))
    throw new Error(
      `${DEFAULT_CHROMIUM_PATH} est absent et apt-get introuvable: installez Chromium ` +
        'et donnez son chemin dans CHROMIUM_PATH',
    );
  const sudo = isRoot() ? [] : hasSudo() ? ['sudo', '-n'] : null;
  if (!sudo)
    throw new Error(
      `${DEFAULT_CHROMIUM_PATH} est absent et son installation demande les droits root: lancez ` +
        '`sudo apt-get install -y chromium`, ou donnez le chemin d’un Chromium dans CHROMIUM_PATH',
    );
  const apt = (args) =>
    sudo.length ? run(sudo[0], [...sudo.slice(1), 'apt-get', ...args]) : run('apt-get', args);

  const started = Date.now();
  log('Chromium absent: installation du paquet Debian `chromium` (une minute environ)');
  await apt(['update']);
  await apt(['install', '-y', '--no-install-recommends', 'chromium']);
  const installed = version(DEFAULT_CHROMIUM_PATH);
  if (!installed)
    throw new Error(`le paquet chromium est installé mais ${DEFAULT_CHROMIUM_PATH} ne démarre pas`);
  log(`${installed} installé en ${Math.round((Date.now() - started) / 1000)} s`);
  return DEFAULT_CHROMIUM_PATH;
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureChromium().then(
    (executable) => console.log(executable),
    (error) => {
      log(`échec: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
