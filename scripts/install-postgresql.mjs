#!/usr/bin/env node
/**
 * Makes sure a PostgreSQL server is installed, from Debian's `postgresql` package when missing
 * (through scripts/debian-packages.mjs: root or passwordless sudo), for what runs the deployment
 * outside Docker: the `production` and `faults` test projects, `npm run bench -- --server
 * production`. Nothing is started here: they run their own clusters (initdb) on loopback ports.
 *
 * Prints, as JSON, the folder of the server's programs (initdb, postgres, pg_ctl…), its version,
 * and the system account clusters run as when this process is root (PostgreSQL refuses to run as
 * root: Debian's package creates `postgres`).
 * Environment: POSTGRESQL_BIN=/path/to/bin uses that installation, installs none.
 * Plain Node ESM with no npm dependency; exported: `ensurePostgresql()`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDebianPackages } from './debian-packages.mjs';

const DEBIAN_ROOT = '/usr/lib/postgresql';

/** The newest major under /usr/lib/postgresql with a server, or null. */
function findDebianServer() {
  if (!fs.existsSync(DEBIAN_ROOT)) return null;
  const majors = fs
    .readdirSync(DEBIAN_ROOT)
    .filter((name) => /^\d+$/.test(name) && fs.existsSync(path.join(DEBIAN_ROOT, name, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return majors.length ? path.join(DEBIAN_ROOT, majors[0], 'bin', 'postgres') : null;
}

function describe(bin) {
  const version = spawnSync(path.join(bin, 'postgres'), ['--version'], { encoding: 'utf8' });
  if (version.status !== 0) throw new Error(`${bin}/postgres --version a échoué: ${version.stderr}`);
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  let runAs = null;
  if (root) {
    const account = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const group = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (account.status !== 0)
      throw new Error(
        "PostgreSQL refuse de tourner en root et le compte système « postgres » n'existe pas: créez-le (useradd --system postgres)",
      );
    runAs = { user: 'postgres', uid: Number(account.stdout), gid: Number(group.stdout) };
  }
  return { bin, version: version.stdout.trim(), runAs };
}

export async function ensurePostgresql() {
  const configured = process.env.POSTGRESQL_BIN;
  if (configured) return describe(configured);
  await ensureDebianPackages([
    { name: 'postgresql', executable: findDebianServer, label: `${DEBIAN_ROOT}/<version>/bin/postgres` },
  ]);
  return describe(path.dirname(findDebianServer()));
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensurePostgresql().then(
    (found) => console.log(JSON.stringify(found)),
    (error) => {
      console.error(`[install-postgresql] échec: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
