import { parseHostPort } from './metrics';

/**
 * The container's health probe (the image's HEALTHCHECK: `node dist/config/healthcheck.js`),
 * by ISCG_ROLE:
 *   api     GET /healthz answers 200: the API serves and Temporal answers it;
 *   worker  the Temporal runtime's metrics endpoint answers: the worker process is up (a worker
 *           that cannot reach Temporal exits, and the container restarts).
 * It reads the raw environment, not the validated one: a probe must not fail on an unrelated
 * setting, and runs every few seconds.
 */

/** A wildcard bind address is probed on the loopback of the same family. */
export function probeTarget(address: string): string {
  const { host, port } = parseHostPort(address);
  if (host === '0.0.0.0') return `127.0.0.1:${port}`;
  if (host === '::' || host === '::0') return `[::1]:${port}`;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export function probeUrl(env: NodeJS.ProcessEnv): string | null {
  if ((env.ISCG_ROLE ?? 'api') === 'worker')
    return env.ISCG_WORKER_METRICS_ADDRESS
      ? `http://${probeTarget(env.ISCG_WORKER_METRICS_ADDRESS)}/metrics`
      : null;
  return `http://${probeTarget(`${env.HOST ?? '127.0.0.1'}:${env.PORT ?? '3000'}`)}/healthz`;
}

async function probe(): Promise<number> {
  const url = probeUrl(process.env);
  if (!url) {
    console.log('worker sans ISCG_WORKER_METRICS_ADDRESS: rien à sonder');
    return 0;
  }
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(4000) });
    console.log(`${url}: ${response.status}`);
    return response.status === 200 ? 0 : 1;
  } catch (error) {
    console.log(`${url}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if (require.main === module) void probe().then((code) => process.exit(code));
