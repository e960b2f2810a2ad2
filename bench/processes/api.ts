import type { AddressInfo } from 'node:net';
import { buildApp } from '../../client/api/app';
import type { ApiKey } from '../../client/auth/keys';
import { ConventionsClient, connectClient } from '../../client/conventions';
import { childConfig, connectionTls, serveParent, type ChildTls } from '../support/child';

/** The HTTP API process, built as client/api/main.ts builds it, on the benchmark's Temporal. */
export interface ApiProcessConfig {
  address: string;
  namespace: string;
  /** The production server's mutual TLS; none on the dev server. */
  tls?: ChildTls;
  taskQueue: string;
  keys: ApiKey[];
}

async function main() {
  const config = childConfig<ApiProcessConfig>();
  const client = await connectClient({
    address: config.address,
    namespace: config.namespace,
    taskQueue: config.taskQueue,
    tls: connectionTls(config.tls) ?? null,
    apiKey: undefined,
  });
  const conventions = new ConventionsClient(client, config.taskQueue);
  const app = await buildApp({
    conventions,
    keys: config.keys,
    logger: false,
    webhooks: { allowPrivateDestinations: true },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const close = async () => {
    await app.close();
    await client.connection.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void close());
  process.once('SIGINT', () => void close());
  serveParent(
    { status: () => ({ rssBytes: process.memoryUsage().rss }) },
    { port: (app.server.address() as AddressInfo).port },
  );
}

main().catch((error: unknown) => {
  console.error('[bench api]', error);
  process.exit(1);
});
