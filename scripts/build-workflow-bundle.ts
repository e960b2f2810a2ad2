import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { conventionBundleOptions } from '../worker/workflow-bundle';
import { findRepoRoot } from './temporal-binaries';

/**
 * Bundles the workflow code ahead of time (`npm run build`): workers then start without webpack,
 * and every worker of a deployment runs the very same workflow code.
 */
export const WORKFLOW_BUNDLE_FILE = path.join('dist', 'workflow-bundle.js');

async function main() {
  const root = findRepoRoot();
  const { code } = await bundleWorkflowCode({
    ...conventionBundleOptions(path.join(root, 'dist', 'workflows', 'index.js')),
    logger: { info() {}, warn: console.warn, error: console.error, debug() {}, trace() {}, log() {} },
  });
  const target = path.join(root, WORKFLOW_BUNDLE_FILE);
  fs.writeFileSync(target, code);
  console.log(
    `[build] workflow bundle: ${path.relative(root, target)} (${(code.length / 1024 / 1024).toFixed(1)} MiB)`,
  );
}

if (require.main === module)
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
