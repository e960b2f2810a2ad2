import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import requireTemporal from './require-temporal';
import { WORKFLOW_BUNDLE_PATH } from './bundle-path';
import { conventionBundleOptions } from '../../worker/workflow-bundle';

/** Integration suites: Temporal installed, and the workflow code bundled once for every test file. */
export default async function globalSetup(): Promise<void> {
  await requireTemporal();
  const { code } = await bundleWorkflowCode({
    ...conventionBundleOptions(require.resolve('../../workflows')),
    logger: { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} },
  });
  fs.mkdirSync(path.dirname(WORKFLOW_BUNDLE_PATH), { recursive: true });
  fs.writeFileSync(WORKFLOW_BUNDLE_PATH, code);
}
