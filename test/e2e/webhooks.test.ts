import { createHmac, timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { createWebhookSender } from '../../activities/webhooks/sender';
import type { WebhookDelivery } from '../../domain/temporal-contract';
import { completeConventionData } from '../support/fixtures';
import { eventually, startApi, startDevStack, type DevStack, type RunningApi } from '../support/api-harness';

/**
 * Webhooks end to end: a subscription made over the API, deliveries made by Temporal activities,
 * and a receiver written here from the documented contract only (node:http + node:crypto), which
 * checks each signature and can fail on purpose to make Temporal retry.
 */

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  raw: string;
  at: number;
}

/** The receiver's side of the contract, as docs/api.md tells integrators to write it. */
function verifySignature(secret: string, header: string | undefined, raw: string, toleranceS = 300): boolean {
  const parts = Object.fromEntries((header ?? '').split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(Date.now() / 1000 - t) > toleranceS) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${raw}`).digest();
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

class Receiver {
  readonly received: Received[] = [];
  /** Answers for the next requests, in order; then 204. */
  script: (number | 'hang' | { redirect: string })[] = [];
  private server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      this.received.push({
        path: request.url ?? '',
        headers: request.headers,
        raw: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      });
      const next = this.script.shift() ?? 204;
      if (next === 'hang') return;
      if (typeof next === 'object') response.writeHead(302, { location: next.redirect }).end();
      else response.writeHead(next).end();
    });
  });
  port = 0;

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path = '/hooks/iscg'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let stack: DevStack;
let api: RunningApi;
let receiver: Receiver;

beforeAll(async () => {
  stack = await startDevStack({ webhooks: { allowPrivateDestinations: true, timeoutMs: 2_000 } });
  api = await startApi(stack.conventions, {
    keys: [
      { id: 'finance-59', actsAs: { kind: 'party-role', role: 'etat', departements: ['59'] } },
      { id: 'operator', actsAs: { kind: 'operator' } },
    ],
  });
  receiver = await new Receiver().start();
});
afterAll(async () => {
  await receiver?.stop();
  await api?.close();
  await stack?.teardown();
});

async function draft(slug: string): Promise<string> {
  const response = await api.call('POST', '/conventions', {
    as: 'finance-59',
    body: { slug, data: completeConventionData() },
  });
  expect(response.status).toBe(201);
  return response.body.conventionId as string;
}

test('each state change is delivered signed; a receiver that fails first gets it again, same id', async () => {
  const id = await draft(`hooks-${Date.now().toString(36)}`);
  const subscription = await api.call('POST', `/conventions/${id}/webhooks`, {
    as: 'finance-59',
    body: { url: receiver.url() },
  });
  expect(subscription.status).toBe(201);
  const secret = subscription.body.secret as string;
  receiver.script = [503];

  const submitted = await api.call('POST', `/conventions/${id}/events/submit-draft`, {
    as: 'finance-59',
    body: {},
  });
  expect(submitted.status).toBe(200);

  const hits = await eventually(
    () => Promise.resolve(receiver.received.filter((r) => r.path === '/hooks/iscg')),
    (list) => list.length >= 2,
    30_000,
  );
  expect(hits).toHaveLength(2);
  const [failed, delivered] = hits as [Received, Received];
  // Temporal's retry policy waits before the second attempt (5 s initial interval).
  expect(delivered.at - failed.at).toBeGreaterThanOrEqual(4_000);
  for (const hit of hits) {
    expect(hit.headers['content-type']).toBe('application/json');
    expect(verifySignature(secret, hit.headers['x-iscg-signature'] as string, hit.raw)).toBe(true);
    expect(verifySignature('whsec_wrong', hit.headers['x-iscg-signature'] as string, hit.raw)).toBe(false);
    expect(
      verifySignature(
        secret,
        hit.headers['x-iscg-signature'] as string,
        hit.raw.replace('recruitment', 'active'),
      ),
    ).toBe(false);
  }
  expect(failed.headers['x-iscg-delivery']).toBe(delivered.headers['x-iscg-delivery']);
  const body = JSON.parse(delivered.raw);
  expect(body).toMatchObject({
    id: delivered.headers['x-iscg-delivery'],
    type: 'convention.state_changed',
    data: {
      conventionId: id,
      cause: 'SUBMIT_DRAFT',
      previousPhase: 'drafting',
      phase: 'recruitment',
      sequence: 1,
    },
  });
  // Identifiers and phases only: no contact, name or secret travels to receivers.
  expect(delivered.raw).not.toMatch(/@|Préfet|whsec_/);
  const state = (await api.call('GET', `/conventions/${id}`, { as: 'finance-59' })).body;
  expect(state.deliveryFailures).toEqual([]);
});

test('after unsubscribing, changes are no longer sent', async () => {
  const id = await draft(`hooks-off-${Date.now().toString(36)}`);
  const subscription = await api.call('POST', `/conventions/${id}/webhooks`, {
    as: 'finance-59',
    body: { url: receiver.url('/hooks/off') },
  });
  // Its own subscriptions, listed for the key, URL included and never the secret; none for another.
  const mine = await api.call('GET', `/conventions/${id}/webhooks`, { as: 'finance-59' });
  expect(mine.status).toBe(200);
  expect(mine.body.webhooks).toEqual([
    {
      id: subscription.body.id,
      url: receiver.url('/hooks/off'),
      client: 'finance-59',
      createdAt: expect.any(Number),
    },
  ]);
  expect(mine.text).not.toContain('whsec_');
  const theirs = await api.call('GET', `/conventions/${id}/webhooks`, { as: 'operator' });
  expect(theirs.body).toEqual({ webhooks: [] });
  const removed = await api.call('DELETE', `/conventions/${id}/webhooks/${subscription.body.id}`, {
    as: 'finance-59',
  });
  expect(removed.status).toBe(204);
  expect((await api.call('GET', `/conventions/${id}/webhooks`, { as: 'finance-59' })).body).toEqual({
    webhooks: [],
  });
  await api.call('POST', `/conventions/${id}/events/submit-draft`, { as: 'finance-59', body: {} });
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(receiver.received.filter((r) => r.path === '/hooks/off')).toEqual([]);
});

describe('the sender, called directly', () => {
  const delivery = (url: string): WebhookDelivery => ({
    deliveryId: 'convention-59-x.1.wh-1',
    subscriptionId: 'wh-1',
    url,
    secret: 'whsec_0123456789abcdef0123456789abcdef',
    change: {
      sequence: 1,
      conventionId: 'convention-59-x',
      occurredAt: Date.now(),
      cause: 'SUBMIT_DRAFT',
      phase: 'recruitment',
      previousPhase: 'drafting',
      term: 0,
      nextDeadline: null,
    },
  });

  test('outside development, loopback destinations are refused at delivery, for good, unsent', async () => {
    const strict = createWebhookSender({ allowPrivateDestinations: false, timeoutMs: 2_000 });
    const before = receiver.received.length;
    for (const url of [`https://127.0.0.1:${receiver.port}/x`, `https://localhost:${receiver.port}/x`]) {
      const error = await strict.deliver(delivery(url)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApplicationFailure);
      expect(error).toMatchObject({ type: 'WebhookDestinationRefused', nonRetryable: true });
    }
    expect(receiver.received.length).toBe(before);
  });

  test('redirects are not followed and non-2xx answers throw, so Temporal retries', async () => {
    const sender = createWebhookSender({ allowPrivateDestinations: true, timeoutMs: 1_000 });
    receiver.script = [{ redirect: receiver.url('/hooks/elsewhere') }];
    await expect(sender.deliver(delivery(receiver.url('/hooks/redirect')))).rejects.toMatchObject({
      message: expect.stringMatching(/HTTP 302/),
      nonRetryable: false,
    });
    receiver.script = [410];
    await expect(sender.deliver(delivery(receiver.url('/hooks/gone')))).rejects.toThrow(/HTTP 410/);
    receiver.script = ['hang'];
    await expect(sender.deliver(delivery(receiver.url('/hooks/slow')))).rejects.toThrow(
      /pas de réponse en 1000 ms/,
    );
    expect(receiver.received.some((r) => r.path === '/hooks/elsewhere')).toBe(false);
    receiver.script = [];
    await expect(sender.deliver(delivery(receiver.url('/hooks/ok')))).resolves.toMatchObject({
      status: 'delivered',
      httpStatus: 204,
    });
  });
});
