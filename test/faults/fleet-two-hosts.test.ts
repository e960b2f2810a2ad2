import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { ROOT } from '../support/stack';
import { FaultStack } from '../support/faults-stack';
import { FLEET_KEYS } from '../support/faults-fleet';
import { runSeed } from '../support/faults-random';
import { PostgresqlCluster } from '../support/postgresql';
import { expectNothingLostNothingTwice, runFleetUnderFaults, runSize, sizeName } from '../support/faults-run';

/**
 * The fleet under faults with two workers as on two hosts: each its own data folder, nothing
 * shared but the mail journal in PostgreSQL (its database set up by the deployment's job,
 * `docker-entrypoint.sh setup-database mail-journal`). Workers killed at random or in the middle
 * of an SMTP exchange, retries landing on the other one: still nothing lost, nothing twice, every
 * email once but for the residual window the mailer flags.
 *
 * FAULTS_TWO_HOSTS_JOURNAL=folder runs the same without the shared journal (each worker its own
 * folder), to see what the journal in PostgreSQL prevents: that run is expected to fail, with
 * duplicates nothing flagged (docs/reliability.md gives its figures).
 */

const seed = runSeed();
const size = runSize({ workers: 2 });
const shared = process.env.FAULTS_TWO_HOSTS_JOURNAL !== 'folder';
const name = `${sizeName}-two-hosts${shared ? '' : '-no-shared-journal'}`;

jest.setTimeout(sizeName === 'full' ? 90 * 60_000 : 10 * 60_000);

let cluster: PostgresqlCluster;
let stack: FaultStack;

beforeAll(async () => {
  console.log(`faults: deux hôtes, taille ${sizeName}, graine ${seed} (FAULTS_SEED=${seed} pour rejouer)`);
  const password = randomBytes(12).toString('base64url');
  cluster = await new PostgresqlCluster({ superuser: 'temporal', password }).start();
  const url = cluster.url('iscg_mail', 'iscg_mail', randomBytes(12).toString('base64url'));
  const job = spawnSync(
    path.join(ROOT, 'deploy', 'docker-entrypoint.sh'),
    ['setup-database', 'mail-journal'],
    {
      env: {
        PATH: process.env.PATH,
        POSTGRES_SEEDS: '127.0.0.1',
        DB_PORT: String(cluster.port),
        POSTGRES_USER: 'temporal',
        POSTGRES_PWD: password,
        ISCG_MAIL_JOURNAL_URL: url,
      },
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  if (job.status !== 0) throw new Error(`setup-database mail-journal: ${job.stdout}${job.stderr}`);
  stack = new FaultStack({
    logDir: path.join(ROOT, 'test-results', 'faults', `${name}-logs`),
    keys: FLEET_KEYS,
    workers: 2,
    separateHosts: { mailJournalUrl: shared ? url : null },
  });
  await stack.start();
});
afterAll(async () => {
  await stack?.stop();
  stack?.remove();
  await cluster?.remove();
});

test(`two workers sharing only the mail journal in PostgreSQL, under faults (${sizeName})`, async () => {
  const run = await runFleetUnderFaults({
    stack,
    size,
    seed,
    name,
    stackDescription: shared
      ? '2 workers, un dossier chacun, journal des courriels dans PostgreSQL'
      : '2 workers, un dossier chacun, sans journal partagé',
  });
  const journal = await cluster.query<{ state: string; n: number }>(
    'iscg_mail',
    'SELECT state, count(*)::int AS n FROM mail_messages GROUP BY state ORDER BY state',
  );
  console.log(`journal des courriels: ${JSON.stringify(journal)}`);
  expectNothingLostNothingTwice(run);
  if (shared) expect(journal.find((row) => row.state === 'sent')?.n).toBe(run.figures.emails.received);
});
