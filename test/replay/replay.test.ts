import * as fs from 'node:fs';
import * as path from 'node:path';
import { DeterminismViolationError } from '@temporalio/workflow';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { HISTORIES_DIR } from '../support/life';
import { WORKFLOW_BUNDLE_PATH } from '../support/bundle-path';
import { installTestRuntime } from '../support/workflow-env';
import { version } from '../../package.json';

/**
 * Every recorded life of a convention replays against the current workflow code: the corpus of
 * each released version (`histories/v<version>/`, frozen at its release) and the recordings of
 * the code in progress (`histories/*.json`, written by `npm run record-histories`). Conventions
 * started under any released version may still be running, so a change that breaks one of them
 * fails here; such a change must be guarded with `patched()` (docs/reliability.md).
 */

interface Recorded {
  /** `v0.1.0/three-year-term.json`, or `three-year-term.json` for the code in progress. */
  name: string;
  corpus: string;
  workflowId: string;
  history: ReturnType<typeof historyFromJSON>;
}

const VERSION_DIR = /^v\d+\.\d+\.\d+$/;

function corpora(): string[] {
  return fs
    .readdirSync(HISTORIES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

function recordedHistories(): Recorded[] {
  const read = (corpus: string): Recorded[] => {
    const dir = corpus ? path.join(HISTORIES_DIR, corpus) : HISTORIES_DIR;
    return fs
      .readdirSync(dir)
      .filter((file) => file.endsWith('.json'))
      .sort()
      .map((file) => ({
        name: corpus ? `${corpus}/${file}` : file,
        corpus: corpus || 'en cours',
        workflowId: file.replace(/\.json$/, ''),
        history: historyFromJSON(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'))),
      }));
  };
  return [...corpora().flatMap(read), ...read('')];
}

beforeAll(() => installTestRuntime());

test('the corpus keeps a folder per released version, the package’s own included', () => {
  const folders = corpora();
  expect(folders.filter((f) => !VERSION_DIR.test(f))).toEqual([]);
  // A release (a new package version) freezes the recordings of its code here.
  expect(folders).toContain(`v${version}`);
  for (const folder of folders) {
    const lives = fs.readdirSync(path.join(HISTORIES_DIR, folder)).filter((f) => f.endsWith('.json'));
    expect({ folder, lives: lives.length >= 6 }).toEqual({ folder, lives: true });
  }
});

test('every version’s recorded histories replay against the current workflow code', async () => {
  const histories = recordedHistories();
  const results = Worker.runReplayHistories(
    { workflowBundle: { codePath: WORKFLOW_BUNDLE_PATH }, replayName: 'corpus' },
    histories.map(({ name, history }) => ({ workflowId: name, history })),
  );
  const failures: string[] = [];
  const replayed: Record<string, number> = {};
  for await (const result of results) {
    const corpus = histories.find((h) => h.name === result.workflowId)!.corpus;
    replayed[corpus] = (replayed[corpus] ?? 0) + 1;
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  expect(failures).toEqual([]);
  expect(Object.values(replayed).reduce((a, b) => a + b, 0)).toBe(histories.length);
  for (const folder of corpora()) expect(replayed[folder]).toBeGreaterThan(0);
});

test('a nondeterministic change to the workflow is caught', async () => {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('./nondeterministic-workflow'),
    logger: { info() {}, warn() {}, error() {}, debug() {}, trace() {}, log() {} },
  });
  const [first] = recordedHistories();
  const results = Worker.runReplayHistories({ workflowBundle: { code }, replayName: 'broken' }, [
    { workflowId: first!.workflowId, history: first!.history },
  ]);
  const errors = [];
  for await (const result of results) errors.push(result.error);
  expect(errors[0]).toBeInstanceOf(DeterminismViolationError);
});
