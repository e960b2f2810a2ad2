import * as path from 'node:path';
import { ROOT } from '../support/stack';
import { FaultStack } from '../support/faults-stack';
import { FLEET_KEYS } from '../support/faults-fleet';
import { runSeed } from '../support/faults-random';
import { expectNothingLostNothingTwice, runFleetUnderFaults, runSize, sizeName } from '../support/faults-run';

/**
 * A fleet of conventions lived on the real stack (Temporal dev server on its SQLite file, worker
 * and API processes, an SMTP relay) while the stack is broken on purpose: workers killed with
 * SIGKILL, the relay refusing mail, Temporal stopped and started again, transitions sent twice,
 * at once and out of order. Then, convention by convention: every transition answered 2xx is in
 * the history, none twice, none that nobody sent; the relay received exactly the emails the
 * domain's rules call for (by Message-ID and recipients); duplicates are counted, and those of the
 * mailer's documented residual window are told apart. `npm test` runs the reduced size;
 * `npm run test:faults` the full one (its two workers share the mail journal's folder, as workers
 * of one host do; fleet-two-hosts.test.ts runs workers that share nothing but PostgreSQL).
 * FAULTS_SEED replays a run's choices. The run itself: test/support/faults-run.ts.
 */

const seed = runSeed();
const size = runSize();

jest.setTimeout(sizeName === 'full' ? 90 * 60_000 : 10 * 60_000);

let stack: FaultStack;

beforeAll(async () => {
  console.log(`faults: taille ${sizeName}, graine ${seed} (FAULTS_SEED=${seed} pour rejouer ces choix)`);
  stack = new FaultStack({
    logDir: path.join(ROOT, 'test-results', 'faults', `${sizeName}-logs`),
    keys: FLEET_KEYS,
    workers: size.workers,
  });
  await stack.start();
});
afterAll(async () => {
  await stack?.stop();
  stack?.remove();
});

test(`a fleet of conventions under faults: nothing lost, nothing twice (${sizeName})`, async () => {
  const run = await runFleetUnderFaults({
    stack,
    size,
    seed,
    name: sizeName,
    stackDescription:
      size.workers > 1 ? `${size.workers} workers, un dossier de journal partagé` : '1 worker',
  });
  expectNothingLostNothingTwice(run);
});
