import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import requireTemporal from '../support/require-temporal';
import { requireBuiltStack } from '../support/stack';

/**
 * Browser suites: the built stack, the Temporal binaries, and Chromium, installed from Debian's
 * packages when missing (scripts/install-chromium.mjs, which says what it does and how long it takes).
 */
export default async function globalSetup(): Promise<void> {
  await requireTemporal();
  requireBuiltStack();
  const script = path.resolve(__dirname, '..', '..', 'scripts', 'install-chromium.mjs');
  const result = spawnSync(process.execPath, [script], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (result.status !== 0)
    throw new Error('Chromium is required by the browser tests: see the messages above');
  const executable = result.stdout.trim().split('\n').pop();
  if (executable) process.env.CHROMIUM_PATH = executable;
}
