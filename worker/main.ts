import { Runtime, type TelemetryOptions } from '@temporalio/worker';
import { ConfigError, dataPath, logFormat, temporalConfig, type Environment } from '../config/env';
import { runService, workerLogger } from '../config/logging';
import { FolderJournal, PostgresqlJournal, type MailJournal } from '../activities/mail/journal';
import { dataConverterFor, encryptionFromEnvironment } from '../security/encryption';
import { connectWorker, createConventionWorker } from './worker';

/**
 * The worker process: `node dist/worker/main.js` (the container's `worker` role). Any number of
 * them may poll the same task queue: Temporal hands each task to one of them.
 *
 * On SIGINT/SIGTERM the worker stops polling, lets running activities finish for
 * ISCG_SHUTDOWN_GRACE_SECONDS (then cancels them: Temporal retries them elsewhere), and exits 0.
 */

function telemetry(env: Environment): TelemetryOptions {
  return {
    // In JSON mode the native core's own logs are forwarded too, so that every line is JSON.
    ...(logFormat(env) === 'json'
      ? { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } }
      : {}),
    ...(env.ISCG_WORKER_METRICS_ADDRESS
      ? { metrics: { prometheus: { bindAddress: env.ISCG_WORKER_METRICS_ADDRESS } } }
      : {}),
  };
}

async function main(env: Environment) {
  if (env.ISCG_ENV === 'production' && !env.SMTP_URL)
    throw new ConfigError([
      'SMTP_URL: requis en production (sans lui, les courriels resteraient en fichiers dans le conteneur)',
    ]);
  const logger = workerLogger(env);
  Runtime.install({ logger, shutdownSignals: ['SIGINT', 'SIGTERM'], telemetryOptions: telemetry(env) });
  const temporal = temporalConfig(env);
  const encryption = encryptionFromEnvironment(env);
  const journal: MailJournal = env.ISCG_MAIL_JOURNAL_URL
    ? await PostgresqlJournal.connect(env.ISCG_MAIL_JOURNAL_URL, (error) => {
        logger.warn(`[worker] connexion au journal des courriels perdue: ${error.message}`);
      })
    : new FolderJournal(dataPath(env, 'mail-journal'));
  const connection = await connectWorker(temporal);
  const grace = env.ISCG_SHUTDOWN_GRACE_SECONDS;
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
      journal,
      from: env.MAIL_FROM,
      messageIdDomain: env.MAIL_MESSAGE_ID_DOMAIN,
      publicUrl: env.PUBLIC_URL ?? null,
    },
    webhooks: { allowPrivateDestinations: env.ISCG_ENV !== 'production', timeoutMs: 10_000 },
    overrides: {
      shutdownGraceTime: `${grace}s`,
      // Past this, the process gives up on a stuck activity rather than outlive the container's stop.
      shutdownForceTime: `${grace + 5}s`,
      ...(env.ISCG_WORKER_MAX_CACHED_WORKFLOWS !== undefined
        ? { maxCachedWorkflows: env.ISCG_WORKER_MAX_CACHED_WORKFLOWS }
        : {}),
      ...(env.ISCG_WORKER_MAX_CONCURRENT_ACTIVITIES !== undefined
        ? { maxConcurrentActivityTaskExecutions: env.ISCG_WORKER_MAX_CONCURRENT_ACTIVITIES }
        : {}),
      ...(env.ISCG_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS !== undefined
        ? { maxConcurrentWorkflowTaskExecutions: env.ISCG_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS }
        : {}),
    },
  });
  logger.info(
    `[worker] connecté à ${temporal.address} (namespace ${temporal.namespace}), file ${temporal.taskQueue}`,
    {
      temporalAddress: temporal.address,
      namespace: temporal.namespace,
      taskQueue: temporal.taskQueue,
      tls: temporal.tls !== null,
      encryption: encryption !== null,
      mailJournal: journal.description,
      metrics: env.ISCG_WORKER_METRICS_ADDRESS ?? null,
      prebuiltBundle: Boolean(process.env.WORKFLOW_BUNDLE_PATH),
    },
  );
  try {
    await worker.run();
  } finally {
    close();
    await journal.close();
    await connection.close();
  }
  logger.info('[worker] arrêté proprement');
}

runService('iscg-worker', main);
