import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { checkDestination, isPublicAddress } from '../../activities/webhooks/destination';
import { createWebhookSender, DESTINATION_REFUSED } from '../../activities/webhooks/sender';
import { buildApp } from '../../client/api/app';
import { testKeys, unreachableConventions } from '../support/api-harness';
import { recordAttacks } from '../support/attack-log';

/**
 * Server-side request forgery through a webhook destination, outside development: every written
 * form of an address that is not public (IPv4 in decimal, hex or octal; IPv6 in every form that
 * carries an IPv4 address) is refused when a subscription is made, and again by the worker at
 * delivery, before anything is sent. Temporal is unreachable here: the API's check comes first.
 */

const NOT_PUBLIC: Record<string, string[]> = {
  'IPv4 loopback, private, link-local, CGNAT, unspecified, broadcast, multicast': [
    '127.0.0.1',
    '127.1',
    '2130706433',
    '0x7f.1',
    '0177.0.0.1',
    '10.1.2.3',
    '172.16.5.4',
    '192.168.0.10',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '255.255.255.255',
    '224.0.0.1',
    '192.0.2.1',
  ],
  'IPv6 loopback, unspecified, link-local, unique-local, site-local, multicast, documentation': [
    '[::1]',
    '[::]',
    '[fe80::1]',
    '[fc00::1]',
    '[fd12:3456::1]',
    '[fec0::1]',
    '[ff02::1]',
    '[2001:db8::1]',
    '[3fff::1]',
    '[100::1]',
  ],
  'IPv4-compatible (::a.b.c.d)': [
    '[::127.0.0.1]',
    '[::7f00:1]',
    '[::a9fe:a9fe]',
    '[::a00:1]',
    '[::5db8:d70e]',
  ],
  'IPv4-mapped (::ffff:a.b.c.d) and SIIT': [
    '[::ffff:127.0.0.1]',
    '[::ffff:7f00:1]',
    '[::ffff:169.254.169.254]',
    '[::ffff:10.0.0.1]',
    '[::ffff:0:7f00:1]',
  ],
  'NAT64 (64:ff9b::/96, 64:ff9b:1::/48)': [
    '[64:ff9b::127.0.0.1]',
    '[64:ff9b::a9fe:a9fe]',
    '[64:ff9b::a00:1]',
    '[64:ff9b:1::5db8:d70e]',
  ],
  '6to4 (2002::/16) and Teredo (2001::/32)': [
    '[2002:7f00:1::1]',
    '[2002:a9fe:a9fe::1]',
    '[2002:c0a8:1::1]',
    '[2001:0:4136:e378:8000:63bf:3fff:fdd2]',
  ],
  names: ['localhost', 'localhost.', 'ip6-localhost'],
};

const PUBLIC = [
  '93.184.215.14',
  '[2606:2800:21f:cb07:6820:80da:af6b:8b2c]',
  '[::ffff:93.184.215.14]',
  '[64:ff9b::5db8:d70e]',
  '[2002:5db8:d70e::1]',
];

const strict = { allowPrivateDestinations: false };
const hostsOf = (group: string[]) => group.map((host) => `https://${host}/iscg?token=x`);
const allRefused = Object.values(NOT_PUBLIC).flat();

let app: FastifyInstance;
let baseUrl = '';
let token = '';

beforeAll(async () => {
  const { keys, tokens } = testKeys([{ id: 'operator', actsAs: { kind: 'operator' } }]);
  token = tokens.operator!;
  app = await buildApp({
    conventions: await unreachableConventions(),
    keys,
    webhooks: strict,
    temporalTimeoutMs: 300,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await app?.close();
});

test('the check calls public only global unicast addresses, in every written form', async () => {
  for (const host of allRefused.filter((h) => !/[a-z]{4}/.test(h)))
    expect({ host, public: isPublicAddress(new URL(`https://${host}/`).hostname) }).toEqual({
      host,
      public: false,
    });
  for (const host of PUBLIC)
    expect({ host, public: isPublicAddress(new URL(`https://${host}/`).hostname) }).toEqual({
      host,
      public: true,
    });
  for (const url of hostsOf(allRefused))
    await expect(checkDestination(url, strict)).rejects.toThrow(/refusée|introuvable/);
  for (const url of hostsOf(PUBLIC)) await expect(checkDestination(url, strict)).resolves.toBeInstanceOf(URL);
});

test('a subscription to any of them is refused (422, field url) before it reaches the convention', async () => {
  const outcomes: Record<string, number> = {};
  for (const [group, hosts] of Object.entries(NOT_PUBLIC))
    for (const url of hostsOf(hosts)) {
      const response = await fetch(`${baseUrl}/conventions/convention-59-lille-centre/webhooks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url }),
      });
      const body = (await response.json()) as { field?: string };
      expect({ url, status: response.status, field: body.field }).toEqual({ url, status: 422, field: 'url' });
      outcomes[group] = (outcomes[group] ?? 0) + 1;
    }
  recordAttacks('ssrf-subscription', {
    requests: Object.values(outcomes).reduce((a, b) => a + b, 0),
    groups: outcomes,
    answer: '422 url',
  });
});

test('stored anyway (raw Temporal access), each is refused again by the worker, never called', async () => {
  let hits = 0;
  const receiver = http.createServer((_request, response) => {
    hits++;
    response.writeHead(204).end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, '::', resolve));
  const port = (receiver.address() as AddressInfo).port;
  const sender = createWebhookSender({ ...strict, timeoutMs: 2_000 });
  try {
    const literal = allRefused.filter((h) => h.startsWith('[') || /^\d/.test(h));
    for (const host of [...literal, 'localhost']) {
      const url = `https://${host}:${port}/iscg`;
      const delivery = sender.deliver({
        deliveryId: 'convention-59-lille-centre.1.wh-0123456789abcdef',
        subscriptionId: 'wh-0123456789abcdef',
        url,
        secret: 'whsec_test-secret-0123456789',
        change: {
          sequence: 1,
          conventionId: 'convention-59-lille-centre',
          occurredAt: 0,
          cause: 'CLOCK',
          phase: 'active',
          previousPhase: 'active',
          term: 1,
          nextDeadline: null,
        },
      });
      const failure = await delivery.then(
        () => null,
        (error: unknown) => error,
      );
      expect({ url, type: failure instanceof ApplicationFailure ? failure.type : String(failure) }).toEqual({
        url,
        type: DESTINATION_REFUSED,
      });
      expect((failure as ApplicationFailure).nonRetryable).toBe(true);
    }
    expect(hits).toBe(0);
  } finally {
    receiver.close();
  }
});
