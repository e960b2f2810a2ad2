import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../client/api/app';
import { AesGcmPayloadCodec, generateKey, parseEncryptionKeys } from '../../security/payload-codec';
import { testKeys, unreachableConventions } from '../support/api-harness';

/**
 * Every route of the API but health, the OpenAPI document and the docs requires a key. The
 * routes are read from the app itself (its router, method by method) and checked against the
 * OpenAPI document, so a new route is covered as soon as it exists: documented, it must refuse
 * anonymous calls; hidden from the document, it fails this test until it is classified here.
 * Temporal is unreachable on purpose: authentication must answer before anything reaches it.
 */

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** Anyone may call these (the docs' static files are under /docs). */
const PUBLIC = [/^(GET|HEAD) \/healthz$/, /^(GET|HEAD) \/openapi\.json$/, /^(GET|HEAD) \/docs(\/.*)?$/];
/** CORS preflights of the codec server: a browser sends them without credentials, by design. */
const PREFLIGHT = /^OPTIONS \/codec\//;
/**
 * The dashboard's pages, for people: signed in with a key kept in a cookie, never a bearer header
 * (test/security/reports-scope.test.ts checks the cookie). Its sign-in form, its stylesheet and
 * signing out are open; every other page sends whoever has no valid cookie to the form.
 */
const DASHBOARD = /^(GET|HEAD|POST) \/tableau-de-bord(\/.*)?$/;
const DASHBOARD_OPEN = [
  /^(GET|HEAD|POST) \/tableau-de-bord\/connexion$/,
  /^(GET|HEAD) \/tableau-de-bord\/style\.css$/,
  /^POST \/tableau-de-bord\/deconnexion$/,
];
/** Routes the OpenAPI document hides, each for a reason. */
const HIDDEN = [
  DASHBOARD, // web pages, not API operations
  /^(GET|HEAD) \/openapi\.json$/, // the document itself
  /^(GET|HEAD) \/docs(\/.*)?$/, // Swagger UI
  /^(POST|OPTIONS) \/codec\//, // the Temporal UI's codec server, authenticated by its own token
];

let app: FastifyInstance;
let baseUrl = '';
let operatorToken = '';
let prefectureToken = '';
const codecToken = 'codec-token-for-the-authentication-test';

beforeAll(async () => {
  const { keys, tokens } = testKeys([
    { id: 'operator', actsAs: { kind: 'operator' } },
    { id: 'prefecture-59', actsAs: { kind: 'party-role', role: 'etat', departements: ['59'] } },
  ]);
  operatorToken = tokens.operator!;
  prefectureToken = tokens['prefecture-59']!;
  app = await buildApp({
    conventions: await unreachableConventions(),
    keys,
    webhooks: { allowPrivateDestinations: false },
    temporalTimeoutMs: 500,
    // Hundreds of anonymous calls on purpose: the per-address limit is tested elsewhere.
    anonymousRateLimit: { max: 100_000, perSeconds: 60 },
    codec: {
      codec: new AesGcmPayloadCodec(parseEncryptionKeys(`k1:${generateKey()}`)),
      token: codecToken,
      corsOrigins: ['http://localhost:8233'],
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await app?.close();
});

/** `METHOD /path` for every route of the router, parameters as `:name`. */
function routesOf(instance: FastifyInstance): string[] {
  const routes = new Set<string>();
  for (const method of METHODS) {
    const tree = instance.printRoutes({ method, commonPrefix: false });
    const stack: string[] = [];
    for (const line of tree.split('\n')) {
      const match = /^([│ ]*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
      if (!match) continue;
      const depth = match[1]!.length / 4;
      stack.length = depth;
      stack.push(match[2]!);
      if (match[3]?.split(', ').includes(method)) {
        // Two parametric siblings print as "/x/:a|:b": one route each, "/x/:a" and "/x/:b".
        const alternatives = (segment: string) => {
          const [first, ...others] = segment.split('|');
          const prefix = first!.slice(0, first!.lastIndexOf(':'));
          return [first!, ...others.map((other) => prefix + other)];
        };
        const variants = stack.reduce<string[]>(
          (paths, segment) => paths.flatMap((p) => alternatives(segment).map((s) => p + s)),
          [''],
        );
        for (const path of variants) routes.add(`${method} ${path.replace(/\/$/, '') || '/'}`);
      }
    }
  }
  return [...routes].sort();
}

function documentedRoutes(instance: FastifyInstance): string[] {
  const document = instance.swagger() as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
  );
}

const SAMPLE_PARAMS: Record<string, string> = {
  id: 'convention-59-lille-centre',
  webhookId: 'wh-0123456789abcdef',
  token: 'pas-le-jeton',
  operation: 'decode',
};

/** Over a real socket, as clients call it (`inject` needs an ESM-only dependency jest does not load). */
async function call(
  method: string,
  url: string,
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<{ statusCode: number; headers: Record<string, string> }> {
  const response = await fetch(`${baseUrl}${url}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  await response.arrayBuffer();
  return { statusCode: response.status, headers: Object.fromEntries(response.headers) };
}

function concrete(route: string): { method: string; url: string } {
  const [method, path] = route.split(' ') as [string, string];
  const url = path.replace(/:(\w+)/g, (_, name: string) => SAMPLE_PARAMS[name] ?? 'x').replace(/\*/, 'x');
  return { method, url };
}

test('the router is read whole: every documented route is found, every hidden one is accounted for', () => {
  const routes = routesOf(app);
  expect(routes.length).toBeGreaterThan(30);
  const found = new Set(routes);
  for (const route of documentedRoutes(app))
    expect({ route, found: found.has(route) }).toEqual({ route, found: true });
  const documented = new Set(documentedRoutes(app));
  // HEAD mirrors GET; anything else missing from the document must have a reason to be hidden.
  const unexplained = routes.filter(
    (r) =>
      !documented.has(r) && !documented.has(r.replace(/^HEAD /, 'GET ')) && !HIDDEN.some((h) => h.test(r)),
  );
  expect(unexplained).toEqual([]);
});

describe('without a key, every route but the public ones answers 401', () => {
  const credentials: [string, Record<string, string>][] = [
    ['no Authorization header', {}],
    ['an unknown key', { authorization: 'Bearer iscg_pas-une-vraie-cle-0000000000000000000000000' }],
    ['another scheme', { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` }],
    ['an empty bearer', { authorization: 'Bearer ' }],
  ];
  test.each(credentials)('%s', async (_label, headers) => {
    const outcomes: Record<string, number> = {};
    for (const route of routesOf(app)) {
      if (PUBLIC.some((p) => p.test(route)) || PREFLIGHT.test(route) || DASHBOARD.test(route)) continue;
      const { method, url } = concrete(route);
      const response = await call(
        method,
        url,
        headers,
        ['POST', 'PATCH', 'PUT'].includes(method) ? {} : undefined,
      );
      outcomes[route] = response.statusCode;
      if (response.statusCode === 401 && method !== 'HEAD')
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const expected = Object.fromEntries(Object.keys(outcomes).map((route) => [route, 401]));
    expect(outcomes).toEqual(expected);
    expect(Object.keys(outcomes).length).toBeGreaterThan(25);
  });
});

test('the public routes answer without a key; a valid key gets past authentication everywhere', async () => {
  expect((await call('GET', '/openapi.json')).statusCode).toBe(200);
  expect((await call('GET', '/docs/')).statusCode).toBe(200);
  // Temporal is unreachable here: health says so, without a key.
  expect((await call('GET', '/healthz')).statusCode).toBe(503);
  for (const route of routesOf(app)) {
    if (PUBLIC.some((p) => p.test(route)) || PREFLIGHT.test(route) || route.startsWith('HEAD ')) continue;
    if (DASHBOARD.test(route)) continue;
    const { method, url } = concrete(route);
    const response = await call(
      method,
      url,
      { authorization: `Bearer ${operatorToken}` },
      ['POST', 'PATCH', 'PUT'].includes(method) ? {} : undefined,
    );
    expect({ route, status: response.statusCode === 401 ? 401 : 'past authentication' }).toEqual({
      route,
      status: 'past authentication',
    });
  }
});

test('without a valid cookie, every page of the dashboard but its door sends to the sign-in form', async () => {
  const pages = routesOf(app).filter((r) => DASHBOARD.test(r) && !DASHBOARD_OPEN.some((o) => o.test(r)));
  expect(pages.length).toBeGreaterThan(10);
  for (const [label, headers] of [
    ['nothing', {}],
    ['a bearer key', { authorization: `Bearer ${operatorToken}` }],
    [
      'an unknown key in the cookie',
      { cookie: 'iscg_tableau=iscg_pas-une-vraie-cle-00000000000000000000000000' },
    ],
  ] as [string, Record<string, string>][]) {
    for (const route of pages) {
      const { method, url } = concrete(route);
      const response = await fetch(`${baseUrl}${url}`, { method, headers, redirect: 'manual' });
      const text = await response.text();
      expect({ label, route, status: response.status, location: response.headers.get('location') }).toEqual({
        label,
        route,
        status: 303,
        location: '/tableau-de-bord/connexion',
      });
      expect(text).toBe('');
    }
  }
});

test('the codec server takes its development token or an operator key; a party key is refused, nothing is 401', async () => {
  const body = { payloads: [] };
  const post = (url: string, headers: Record<string, string> = {}) => call('POST', url, headers, body);
  expect((await post(`/codec/${codecToken}/decode`)).statusCode).toBe(200);
  expect((await post('/codec/decode', { authorization: `Bearer ${operatorToken}` })).statusCode).toBe(200);
  expect((await post('/codec/decode')).statusCode).toBe(401);
  expect((await post(`/codec/${codecToken}x/decode`)).statusCode).toBe(401);
  expect((await post('/codec/decode', { authorization: `Bearer ${prefectureToken}` })).statusCode).toBe(403);
});
