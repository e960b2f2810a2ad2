import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics. The worker's come from the Temporal runtime itself (its own exporter, see
 * worker/main.ts); the API's are HTTP requests by route and status, plus Node's process metrics.
 * Both are served on a listener of their own, never on the public API port, so the scrape needs
 * no API key and the metrics port stays on the internal network (docs/production.md).
 */

export const HTTP_REQUESTS_METRIC = 'iscg_http_requests_total';
export const HTTP_DURATION_METRIC = 'iscg_http_request_duration_seconds';

export interface ApiMetrics {
  registry: Registry;
  /** Counts and times every request of the app, labelled by route pattern (never the raw URL). */
  instrument(app: FastifyInstance): void;
}

export function createApiMetrics(): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({
    name: HTTP_REQUESTS_METRIC,
    help: 'Requêtes HTTP traitées par l’API, par méthode, route et statut',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: HTTP_DURATION_METRIC,
    help: 'Durée des requêtes HTTP de l’API (secondes), Temporal compris',
    labelNames,
    // An event is a Temporal update: tens of milliseconds usually, up to the 20 s timeout.
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20],
    registers: [registry],
  });
  return {
    registry,
    instrument(app) {
      app.addHook('onResponse', (request, reply, done) => {
        // Unknown paths share one label: a scanner must not create a series per URL.
        const labels = {
          method: request.method,
          route: request.routeOptions.url ?? 'unmatched',
          status: String(reply.statusCode),
        };
        requests.inc(labels);
        duration.observe(labels, reply.elapsedTime / 1000);
        done();
      });
    },
  };
}

/** `host:port`, `[v6]:port` → listen arguments. */
export function parseHostPort(address: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(address);
  if (!match) throw new Error(`adresse attendue hôte:port, reçu « ${address} »`);
  return { host: match[1] ?? match[2] ?? '', port: Number(match[3]) };
}

export interface MetricsServer {
  /** The bound address, `host:port` (the port is the real one when 0 was asked). */
  address: string;
  close(): Promise<void>;
}

/** Serves `GET /metrics` from the registry on its own listener. */
export async function serveMetrics(address: string, registry: Registry): Promise<MetricsServer> {
  const { host, port } = parseHostPort(address);
  const server = http.createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (body) => response.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (error: unknown) =>
        response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`${String(error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  return {
    address: `${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
