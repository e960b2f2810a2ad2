/**
 * Where the Temporal binaries are: the CLI (whose `server start-dev` is the dev server) and the time-skipping
 * test server. `npm run setup` (scripts/install-temporal.mjs) installs them into `.cache/temporal/` and lists
 * them in `.cache/temporal/manifest.json`; the environment variables below override either one.
 *
 * The SDK is handed these paths as `{ type: 'existing-path', path }`, so it never downloads a binary itself.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const PACKAGE_NAME = 'iscg-conventions';
export const CLI_PATH_ENV = 'TEMPORAL_CLI_PATH';
export const TEST_SERVER_PATH_ENV = 'TEMPORAL_TEST_SERVER_PATH';
/** Manifest location, relative to the repository root. */
export const MANIFEST_RELATIVE_PATH = path.join('.cache', 'temporal', 'manifest.json');

export interface TemporalBinaries {
  /** The Temporal CLI (`temporal server start-dev` runs the dev server). */
  cliPath: string;
  /** The time-skipping test server (`<testServerPath> <port>`). */
  testServerPath: string;
}

/** Structurally the `existing-path` variant of `@temporalio/testing`'s `EphemeralServerExecutable`. */
export interface ExistingPathExecutable {
  type: 'existing-path';
  path: string;
}

export interface ResolveOptions {
  /** Environment to read the overrides from; defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Repository root holding `.cache/temporal/manifest.json`; defaults to {@link findRepoRoot}. */
  root?: string;
}

interface ManifestEntry {
  path?: unknown;
  version?: unknown;
  source?: unknown;
}

const SETUP_HINT =
  `Run \`npm run setup\` to install them into .cache/temporal/, ` +
  `or set ${CLI_PATH_ENV} and ${TEST_SERVER_PATH_ENV} to existing binaries.`;

/**
 * The repository root: the nearest folder, walking up from `startDir`, whose package.json is named
 * "iscg-conventions". Works from `scripts/` (sources, ts-node, jest) and from `dist/scripts/` (compiled).
 */
export function findRepoRoot(startDir: string = __dirname): string {
  let dir = path.resolve(startDir);
  for (;;) {
    const packageJson = path.join(dir, 'package.json');
    if (fs.existsSync(packageJson)) {
      try {
        const { name } = JSON.parse(fs.readFileSync(packageJson, 'utf8')) as { name?: unknown };
        if (name === PACKAGE_NAME) return dir;
      } catch {
        // Not a readable package.json: keep walking up.
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`Could not find the ${PACKAGE_NAME} repository root above ${startDir}.`);
    }
    dir = parent;
  }
}

export function manifestPath(root: string = findRepoRoot()): string {
  return path.join(root, MANIFEST_RELATIVE_PATH);
}

/** Which rule `file` breaks for the binaries' checks (it must exist, be a file, be executable), or undefined. */
function whyNotExecutable(file: string): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return 'no such file';
  }
  if (!stat.isFile()) return 'not a file (a directory or a device)';
  try {
    fs.accessSync(file, fs.constants.X_OK);
  } catch {
    return 'not an executable file (no execute permission)';
  }
  return undefined;
}

function fromEnv(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  if (value === undefined || value.trim() === '') return undefined;
  const file = path.resolve(value);
  const why = whyNotExecutable(file);
  if (why) throw new Error(`${name}=${value}: ${why}.`);
  return file;
}

function readManifest(file: string): Record<string, ManifestEntry | undefined> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new Error(`Temporal binaries are not installed (no ${file}). ${SETUP_HINT}`);
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed === null || typeof parsed !== 'object') throw new Error('not an object');
    return parsed as Record<string, ManifestEntry | undefined>;
  } catch (error) {
    throw new Error(`Temporal binaries manifest ${file} is unreadable (${String(error)}). ${SETUP_HINT}`, {
      cause: error,
    });
  }
}

function fromManifest(
  manifest: Record<string, ManifestEntry | undefined>,
  key: 'cli' | 'testServer',
  label: string,
  file: string,
): string {
  const entry = manifest[key];
  if (!entry || typeof entry.path !== 'string' || entry.path === '') {
    throw new Error(`The Temporal ${label} is not installed (no "${key}" in ${file}). ${SETUP_HINT}`);
  }
  const why = whyNotExecutable(entry.path);
  if (why) {
    throw new Error(
      `The Temporal ${label} listed in ${file} cannot be run (${why}): ${entry.path}. ${SETUP_HINT}`,
    );
  }
  return entry.path;
}

function resolveOne(
  options: ResolveOptions,
  envName: string,
  key: 'cli' | 'testServer',
  label: string,
): string {
  const override = fromEnv(options.env ?? process.env, envName);
  if (override) return override;
  const file = manifestPath(options.root ?? findRepoRoot());
  return fromManifest(readManifest(file), key, label, file);
}

/** Path of the Temporal CLI: `TEMPORAL_CLI_PATH`, else the manifest. */
export function resolveCliPath(options: ResolveOptions = {}): string {
  return resolveOne(options, CLI_PATH_ENV, 'cli', 'CLI');
}

/** Path of the time-skipping test server: `TEMPORAL_TEST_SERVER_PATH`, else the manifest. */
export function resolveTestServerPath(options: ResolveOptions = {}): string {
  return resolveOne(options, TEST_SERVER_PATH_ENV, 'testServer', 'test server');
}

/**
 * Paths of the Temporal CLI and test server: `TEMPORAL_CLI_PATH` / `TEMPORAL_TEST_SERVER_PATH` first (each
 * must be an existing executable), otherwise `.cache/temporal/manifest.json`. Throws an Error that says to
 * run `npm run setup` when they are not installed.
 */
export function resolveTemporalBinaries(options: ResolveOptions = {}): TemporalBinaries {
  // Both overrides are checked before the manifest is read, so that a wrong override is the error reported.
  const env = options.env ?? process.env;
  fromEnv(env, CLI_PATH_ENV);
  fromEnv(env, TEST_SERVER_PATH_ENV);
  return { cliPath: resolveCliPath(options), testServerPath: resolveTestServerPath(options) };
}

/** For `TestWorkflowEnvironment.createLocal({ server: { executable: devServerExecutable() } })`. */
export function devServerExecutable(options?: ResolveOptions): ExistingPathExecutable {
  return { type: 'existing-path', path: resolveCliPath(options) };
}

/** For `TestWorkflowEnvironment.createTimeSkipping({ server: { executable: testServerExecutable() } })`. */
export function testServerExecutable(options?: ResolveOptions): ExistingPathExecutable {
  return { type: 'existing-path', path: resolveTestServerPath(options) };
}
