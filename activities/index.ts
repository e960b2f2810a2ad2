import type { MailOutcome, MailRequest } from '../domain/mail/mail-request';
import type { WebhookDelivery, WebhookOutcome } from '../domain/temporal-contract';
import type { Mailer } from './mail/mailer';
import type { WebhookSender } from './webhooks/sender';

/**
 * The side effects of a convention. Built by a factory that receives its dependencies, so the
 * worker wires real SMTP and tests wire a real SMTP server on loopback.
 */
export interface ConventionActivities {
  sendMail(request: MailRequest): Promise<MailOutcome>;
  deliverWebhook(delivery: WebhookDelivery): Promise<WebhookOutcome>;
}

export interface ActivityDependencies {
  mailer: Mailer;
  webhooks: WebhookSender;
}

export function createActivities({ mailer, webhooks }: ActivityDependencies): ConventionActivities {
  return {
    sendMail: (request) => mailer.send(request),
    deliverWebhook: (delivery) => webhooks.deliver(delivery),
  };
}
