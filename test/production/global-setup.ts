import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import requireTemporal from '../support/require-temporal';
import { requireBuiltStack, ROOT } from '../support/stack';
import { postgresqlInstall } from '../support/postgresql';

/**
 * The production project needs the built code the containers run, the Temporal CLI (the namespace
 * job's `temporal`), PostgreSQL and openssl from Debian (installed when missing), and the
 * production Temporal server, its schema tool and the UI server, built from the Go module proxy
 * (minutes, once: cached in .cache/temporal-server/). That build starts here, in the background at
 * the lowest CPU priority, so that the other projects' tests run meanwhile; the production tests,
 * which the sequencer puts last, wait for it (test/support/sequencer.mjs).
 */
export default async function globalSetup(): Promise<void> {
  await requireTemporal();
  requireBuiltStack();
  const build = spawnSync(
    process.execPath,
    [path.join(ROOT, 'scripts', 'install-temporal-server.mjs'), '--background'],
    {
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  if (build.status !== 0)
    throw new Error('le serveur Temporal de production ne peut pas être construit: voir ci-dessus');
  const tools = spawnSync(
    process.execPath,
    [path.join(ROOT, 'scripts', 'debian-packages.mjs'), 'openssl:/usr/bin/openssl:version'],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  if (tools.status !== 0) throw new Error('openssl est requis (certificats mTLS): voir ci-dessus');
  postgresqlInstall();
}
