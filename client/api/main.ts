import type { FastifyServerOptions } from 'fastify';
import { temporalConfig, type Environment } from '../../config/env';
import { pinoOptions, runService } from '../../config/logging';
import { createApiMetrics, serveMetrics, type MetricsServer } from '../../config/metrics';
import { dataConverterFor, encryptionFromEnvironment } from '../../security/encryption';
import { KeyRing, loadApiKeys } from '../auth/keys';
import { reloadKeysOnChange } from '../auth/keys-reload';
import { registerConventionGauges } from '../reports/metrics';
import { ConventionsClient, connectClient } from '../conventions';
import { buildApp } from './app';
import { createDocumentRenderer } from '../../activities/documents/render';

/**
 * The API process: `node dist/client/api/main.js` (the container's `api` role). Configuration is
 * read and checked once; one Temporal client serves every request. On SIGINT/SIGTERM the server
 * stops accepting connections, lets requests in flight finish (ISCG_SHUTDOWN_GRACE_SECONDS at
 * most), then closes the metrics listener and the Temporal connection, and exits 0.
 */

/** The codec endpoint's secret path segment must not reach the request logs. */
const CODEC_TOKEN_IN_PATH = /^(\/codec\/)[^/?]+(?=\/(?:en|de)code\b)/;

function loggerOptions(env: Environment): FastifyServerOptions['logger'] {
  return {
    ...pinoOptions(env, 'iscg-api'),
    serializers: {
      req: (request: { method: string; url: string; ip?: string }) => ({
        method: request.method,
        url: request.url.replace(CODEC_TOKEN_IN_PATH, '$1[masqué]'),
        remoteAddress: request.ip,
      }),
    },
  };
}

async function main(env: Environment) {
  const loadKeys = () =>
    loadApiKeys({ env: process.env, environment: env.ISCG_ENV, dataDir: env.ISCG_DATA_DIR });
  const loaded = loadKeys();
  const ring = new KeyRing(loaded.keys);
  const temporal = temporalConfig(env);
  const encryption = encryptionFromEnvironment(env);
  const client = await connectClient(temporal, { lazy: true, dataConverter: dataConverterFor(encryption) });
  const conventions = new ConventionsClient(client, temporal.taskQueue, { aniscgEmail: env.ANISCG_EMAIL });
  const app = await buildApp({
    conventions,
    keys: ring,
    logger: loggerOptions(env),
    webhooks: { allowPrivateDestinations: env.ISCG_ENV !== 'production' },
    documents: createDocumentRenderer(),
    ...(env.ISCG_DOCUMENSO_SECRET
      ? {
          documenso: {
            secret: env.ISCG_DOCUMENSO_SECRET,
            departements: env.ISCG_DOCUMENSO_DEPARTEMENTS
              ? env.ISCG_DOCUMENSO_DEPARTEMENTS.split(',').map((code) => code.trim().toUpperCase())
              : null,
          },
        }
      : {}),
    reports: { refreshSeconds: env.ISCG_REPORTS_REFRESH_SECONDS },
    ...(env.ISCG_TRUST_PROXY !== undefined ? { trustProxy: env.ISCG_TRUST_PROXY } : {}),
    ...(env.PUBLIC_URL ? { publicUrl: env.PUBLIC_URL } : {}),
    ...(encryption
      ? {
          codec: {
            codec: encryption.codec,
            token: encryption.codecToken,
            corsOrigins: encryption.corsOrigins,
            oidc: encryption.oidc,
          },
        }
      : {}),
  });
  const metrics = env.ISCG_API_METRICS_ADDRESS ? createApiMetrics() : null;
  metrics?.instrument(app);
  if (metrics) registerConventionGauges(metrics.registry, app.reports.cache);

  const stopReloading = reloadKeysOnChange({
    ring,
    load: loadKeys,
    file: process.env.ISCG_API_KEYS_FILE?.trim() || null,
    log: app.log,
  });

  let metricsServer: MetricsServer | null = null;
  let closing = false;
  const close = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, `${signal} reçu: arrêt de l'API`);
    stopReloading();
    const graceMs = env.ISCG_SHUTDOWN_GRACE_SECONDS * 1000;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(() => resolve('expired'), graceMs);
    });
    try {
      if ((await Promise.race([app.close(), expired])) === 'expired')
        app.log.warn(`requêtes encore en cours après ${env.ISCG_SHUTDOWN_GRACE_SECONDS} s: arrêt forcé`);
      await metricsServer?.close();
      await client.connection.close();
    } finally {
      clearTimeout(timer);
    }
    app.log.info('API arrêtée proprement');
    // Nothing should be left running; if something is, it does not hold the process past this.
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.once('SIGINT', () => void close('SIGINT'));
  process.once('SIGTERM', () => void close('SIGTERM'));

  const address = await app.listen({ port: env.PORT, host: env.HOST });
  // The first reading of every convention starts now, so that the first report does not wait for it.
  app.reports.cache.start();
  if (env.ISCG_API_METRICS_ADDRESS && metrics)
    metricsServer = await serveMetrics(env.ISCG_API_METRICS_ADDRESS, metrics.registry);
  app.log.info(
    {
      address,
      temporalAddress: temporal.address,
      namespace: temporal.namespace,
      tls: temporal.tls !== null,
      apiKeys: loaded.keys.length,
      encryption: encryption !== null,
      metrics: metricsServer?.address ?? null,
    },
    `API à l'écoute sur ${address} (documentation ${address}/docs, OpenAPI ${address}/openapi.json); ` +
      `Temporal ${temporal.address}, namespace ${temporal.namespace}; ${loaded.keys.length} clé(s) d'API (${loaded.source})` +
      (metricsServer ? `; métriques http://${metricsServer.address}/metrics` : ''),
  );
  try {
    await client.connection.withDeadline(Date.now() + 5_000, () =>
      client.connection.workflowService.getSystemInfo({}),
    );
  } catch {
    app.log.warn(
      `Temporal (${temporal.address}) ne répond pas encore: /healthz répond 503 jusqu'à son retour`,
    );
  }
  if (loaded.developmentKeyFile)
    app.log.warn(
      `Aucune clé d'API configurée: clé opérateur locale de développement dans ${loaded.developmentKeyFile} ` +
        `(export ISCG_API_KEY=$(cat ${loaded.developmentKeyFile})). Hors développement, définissez ISCG_API_KEYS_FILE.`,
    );
}

runService('iscg-api', main);
