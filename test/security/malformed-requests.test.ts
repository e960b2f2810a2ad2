import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp, type ApiOptions } from '../../client/api/app';
import type { ConventionsClient } from '../../client/conventions';
import { AesGcmPayloadCodec, generateKey, parseEncryptionKeys } from '../../security/payload-codec';
import { testKeys, unreachableConventions } from '../support/api-harness';
import { recordAttacks, Tally } from '../support/attack-log';

/**
 * What a careless or hostile client sends besides well-formed requests: bodies nested thousands of
 * levels deep, junk to the codec server, over-long or malformed addresses, other charsets, two
 * idempotency keys, floods of anonymous calls, a body that never completes. Each gets a 4xx
 * `application/problem+json` naming the rule, echoing nothing it was sent, and never a 500.
 * Temporal is unreachable: all of this is answered before anything reaches it.
 */

const CODEC_TOKEN = 'jeton-du-codec-pour-ce-test';
const PERSONAL = 'Jeanne Martin née le 12/03/1985';

interface Started {
  app: FastifyInstance;
  base: string;
  token: string;
  conventions: ConventionsClient;
}
const started: Started[] = [];

async function start(options: Partial<ApiOptions> = {}): Promise<Started> {
  const { keys, tokens } = testKeys([{ id: 'operator', actsAs: { kind: 'operator' } }]);
  const conventions = await unreachableConventions();
  const app = await buildApp({
    conventions,
    keys,
    webhooks: { allowPrivateDestinations: false },
    temporalTimeoutMs: 300,
    codec: {
      codec: new AesGcmPayloadCodec(parseEncryptionKeys(`k1:${generateKey()}`)),
      token: CODEC_TOKEN,
      corsOrigins: [],
    },
    ...options,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const result = {
    app,
    base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    token: tokens.operator!,
    conventions,
  };
  started.push(result);
  return result;
}

let api: Started;
beforeAll(async () => {
  api = await start({
    rateLimit: { max: 10_000, perSeconds: 60 },
    anonymousRateLimit: { max: 10_000, perSeconds: 60 },
  });
});
afterAll(async () => {
  for (const s of started) await s.app.close();
});

interface Answer {
  status: number;
  type: string;
  text: string;
  body: { detail?: string; field?: string; code?: string };
}

async function send(
  target: Started,
  method: string,
  path: string,
  init: { body?: string; headers?: Record<string, string> | Headers; anonymous?: boolean } = {},
): Promise<Answer> {
  const headers = new Headers(init.headers);
  if (!init.anonymous && !headers.has('authorization'))
    headers.set('authorization', `Bearer ${target.token}`);
  if (init.body !== undefined && !headers.has('content-type'))
    headers.set('content-type', 'application/json');
  const response = await fetch(`${target.base}${path}`, { method, headers, body: init.body });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, type, text, body: type.includes('json') && text ? JSON.parse(text) : {} };
}

/** A 4xx problem that repeats nothing of `sent` and carries no JavaScript error text. */
function expectProblem(answer: Answer, status: number, rule: RegExp, sent: string[] = []) {
  expect({ status: answer.status, type: answer.type }).toEqual({
    status,
    type: 'application/problem+json; charset=utf-8',
  });
  expect(answer.body.detail).toMatch(rule);
  expect(answer.text).not.toMatch(
    /TypeError|RangeError|SyntaxError|Cannot read|undefined|is not valid JSON|at position/,
  );
  for (const fragment of sent) expect(answer.text).not.toContain(fragment);
}

function nested(depth: number, leaf = '"x"'): string {
  let json = leaf;
  for (let i = 0; i < depth; i++) json = `{"a":${json}}`;
  return json;
}

test('bodies nested thousands of levels deep are refused before anything parses them further (400)', async () => {
  const tally = new Tally();
  const id = 'convention-59-lille-centre';
  const cases: [string, string, string, string?][] = [
    ['PATCH', `/conventions/${id}`, nested(4100), 'application/merge-patch+json'],
    ['PATCH', `/conventions/${id}`, nested(40)],
    ['POST', `/conventions/${id}/events/amend`, `{"patch":${nested(4100)}}`],
    ['POST', `/conventions/${id}/events`, `{"type":"AMEND","payload":{"patch":${nested(4100)}}}`],
    [
      'POST',
      `/conventions/${id}/events/record-renewal-decision`,
      `{"decision":"renew","decidedOn":"2027-01-04","nextTermPatch":${nested(4100)}}`,
    ],
    ['POST', '/conventions', `{"slug":"x","data":${nested(4100)}}`],
    ['POST', `/conventions/${id}/webhooks`, `{"url":${nested(5000, '[]')}}`],
    ['POST', `/codec/${CODEC_TOKEN}/decode`, `{"payloads":${nested(4100, '[]')}}`],
  ];
  for (const [method, path, body, contentType] of cases) {
    const answer = await send(api, method, path, {
      body,
      ...(contentType ? { headers: { 'content-type': contentType } } : {}),
    });
    tally.add(answer.status);
    expectProblem(answer, 400, /JSON trop imbriqué: 32 niveaux/);
  }
  recordAttacks('deep-nesting', { requests: tally.requests, answers: tally.byStatus });
});

test('junk to the codec server is a 422 naming the payload, never a 500 or an internal message', async () => {
  const tally = new Tally();
  const bodies: [string, string, RegExp][] = [
    ['encode', '{"payloads":[null]}', /^payloads\.0: /],
    ['encode', '{"payloads":[1]}', /^payloads\.0: /],
    ['encode', '{"payloads":["x"]}', /^payloads\.0: /],
    [
      'encode',
      '{"payloads":[{"metadata":{"encoding":5},"data":"AA=="}]}',
      /^payloads\.0\.metadata\.encoding: /,
    ],
    ['encode', '{"payloads":[{"metadata":{"encoding":null}}]}', /^payloads\.0\.metadata\.encoding: /],
    ['encode', '{"payloads":[{"metadata":[],"data":7}]}', /^payloads\.0\.(metadata|data): /],
    ['encode', '{"payloads":[{"data":"pas du base64 !"}]}', /^payloads\.0\.data: base64 attendu/],
    ['encode', '{"payloads":"x"}', /^payloads: /],
    ['encode', '[]', /./],
    ['decode', '{"payloads":[null]}', /^payloads\.0: /],
    ['decode', '{"payloads":[{"metadata":{"encoding":{"x":1}}}]}', /^payloads\.0\.metadata\.encoding: /],
    // Announced as encrypted, but sealed by no key of this service.
    [
      'decode',
      JSON.stringify({
        payloads: [
          { metadata: { encoding: Buffer.from('binary/encrypted').toString('base64') }, data: 'AAAA' },
        ],
      }),
      /^payloads\.0: payload illisible/,
    ],
    [
      'decode',
      JSON.stringify({
        payloads: [
          {
            metadata: {
              encoding: Buffer.from('binary/encrypted').toString('base64'),
              'encryption-key-id': Buffer.from('k1').toString('base64'),
            },
            data: Buffer.alloc(64, 7).toString('base64'),
          },
        ],
      }),
      /^payloads\.0: payload illisible/,
    ],
  ];
  for (const [operation, body, rule] of bodies) {
    const answer = await send(api, 'POST', `/codec/${CODEC_TOKEN}/${operation}`, { body, anonymous: true });
    tally.add(answer.status);
    expectProblem(answer, 422, rule);
  }
  recordAttacks('codec-junk', { requests: tally.requests, answers: tally.byStatus });
});

test('over-long, malformed or unknown addresses: a problem that does not repeat the address', async () => {
  const tally = new Tally();
  const long = 'a'.repeat(5000);
  for (const anonymous of [true, false]) {
    const tooLong = await send(api, 'GET', `/conventions/convention-59-${long}`, { anonymous });
    tally.add(tooLong.status);
    expectProblem(tooLong, 414, /dépasse 100 caractères/, [long.slice(0, 120)]);
    const badEncoding = await send(api, 'GET', '/conventions/%E0%A4%A', { anonymous });
    tally.add(badEncoding.status);
    expectProblem(badEncoding, 400, /encodage « % » invalide/, ['%E0%A4%A']);
    const unknown = await send(api, 'GET', `/inconnue/${encodeURIComponent(PERSONAL)}`, { anonymous });
    tally.add(unknown.status);
    expect(unknown.status).toBe(anonymous ? 401 : 404);
    expect(unknown.text).not.toContain('Jeanne');
    expect(unknown.text).not.toContain('Jeanne%20Martin');
  }
  // Beyond Node's 16 KiB of headers, the HTTP parser itself refuses: a problem all the same.
  const huge = await send(api, 'GET', `/conventions/${'b'.repeat(20_000)}`);
  tally.add(huge.status);
  expectProblem(huge, 431, /16 Kio/, ['bbbbbbbbbb']);
  recordAttacks('addresses', { requests: tally.requests, answers: tally.byStatus });
});

test('JSON in another charset than UTF-8 is refused (415); unreadable JSON is not echoed (400)', async () => {
  const tally = new Tally();
  const body = JSON.stringify({ slug: 'x', data: { departement: '59' } });
  for (const charset of [
    'utf-16',
    'UTF-16LE',
    'iso-8859-1',
    'latin1',
    'windows-1252',
    'us-ascii',
    '"utf-32"',
  ]) {
    for (const type of ['application/json', 'application/merge-patch+json']) {
      const answer = await send(
        api,
        type.includes('merge') ? 'PATCH' : 'POST',
        type.includes('merge') ? '/conventions/convention-59-x' : '/conventions',
        {
          body,
          headers: { 'content-type': `${type}; charset=${charset}` },
        },
      );
      tally.add(answer.status);
      expectProblem(answer, 415, /UTF-8 seulement/, [charset.replace(/"/g, '')]);
    }
  }
  for (const charset of ['utf-8', 'UTF-8', 'utf8', '"utf-8"']) {
    const answer = await send(api, 'POST', '/conventions/convention-59-x/webhooks', {
      body: '{"url":"https://127.0.0.1/x"}',
      headers: { 'content-type': `application/json; charset=${charset}` },
    });
    expect({ charset, status: answer.status, field: answer.body.field }).toEqual({
      charset,
      status: 422,
      field: 'url',
    });
  }
  for (const bad of [`{"signerName": ${PERSONAL}}`, `{"a":1,}`, `{'a':1}`, `{"a":"${PERSONAL}"`]) {
    const answer = await send(api, 'POST', '/conventions', { body: bad });
    tally.add(answer.status);
    expectProblem(answer, 400, /JSON illisible/, ['Jeanne', 'signerName']);
  }
  recordAttacks('charsets-and-bad-json', { requests: tally.requests, answers: tally.byStatus });
});

/** Over node's http client: repeated headers go out as separate lines, as a raw client sends them. */
function sendRepeated(target: Started, method: string, path: string, keys: string[]): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${target.base}${path}`,
      {
        method,
        headers: {
          authorization: `Bearer ${target.token}`,
          'content-type': 'application/json',
          'idempotency-key': keys,
        },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            type: response.headers['content-type'] ?? '',
            text,
            body: JSON.parse(text),
          }),
        );
      },
    );
    request.on('error', reject);
    request.end('{}');
  });
}

test('two Idempotency-Key headers get a precise refusal', async () => {
  const tally = new Tally();
  const key = 'esign-2027-0042-etat';
  const two = await sendRepeated(api, 'POST', '/conventions/convention-59-x/events/submit-draft', [key, key]);
  tally.add(two.status);
  expectProblem(two, 422, /un seul en-tête par requête \(2 reçus\)/);
  expect(two.body.field).toBe('Idempotency-Key');
  const three = await sendRepeated(api, 'PATCH', '/conventions/convention-59-x', [
    'cle-0001a',
    'cle-0001b',
    'cle-0001c',
  ]);
  tally.add(three.status);
  expectProblem(three, 422, /\(3 reçus\)/);
  // Folded into one list by a proxy (or by fetch): the same refusal.
  const headers = new Headers({ 'idempotency-key': key });
  headers.append('idempotency-key', `${key}-bis`);
  const folded = await send(api, 'POST', '/conventions/convention-59-x/events/submit-draft', {
    body: '{}',
    headers,
  });
  tally.add(folded.status);
  expectProblem(folded, 422, /un seul en-tête par requête \(2 reçus\)/);
  recordAttacks('idempotency-headers', { requests: tally.requests, answers: tally.byStatus });
});

test('health and answers without a valid key are rate-limited per address', async () => {
  const limited = await start({ anonymousRateLimit: { max: 5, perSeconds: 60 } });
  const tally = new Tally();
  const statuses = async (make: () => Promise<Answer>, n: number) => {
    const seen: number[] = [];
    for (let i = 0; i < n; i++) {
      const answer = await make();
      tally.add(answer.status);
      seen.push(answer.status);
    }
    return seen;
  };
  const health = await statuses(() => send(limited, 'GET', '/healthz', { anonymous: true }), 7);
  expect(health.slice(0, 5)).toEqual([503, 503, 503, 503, 503]);
  expect(health.slice(5)).toEqual([429, 429]);
  const limitedAnswer = await send(limited, 'GET', '/conventions', {
    headers: { authorization: 'Bearer iscg_pas-une-vraie-cle-00000000000000000000000000' },
  });
  tally.add(limitedAnswer.status);
  expectProblem(limitedAnswer, 429, /pour cette adresse sans clé valide/);
  expect(Number(limitedAnswer.text.length)).toBeGreaterThan(0);

  // A fresh instance: a flood of wrong keys alone.
  const second = await start({ anonymousRateLimit: { max: 5, perSeconds: 60 } });
  const wrongKeys = await statuses(
    () => send(second, 'GET', '/conventions', { headers: { authorization: 'Bearer iscg_devine' } }),
    8,
  );
  expect(wrongKeys).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
  // A valid key is not held back by the anonymous bucket of its address.
  expect((await send(second, 'GET', '/conventions/convention-59-x')).status).toBe(503);
  recordAttacks('anonymous-flood', { requests: tally.requests, answers: tally.byStatus });
});

test('/healthz asks Temporal at most once a second, whatever the number of callers', async () => {
  const service = api.conventions.client.connection.workflowService;
  const original = service.getSystemInfo.bind(service);
  let asked = 0;
  service.getSystemInfo = Object.assign((request: Parameters<typeof original>[0]) => {
    asked++;
    return original(request);
  }, service.getSystemInfo);
  try {
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => send(api, 'GET', '/healthz', { anonymous: true })),
    );
    for (const answer of answers) expect(answer.status).toBe(503);
    expect(asked).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await send(api, 'GET', '/healthz', { anonymous: true })).status).toBe(503);
    expect(asked).toBe(2);
  } finally {
    service.getSystemInfo = original;
  }
  recordAttacks('health-polling', { requests: 31, temporalCalls: asked });
});

test('a body shorter than its Content-Length is answered 408 and the connection closed', async () => {
  const quick = await start({ bodyTimeoutMs: 500 });
  const port = Number(new URL(quick.base).port);
  const started = Date.now();
  const answer = await new Promise<{ text: string; closedAfterMs: number }>((resolve, reject) => {
    let text = '';
    const socket = net.connect(port, '127.0.0.1', () =>
      socket.write(
        'POST /conventions HTTP/1.1\r\nHost: localhost\r\n' +
          `Authorization: Bearer ${quick.token}\r\nContent-Type: application/json\r\n` +
          'Content-Length: 100\r\n\r\n{"slug":',
      ),
    );
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('close', () => resolve({ text, closedAfterMs: Date.now() - started }));
    socket.on('error', reject);
    setTimeout(() => {
      socket.destroy();
      reject(new Error('connexion toujours ouverte après 5 s'));
    }, 5_000);
  });
  expect(answer.text).toMatch(/^HTTP\/1\.1 408 /);
  expect(answer.text).toMatch(/content-type: application\/problem\+json/i);
  expect(answer.text).toContain('corps de requête incomplet après 0.5 s');
  expect(answer.closedAfterMs).toBeLessThan(3_000);
  recordAttacks('short-body', { requests: 1, answers: { '408': 1 }, closedAfterMs: answer.closedAfterMs });
});
