import * as fs from 'node:fs';
import * as path from 'node:path';
import requireTemporal from '../support/require-temporal';
import { ROOT, ensureLintTools } from './support/tools';

/**
 * The deploy suite needs the linters (installed here on first use), the Temporal CLI (its dev
 * server stands in for the cluster) and the built code the containers run (`npm run build`).
 */
export default async function globalSetup(): Promise<void> {
  await requireTemporal();
  ensureLintTools();
  for (const file of ['dist/worker/main.js', 'dist/client/api/main.js', 'dist/workflow-bundle.js'])
    if (!fs.existsSync(path.join(ROOT, file)))
      throw new Error(`${file} manque: lancez \`npm run build\` d'abord (\`npm test\` le fait)`);
}
