import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createDocumentRenderer } from '../activities/documents/render';
import { createMailer, type MailConfig } from '../activities/mail/mailer';
import { createWebhookSender, type WebhookConfig } from '../activities/webhooks/sender';
import type { TemporalConnectionConfig } from '../config/env';
import { MAIL_KINDS } from '../domain/mail/mail-request';
import { CONVENTION_WORKFLOW_TYPE, REFUSED_EMAILS_METRIC } from '../domain/temporal-contract';
import { conventionBundleOptions } from './workflow-bundle';

export interface ConventionWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  mail: MailConfig;
  webhooks: WebhookConfig;
  /** A prebuilt bundle (production); without one the workflows are bundled at start-up. */
  workflowBundlePath?: string;
  /** The payload codec (encryption) when configured: the same as the API's. */
  dataConverter?: DataConverter;
  overrides?: Partial<WorkerOptions>;
}

export async function connectWorker(config: TemporalConnectionConfig): Promise<NativeConnection> {
  return NativeConnection.connect({
    address: config.address,
    tls: config.tls ?? undefined,
    apiKey: config.apiKey,
  });
}

/** The worker of convention workflows and their activities, wired from validated configuration. */
export async function createConventionWorker(
  options: ConventionWorkerOptions,
): Promise<{ worker: Worker; close: () => void }> {
  const documents = createDocumentRenderer();
  const mailer = createMailer(options.mail, undefined, documents);
  const { workflowsPath, preloadModules } = conventionBundleOptions(require.resolve('../workflows'));
  const workflowSource = options.workflowBundlePath
    ? { workflowBundle: { codePath: options.workflowBundlePath } }
    : { workflowsPath, bundlerOptions: { preloadModules } };
  const worker = await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...workflowSource,
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    activities: createActivities({ mailer, webhooks: createWebhookSender(options.webhooks), documents }),
    ...options.overrides,
  });
  announceRefusedEmails(options.namespace, options.taskQueue);
  return { worker, close: () => mailer.close() };
}

/**
 * The refused-emails counter at 0 for every kind, with the labels the workflow's own counts carry:
 * an alert on its increase sees the first refusal, not only the ones after a series exists.
 */
function announceRefusedEmails(namespace: string, taskQueue: string): void {
  // The worker's own meter adds `namespace` and `taskQueue`, the workflow's `workflowType`.
  const counter = Runtime.instance()
    .metricMeter.withTags({ namespace, taskQueue, workflowType: CONVENTION_WORKFLOW_TYPE })
    .createCounter(
      REFUSED_EMAILS_METRIC,
      'messages',
      'Courriels refusés définitivement par le serveur de messagerie',
    );
  for (const kind of MAIL_KINDS) counter.add(0, { kind });
}
