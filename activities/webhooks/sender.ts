import { createHmac } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { asyncLocalStorage } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { WebhookDelivery, WebhookOutcome } from '../../domain/temporal-contract';
import { DestinationError, guardedLookup, isPublicAddress, parseDestination } from './destination';

export interface WebhookConfig {
  /** Loopback and private destinations are refused unless this is set (development and tests only). */
  allowPrivateDestinations: boolean;
  timeoutMs: number;
}

export interface WebhookSender {
  deliver(delivery: WebhookDelivery): Promise<WebhookOutcome>;
}

export const SIGNATURE_HEADER = 'x-iscg-signature';
export const DELIVERY_HEADER = 'x-iscg-delivery';
export const WEBHOOK_EVENT_TYPE = 'convention.state_changed';
/** Failure type of a destination refused for good: not retried, recorded on the convention. */
export const DESTINATION_REFUSED = 'WebhookDestinationRefused';

/** Signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

export function webhookBody(delivery: WebhookDelivery): string {
  return JSON.stringify({ id: delivery.deliveryId, type: WEBHOOK_EVENT_TYPE, data: delivery.change });
}

interface Logger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
}

/**
 * Inside an activity: Temporal's activity logger, attempt number and cancellation (a worker that
 * shuts down abandons the request); elsewhere (direct calls): quiet, never cancelled.
 */
function activityScope(): { log: Logger | null; attempt: number; cancelled: AbortSignal | null } {
  const context = asyncLocalStorage.getStore();
  return context
    ? { log: context.log, attempt: context.info.attempt, cancelled: context.cancellationSignal }
    : { log: null, attempt: 1, cancelled: null };
}

function post(
  url: URL,
  headers: Record<string, string>,
  body: string,
  config: WebhookConfig,
  cancelled: AbortSignal | null,
): Promise<number> {
  const timeout = AbortSignal.timeout(config.timeoutMs);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body).toString() },
        lookup: guardedLookup(config),
        signal: cancelled ? AbortSignal.any([timeout, cancelled]) : timeout,
        // Redirects are never followed (node's http does not): a 3xx counts as a failure.
      },
      (response) => {
        // The receiver's answer is not used: read it to free the socket, and stop at 64 KiB.
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > 65_536) response.destroy();
        });
        response.on('error', () => resolve(response.statusCode ?? 0));
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('close', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * Delivers one state change, signed. Any non-2xx answer or network failure throws, so Temporal
 * retries with the workflow's backoff; a destination that is not allowed fails for good.
 */
export function createWebhookSender(config: WebhookConfig): WebhookSender {
  return {
    async deliver(delivery) {
      const { log, attempt, cancelled } = activityScope();
      // Receivers sometimes put a token in the path or query: logs show the origin only.
      let origin = '(URL invalide)';
      const meta = () => ({
        deliveryId: delivery.deliveryId,
        subscriptionId: delivery.subscriptionId,
        destination: origin,
        attempt,
      });
      let url: URL;
      try {
        url = parseDestination(delivery.url, config);
        origin = url.origin;
        const host = url.hostname.replace(/^\[|\]$/g, '');
        if (net.isIP(host) && !config.allowPrivateDestinations && !isPublicAddress(host))
          throw new DestinationError(`destination refusée: adresse privée, locale ou réservée (${host})`);
      } catch (error) {
        log?.warn('Webhook refusé: destination non autorisée', {
          ...meta(),
          reason: (error as Error).message,
        });
        throw ApplicationFailure.nonRetryable((error as Error).message, DESTINATION_REFUSED);
      }
      const body = webhookBody(delivery);
      const timestamp = Math.floor(Date.now() / 1000);
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'iscg-webhooks/1',
        [DELIVERY_HEADER]: delivery.deliveryId,
        [SIGNATURE_HEADER]: signWebhook(delivery.secret, timestamp, body),
      };
      log?.info('Envoi webhook', meta());
      let status: number;
      try {
        status = await post(url, headers, body, config, cancelled);
      } catch (error) {
        if (error instanceof DestinationError) {
          log?.warn('Webhook refusé: destination non autorisée', { ...meta(), reason: error.message });
          throw ApplicationFailure.nonRetryable(error.message, DESTINATION_REFUSED);
        }
        const reason =
          (error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError'
            ? `pas de réponse en ${config.timeoutMs} ms`
            : (error as Error).message;
        log?.warn('Webhook non délivré', { ...meta(), reason });
        throw ApplicationFailure.retryable(
          `webhook ${delivery.deliveryId}: ${reason}`,
          'WebhookNotDelivered',
        );
      }
      if (status < 200 || status >= 300) {
        log?.warn('Webhook non délivré', { ...meta(), httpStatus: status });
        throw ApplicationFailure.retryable(
          `webhook ${delivery.deliveryId}: HTTP ${status}`,
          'WebhookNotDelivered',
        );
      }
      log?.info('Webhook délivré', { ...meta(), httpStatus: status });
      return { status: 'delivered', httpStatus: status, attempts: attempt };
    },
  };
}
