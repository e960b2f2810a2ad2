import * as path from 'node:path';

/** Where the jest global setup writes the workflow bundle that every integration test loads. */
export const WORKFLOW_BUNDLE_PATH = path.resolve(
  __dirname,
  '..',
  '..',
  '.cache',
  'test',
  'workflow-bundle.js',
);
