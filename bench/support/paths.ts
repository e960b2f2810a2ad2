import * as path from 'node:path';
import { findRepoRoot } from '../../scripts/temporal-binaries';

/** Sources and outputs, from the repository root: the benchmarks run compiled from .cache/bench/dist. */
export const ROOT = findRepoRoot(__dirname);
export const RESULTS_DIR = path.join(ROOT, 'bench', 'results');
export const WORK_DIR = path.join(ROOT, '.cache', 'bench');
export const CONVENTION_WORKFLOWS = path.join(ROOT, 'workflows', 'index.ts');
export const BARE_WORKFLOWS = path.join(ROOT, 'bench', 'workflows', 'index.ts');
/** Mail templates live beside the sources; the compiled benchmark tree has none of its own. */
export const MAIL_TEMPLATES = path.join(ROOT, 'activities', 'mail', 'templates');
/** The child processes, compiled beside this file. */
export const WORKER_PROCESS = path.join(__dirname, '..', 'processes', 'worker.js');
export const API_PROCESS = path.join(__dirname, '..', 'processes', 'api.js');
