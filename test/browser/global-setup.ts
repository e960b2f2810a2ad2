import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import requireTemporal from '../support/require-temporal';
import { requireBuiltStack } from '../support/stack';

/**
 * Browser suites: the built stack, the Temporal binaries, Chromium, and LibreOffice Calc (what a
 * person opens the reports' CSV files with), installed from Debian's packages when missing
 * (scripts/install-chromium.mjs and scripts/debian-packages.mjs, which say what they do and how
 * long it takes; Calc without its desktop parts, `libreoffice-calc-nogui`: about 220 MB installed, half a minute).
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
  const calc = spawnSync(
    process.execPath,
    [
      path.resolve(__dirname, '..', '..', 'scripts', 'debian-packages.mjs'),
      'libreoffice-calc-nogui:/usr/bin/soffice',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' },
  );
  if (calc.status !== 0)
    throw new Error('LibreOffice Calc is required by the CSV tests: see the messages above');
}
