import { Runtime } from '@temporalio/worker';
import { dataPath, readEnvironment, temporalConfig } from '../config/env';
import { dataConverterFor, encryptionFromEnvironment } from '../security/encryption';
import { connectWorker, createConventionWorker } from './worker';

/** The worker process: `node dist/worker/main.js`. Stops cleanly on SIGINT/SIGTERM. */
async function main() {
  const env = readEnvironment();
  Runtime.install({ shutdownSignals: ['SIGINT', 'SIGTERM'] });
  const temporal = temporalConfig(env);
  const encryption = encryptionFromEnvironment(env);
  const connection = await connectWorker(temporal);
  const { worker, close } = await createConventionWorker({
    connection,
    namespace: temporal.namespace,
    taskQueue: temporal.taskQueue,
    workflowBundlePath: process.env.WORKFLOW_BUNDLE_PATH,
    dataConverter: dataConverterFor(encryption),
    mail: {
      smtpUrl: env.SMTP_URL ?? null,
      outboxDir: dataPath(env, 'outbox'),
      journalDir: dataPath(env, 'mail-journal'),
      from: env.MAIL_FROM,
      messageIdDomain: env.MAIL_MESSAGE_ID_DOMAIN,
      publicUrl: env.PUBLIC_URL ?? null,
    },
    webhooks: { allowPrivateDestinations: env.ISCG_ENV !== 'production', timeoutMs: 10_000 },
  });
  console.log(
    `[worker] connecté à ${temporal.address} (namespace ${temporal.namespace}), file ${temporal.taskQueue}`,
  );
  try {
    await worker.run();
  } finally {
    close();
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
