#!/usr/bin/env node
/**
 * Installs Debian packages that tests and tools need (a browser, PDF tools, a database server…),
 * through apt, when their executable is missing. Idempotent and fast when they are there: it only
 * checks that each executable answers its version flag.
 *
 * Needs root (or passwordless sudo) on a Debian or Ubuntu machine to install; waits for another
 * apt or dpkg run to finish instead of failing on its lock.
 *
 * Usage: node scripts/debian-packages.mjs <package>:<executable>[:<version argument>] [...]
 *   e.g. node scripts/debian-packages.mjs poppler-utils:/usr/bin/pdftotext openssl:/usr/bin/openssl:version
 * Plain Node ESM with no npm dependency. Exported: `ensureDebianPackages()`, for jest global setups.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

function log(message) {
  console.error(`[debian-packages] ${message}`);
}

/**
 * The executable runs and prints a version: the package is installed and its libraries load.
 * `executable` may be a function that finds it (a path that depends on the package's version).
 */
export function answers(executable, versionArgs = ['--version']) {
  if (typeof executable === 'function') executable = executable();
  if (!executable || !fs.existsSync(executable)) return null;
  const result = spawnSync(executable, versionArgs, { encoding: 'utf8', timeout: 30_000 });
  return result.status === 0 ? `${result.stdout}${result.stderr}`.trim().split('\n')[0] : null;
}

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function hasSudo() {
  return spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
}

/** Runs a command with its output shown behind a prefix; rejects on a non-zero exit. */
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
        : reject(new Error(`${command} ${args.join(' ')} a échoué (code ${code}):\n${tail.join('\n')}`)),
    );
  });
}

/**
 * Makes sure each `{ name, executable, versionArgs?, label? }` answers (`executable`: a path, or a
 * function that finds one; `label` names it in errors), installing the missing packages in
 * one apt run. Resolves to a map from package name to the first line of its version.
 */
export async function ensureDebianPackages(packages) {
  const versions = new Map();
  const missing = [];
  for (const p of packages) {
    const found = answers(p.executable, p.versionArgs);
    if (found) versions.set(p.name, found);
    else missing.push(p);
  }
  if (missing.length === 0) return versions;

  const names = missing.map((p) => p.name);
  if (!fs.existsSync('/usr/bin/apt-get'))
    throw new Error(`${names.join(', ')}: absent(s) et apt-get introuvable; installez-les à la main`);
  const sudo = isRoot() ? [] : hasSudo() ? ['sudo', '-n'] : null;
  if (!sudo)
    throw new Error(
      `${names.join(', ')}: absent(s) et leur installation demande les droits root: lancez ` +
        `\`sudo apt-get install -y ${names.join(' ')}\``,
    );
  const lock = ['-o', 'DPkg::Lock::Timeout=900'];
  const apt = (args) =>
    sudo.length
      ? run(sudo[0], [...sudo.slice(1), 'apt-get', ...lock, ...args])
      : run('apt-get', [...lock, ...args]);

  const started = Date.now();
  log(`absent(s): ${names.join(', ')}; installation des paquets Debian`);
  await apt(['update']);
  await apt(['install', '-y', '--no-install-recommends', ...names]);
  for (const p of missing) {
    const found = answers(p.executable, p.versionArgs);
    if (!found)
      throw new Error(`le paquet ${p.name} est installé mais ${p.label ?? p.executable} ne répond pas`);
    versions.set(p.name, found);
  }
  log(`${names.join(', ')} installé(s) en ${Math.round((Date.now() - started) / 1000)} s`);
  return versions;
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const packages = process.argv.slice(2).map((arg) => {
    const [name, executable, versionArg] = arg.split(':');
    if (!name || !executable) {
      log(`argument « ${arg} »: <paquet>:<exécutable>[:<option de version>] attendu`);
      process.exit(2);
    }
    return { name, executable, ...(versionArg ? { versionArgs: [versionArg] } : {}) };
  });
  ensureDebianPackages(packages).then(
    (versions) => {
      for (const [name, version] of versions) console.log(`${name}: ${version}`);
    },
    (error) => {
      log(`échec: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
