import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import supportGlobalSetup from '../support/global-setup';

/**
 * The security suites: Temporal installed and the workflow code bundled (as the other integration
 * suites), and Temporal's own Web UI server built at the version production runs
 * (scripts/install-temporal-ui.mjs, which says what it does and how long it takes; cached under
 * .cache/temporal-ui/).
 */
export default async function globalSetup(): Promise<void> {
  await supportGlobalSetup();
  const script = path.resolve(__dirname, '..', '..', 'scripts', 'install-temporal-ui.mjs');
  const result = spawnSync(process.execPath, [script], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0)
    throw new Error(
      'the Temporal Web UI server is required by test/security/production-ui.test.ts: see above',
    );
}
