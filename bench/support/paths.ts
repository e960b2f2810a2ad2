import * as path from 'node:path';
import { findRepoRoot } from '../../scripts/temporal-binaries';

/** Sources and outputs, from the repository root: the benchmarks run compiled from .cache/bench/dist. */
export const ROOT = findRepoRoot(__dirname);
export const RESULTS_DIR = path.join(ROOT, 'bench', 'results');
export const WORK_DIR = path.join(ROOT, '.cache', 'bench');
/**
 * Both workflow codes are bundled from their tsc output, as `npm run build` bundles the worker's:
 * bundled from the TypeScript sources, the SDK's loader would compile them for an older target
 * (object spread through helpers, for one) and the benchmark would measure other code.
 */
export const CONVENTION_WORKFLOWS = path.join(__dirname, '..', '..', 'workflows', 'index.js');
export const BARE_WORKFLOWS = path.join(__dirname, '..', 'workflows', 'index.js');
/** Mail templates live beside the sources; the compiled benchmark tree has none of its own. */
export const MAIL_TEMPLATES = path.join(ROOT, 'activities', 'mail', 'templates');
/** The child processes, compiled beside this file. */
export const WORKER_PROCESS = path.join(__dirname, '..', 'processes', 'worker.js');
export const API_PROCESS = path.join(__dirname, '..', 'processes', 'api.js');
