import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConventionsClient } from '../../client/conventions';
import { ProductionTemporal, type CertificateName } from '../../test/support/production';
import type { ChildTls } from './child';
import { startProcesses, type DevStack } from './dev-stack';
import { WORK_DIR } from './paths';
import { quietRuntime, type Bundles } from './servers';

/**
 * The production server as docker-compose.yml runs it, without Docker (test/support/production.ts):
 * PostgreSQL, the schema job, the Temporal server on it with mutual TLS, the namespace job. The
 * benchmark's worker and API processes connect with their own certificates, as the containers do;
 * everything else is as on the dev server, so that the two runs differ by the server alone. Its
 * CPU counts the server's process and PostgreSQL's (the postmaster and its backends).
 */

export interface ProductionStack extends DevStack {
  temporal: ProductionTemporal;
}

/** The postmaster and its backends at this moment (exited backends count in its children's time). */
function postgresqlPids(postmaster: number): number[] {
  const pids = [postmaster];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster)
        pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

export async function startProductionStack(bundles: Bundles): Promise<ProductionStack> {
  quietRuntime();
  const temporal = new ProductionTemporal(path.join(WORK_DIR, 'production-logs'));
  try {
    await temporal.start();
  } catch (error) {
    await temporal.stop().catch(() => undefined);
    await temporal.remove();
    throw error;
  }
  const tls = (name: CertificateName): ChildTls => ({
    ca: path.join(temporal.tlsDir, 'trust.pem'),
    cert: path.join(temporal.tlsDir, `${name}.pem`),
    key: path.join(temporal.tlsDir, `${name}.key`),
    serverName: 'temporal',
  });
  const server = { address: temporal.frontendAddress, namespace: 'iscg' };
  const { stop, ...processes } = await startProcesses(server, bundles, tls);
  const client = await temporal.client('admin');
  return {
    kind: 'production',
    temporal,
    client,
    processes: () => ({
      server: temporal.temporal.pid!,
      database: postgresqlPids(temporal.postgresql.process.pid!),
      worker: processes.worker.pid,
      api: processes.api.pid,
    }),
    ...server,
    conventions: new ConventionsClient(client, processes.conventionQueue),
    ...processes,
    async teardown() {
      await stop();
      await temporal.stop();
      await temporal.remove();
    },
  };
}
