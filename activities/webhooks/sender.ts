import { createHmac } from 'node:crypto';
import type { WebhookDelivery, WebhookOutcome } from '../../domain/temporal-contract';

export interface WebhookConfig {
  /** Loopback and private destinations are refused unless this is set (development only). */
  allowPrivateDestinations: boolean;
  timeoutMs: number;
}

export interface WebhookSender {
  deliver(delivery: WebhookDelivery): Promise<WebhookOutcome>;
}

/** Signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

export function createWebhookSender(config: WebhookConfig): WebhookSender {
  return {
    async deliver(delivery) {
      const body = JSON.stringify({
        id: delivery.deliveryId,
        type: 'convention.state_changed',
        data: delivery.change,
      });
      const timestamp = Math.floor(Date.now() / 1000);
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-iscg-delivery': delivery.deliveryId,
          'x-iscg-signature': signWebhook(delivery.secret, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(config.timeoutMs),
        redirect: 'manual',
      });
      if (!response.ok) throw new Error(`webhook ${delivery.deliveryId}: HTTP ${response.status}`);
      return { status: 'delivered', httpStatus: response.status, attempts: 1 };
    },
  };
}
