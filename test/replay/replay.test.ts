import * as fs from 'node:fs';
import * as path from 'node:path';
import { DeterminismViolationError } from '@temporalio/workflow';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { HISTORIES_DIR } from '../support/life';
import { WORKFLOW_BUNDLE_PATH } from '../support/bundle-path';
import { installTestRuntime } from '../support/workflow-env';

/**
 * Every recorded life of a convention replays against the current workflow code. A change that
 * would break a running convention fails here; such a change must be guarded with `patched()`.
 */

function recordedHistories(): {
  name: string;
  workflowId: string;
  history: ReturnType<typeof historyFromJSON>;
}[] {
  return fs
    .readdirSync(HISTORIES_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({
      name: file,
      workflowId: file.replace(/\.json$/, ''),
      history: historyFromJSON(JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, file), 'utf8'))),
    }));
}

beforeAll(() => installTestRuntime());

test('the corpus holds the histories of every kind of life', () => {
  const names = recordedHistories().map((h) => h.name);
  expect(names.length).toBeGreaterThanOrEqual(6);
});

test('every recorded history replays against the current workflow code', async () => {
  const histories = recordedHistories();
  const results = Worker.runReplayHistories(
    { workflowBundle: { codePath: WORKFLOW_BUNDLE_PATH }, replayName: 'corpus' },
    histories.map(({ workflowId, history }) => ({ workflowId, history })),
  );
  const failures: string[] = [];
  let replayed = 0;
  for await (const result of results) {
    replayed++;
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  expect(failures).toEqual([]);
  expect(replayed).toBe(histories.length);
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
