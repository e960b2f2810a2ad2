import * as path from 'node:path';
import type { BundleOptions } from '@temporalio/worker';

/**
 * The options every bundle of the convention workflows is built with (`npm run build`, the tests,
 * the benchmark, a worker bundling at start-up). `workflowsPath` is `workflows/index` in the
 * sources or in `dist/`; `shared-modules` sits beside it in both, and lists the modules every
 * workflow of a worker thread shares.
 */
export function conventionBundleOptions(
  workflowsPath: string,
): Pick<BundleOptions, 'workflowsPath' | 'preloadModules'> {
  return { workflowsPath, preloadModules: [path.join(path.dirname(workflowsPath), 'shared-modules')] };
}
