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
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { answers, ensureDebianPackages } from './debian-packages.mjs';

export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

function log(message) {
  console.error(`[install-chromium] ${message}`);
}

/** Resolves to the path of a working Chromium, installing Debian's package when it is missing. */
export async function ensureChromium() {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    const found = answers(configured);
    if (!found) throw new Error(`CHROMIUM_PATH=${configured} ne démarre pas (chromium --version a échoué)`);
    return configured;
  }
  await ensureDebianPackages([{ name: 'chromium', executable: DEFAULT_CHROMIUM_PATH }]);
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
