import { ConfigError, readEnvironment, temporalConfig } from '../../config/env';
import { ApiKeysConfigError, loadApiKeys } from '../auth/keys';
import { ConventionsClient, connectClient } from '../conventions';
import { dataConverterFor, encryptionFromEnvironment } from '../../security/encryption';
import { buildApp } from './app';

/**
 * The API process: `node dist/client/api/main.js`. Configuration is read and checked once; one
 * Temporal client serves every request; SIGINT/SIGTERM close the server, then the connection.
 */
async function main() {
  const env = readEnvironment();
  const loaded = loadApiKeys({ env: process.env, environment: env.ISCG_ENV, dataDir: env.ISCG_DATA_DIR });
  const temporal = temporalConfig(env);
  const encryption = encryptionFromEnvironment(env);
  const client = await connectClient(temporal, { lazy: true, dataConverter: dataConverterFor(encryption) });
  const conventions = new ConventionsClient(client, temporal.taskQueue, { aniscgEmail: env.ANISCG_EMAIL });
  const app = await buildApp({
    conventions,
    keys: loaded.keys,
    logger: { level: env.LOG_LEVEL },
    webhooks: { allowPrivateDestinations: env.ISCG_ENV !== 'production' },
    ...(env.PUBLIC_URL ? { publicUrl: env.PUBLIC_URL } : {}),
    ...(encryption
      ? {
          codec: {
            codec: encryption.codec,
            token: encryption.codecToken,
            corsOrigins: encryption.corsOrigins,
          },
        }
      : {}),
  });

  let closing = false;
  const close = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal} reçu: arrêt de l'API`);
    try {
      await app.close();
    } finally {
      await client.connection.close();
    }
  };
  process.once('SIGINT', () => void close('SIGINT'));
  process.once('SIGTERM', () => void close('SIGTERM'));

  const address = await app.listen({ port: env.PORT, host: env.HOST });
  app.log.info(
    `API à l'écoute sur ${address} (documentation ${address}/docs, OpenAPI ${address}/openapi.json); ` +
      `Temporal ${temporal.address}, namespace ${temporal.namespace}; ${loaded.keys.length} clé(s) d'API (${loaded.source})`,
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

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof ApiKeysConfigError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
