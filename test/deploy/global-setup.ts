import * as fs from 'node:fs';
import * as path from 'node:path';
import requireTemporal from '../support/require-temporal';
import { ROOT, ensureLintTools } from './support/tools';

/**
 * The deploy suite needs the linters (installed here on first use), the Temporal CLI (its dev
 * server stands in for the cluster), nginx (the reverse proxy example runs in front of the API)
 * and the built code the containers run (`npm run build`).
 */
export default async function globalSetup(): Promise<void> {
  await requireTemporal();
  ensureLintTools();
  const { ensureDebianPackages } = (await import(path.join(ROOT, 'scripts', 'debian-packages.mjs'))) as {
    ensureDebianPackages: (
      packages: { name: string; executable: string; versionArgs?: string[] }[],
    ) => Promise<unknown>;
  };
  await ensureDebianPackages([{ name: 'nginx-light', executable: '/usr/sbin/nginx', versionArgs: ['-v'] }]);
  for (const file of ['dist/worker/main.js', 'dist/client/api/main.js', 'dist/workflow-bundle.js'])
    if (!fs.existsSync(path.join(ROOT, file)))
      throw new Error(`${file} manque: lancez \`npm run build\` d'abord (\`npm test\` le fait)`);
}
