import type { MailOutcome, MailRequest } from '../domain/mail/mail-request';
import type {
  RenderDocumentRequest,
  RenderDocumentResult,
  WebhookDelivery,
  WebhookOutcome,
} from '../domain/temporal-contract';
import type { DocumentRenderer } from './documents/render';
import type { Mailer } from './mail/mailer';
import type { WebhookSender } from './webhooks/sender';

/**
 * The side effects of a convention. Built by a factory that receives its dependencies, so the
 * worker wires real SMTP and tests wire a real SMTP server on loopback.
 */
export interface ConventionActivities {
  /** Sends each message once (journal), in order; one transient failure fails the batch for a retry. */
  sendMails(requests: MailRequest[]): Promise<MailOutcome[]>;
  deliverWebhook(delivery: WebhookDelivery): Promise<WebhookOutcome>;
  /** Renders a document's PDF in the worker and answers its SHA-256: the workflow keeps the hash, never the file. */
  renderDocument(request: RenderDocumentRequest): Promise<RenderDocumentResult>;
}

export interface ActivityDependencies {
  mailer: Mailer;
  webhooks: WebhookSender;
  documents: DocumentRenderer;
}

export function createActivities({
  mailer,
  webhooks,
  documents,
}: ActivityDependencies): ConventionActivities {
  return {
    async sendMails(requests) {
      const outcomes: MailOutcome[] = [];
      let failure: Error | null = null;
      // Every message gets its chance even if one fails: the retry then finds the others journaled.
      for (const request of requests)
        try {
          outcomes.push(await mailer.send(request));
        } catch (error) {
          failure ??= error instanceof Error ? error : new Error(String(error));
        }
      if (failure) throw failure;
      return outcomes;
    },
    deliverWebhook: (delivery) => webhooks.deliver(delivery),
    async renderDocument({ source }) {
      const file = await documents.render(source, 'pdf');
      return {
        sha256: file.sha256,
        bytes: file.bytes.length,
        pages: file.pages ?? 0,
        renderer: documents.revision,
      };
    },
  };
}
