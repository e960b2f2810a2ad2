import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import supportGlobalSetup from '../support/global-setup';

/**
 * The security suites: Temporal installed and the workflow code bundled (as the other integration
 * suites), and the build of the Temporal Web UI server that production runs started in the
 * background (scripts/install-temporal-server.mjs, shared with the production project; cached
 * under .cache/temporal-server/). test/security/production-ui.test.ts, which the sequencer puts
 * last, waits for it.
 */
export default async function globalSetup(): Promise<void> {
  await supportGlobalSetup();
  const script = path.resolve(__dirname, '..', '..', 'scripts', 'install-temporal-server.mjs');
  const result = spawnSync(process.execPath, [script, '--background'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0)
    throw new Error(
      'the Temporal Web UI server is required by test/security/production-ui.test.ts: see above',
    );
}
