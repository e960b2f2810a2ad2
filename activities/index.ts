import type { MailOutcome, MailRequest } from '../domain/mail/mail-request';
import type { WebhookDelivery, WebhookOutcome } from '../domain/temporal-contract';
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
}

export interface ActivityDependencies {
  mailer: Mailer;
  webhooks: WebhookSender;
}

export function createActivities({ mailer, webhooks }: ActivityDependencies): ConventionActivities {
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
  };
}
