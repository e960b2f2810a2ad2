import type { AddressInfo } from 'node:net';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { generateKeyPair } from 'jose';
import { buildApp } from '../../client/api/app';
import { ConfigError, readEnvironment } from '../../config/env';
import {
  AesGcmPayloadCodec,
  CONVENTION_METADATA,
  generateKey,
  parseEncryptionKeys,
} from '../../security/payload-codec';
import { testKeys, unreachableConventions } from '../support/api-harness';
import { recordAttacks, Tally } from '../support/attack-log';
import { OidcIssuer } from '../support/oidc-issuer';

/**
 * The Web UI's codec server decrypts for a person only, within that person's scope, and under
 * the same rate limit as the rest of the API. The person is an operator's API key, or the
 * operator's OIDC access token the UI forwards: verified against the issuer's keys (served here
 * on loopback), its claims mapped to départements. Every payload names its convention, sealed
 * into it: a payload out of reach goes back sealed, a relabelled one does not open.
 */

const codec = new AesGcmPayloadCodec(parseEncryptionKeys(`k1:${generateKey()}`));
const NORD = 'convention-59-lille-centre';
const BAS_RHIN = 'convention-67-strasbourg-centre';
const SECRET_NAME = 'Jeanne Martin';

let issuer: OidcIssuer;
let app: FastifyInstance;
let base = '';
let tokens: Record<string, string> = {};
const tally = new Tally();

async function sealed(conventionId: string | null, marker: string): Promise<Payload> {
  const plain = defaultPayloadConverter.toPayload({ marker, signerName: SECRET_NAME, conventionId });
  const context = conventionId
    ? { type: 'workflow' as const, namespace: 'default', workflowId: conventionId }
    : undefined;
  return (await codec.encode([plain], context))[0]!;
}

const b64 = (bytes: Uint8Array | null | undefined) =>
  Buffer.from(bytes ?? new Uint8Array()).toString('base64');
const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, b64(v)])),
  data: b64(p.data),
});

let payloads: Payload[] = [];

beforeAll(async () => {
  issuer = await new OidcIssuer().start();
  const keys = testKeys([
    { id: 'operator', actsAs: { kind: 'operator' } },
    {
      id: 'operator-59',
      actsAs: { kind: 'operator', departements: ['59'] },
      rateLimit: { max: 6, perSeconds: 60 },
    },
    { id: 'prefecture-67', actsAs: { kind: 'party-role', role: 'etat', departements: ['67'] } },
  ]);
  tokens = keys.tokens;
  app = await buildApp({
    conventions: await unreachableConventions(),
    keys: keys.keys,
    webhooks: { allowPrivateDestinations: false },
    temporalTimeoutMs: 300,
    codec: {
      codec,
      token: null,
      corsOrigins: ['https://temporal.iscg.example.gouv.fr'],
      oidc: {
        issuer: issuer.url,
        audience: 'iscg-codec',
        roleClaim: 'realm_access.roles',
        operatorRole: 'iscg-operateur',
        departementsClaim: 'iscg_departements',
      },
    },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  payloads = [await sealed(NORD, 'nord'), await sealed(BAS_RHIN, 'bas-rhin'), await sealed(null, 'ancien')];
});
afterAll(async () => {
  await app?.close();
  issuer?.close();
  recordAttacks('codec', { requests: tally.requests, answers: tally.byStatus });
});

async function decode(authorization: string | null, sent: Payload[] = payloads, path = '/codec/decode') {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      origin: 'https://temporal.iscg.example.gouv.fr',
      ...(authorization ? { authorization } : {}),
    },
    body: JSON.stringify({ payloads: sent.map(toJson) }),
  });
  tally.add(response.status);
  const body = (await response.json()) as { payloads?: { data: string }[]; detail?: string };
  return { status: response.status, body, text: JSON.stringify(body) };
}

/** Which markers came back readable. */
function opened(answer: {
  body: { payloads?: { metadata?: Record<string, string>; data: string }[] };
}): string[] {
  return (answer.body.payloads ?? [])
    .map((p) => Buffer.from(p.data, 'base64').toString())
    .map((text) => /"marker":"([^"]+)"/.exec(text)?.[1])
    .filter((m): m is string => Boolean(m));
}

test('every payload is bound to its convention: clear beside it, sealed into it', () => {
  expect(Buffer.from(payloads[0]!.metadata![CONVENTION_METADATA]!).toString()).toBe(NORD);
  expect(payloads[2]!.metadata![CONVENTION_METADATA]).toBeUndefined();
  expect(Buffer.from(payloads[0]!.data!).toString()).not.toContain('nord');
});

test('an operator key decodes only the conventions of its départements; a party key nothing', async () => {
  const all = await decode(`Bearer ${tokens.operator}`);
  expect(all.status).toBe(200);
  expect(opened(all)).toEqual(['nord', 'bas-rhin', 'ancien']);
  // Masked on the way out, as ever.
  expect(all.text).not.toContain(Buffer.from(SECRET_NAME).toString('base64').slice(0, 12));
  const nord = await decode(`Bearer ${tokens['operator-59']}`);
  expect(nord.status).toBe(200);
  expect(opened(nord)).toEqual(['nord']);
  // What it may not read comes back as it was sent: sealed.
  expect(nord.body.payloads![1]!.data).toBe(b64(payloads[1]!.data));
  expect((await decode(`Bearer ${tokens['prefecture-67']}`)).status).toBe(403);
});

test('the operator’s access token, verified against the issuer, decodes within its départements', async () => {
  const roles = { realm_access: { roles: ['iscg-operateur'] } };
  const nord = await decode(`Bearer ${await issuer.token({ ...roles, iscg_departements: ['59'] })}`);
  expect({ status: nord.status, opened: opened(nord) }).toEqual({ status: 200, opened: ['nord'] });
  const national = await decode(`Bearer ${await issuer.token({ ...roles, iscg_departements: '*' })}`);
  expect(opened(national)).toEqual(['nord', 'bas-rhin', 'ancien']);
  expect(issuer.requests.some((r) => r.endsWith('/.well-known/openid-configuration'))).toBe(true);

  const { privateKey: otherKey } = await generateKeyPair('RS256');
  const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
  const claims = Buffer.from(
    JSON.stringify({
      iss: issuer.url,
      aud: 'iscg-codec',
      sub: 'x',
      exp: Math.floor(Date.now() / 1000) + 300,
      ...roles,
      iscg_departements: '*',
    }),
  ).toString('base64url');
  const refused: [string, string, number][] = [
    [
      'another issuer',
      await issuer.token({ ...roles, iscg_departements: '*' }, { issuer: 'https://autre.example/realms/x' }),
      401,
    ],
    [
      'another audience',
      await issuer.token({ ...roles, iscg_departements: '*' }, { audience: 'temporal-ui' }),
      401,
    ],
    ['expired', await issuer.token({ ...roles, iscg_departements: '*' }, { expiresIn: -60 }), 401],
    ['unsigned (alg none)', `${header}.${claims}.`, 401],
    [
      'signed by another key',
      await issuer.token({ ...roles, iscg_departements: '*' }, { key: otherKey }),
      401,
    ],
    ['not a JWT', 'pas-un-jeton', 401],
    [
      'without the operator role',
      await issuer.token({ realm_access: { roles: ['lecteur'] }, iscg_departements: '*' }),
      403,
    ],
    ['without départements', await issuer.token({ ...roles }), 403],
  ];
  for (const [label, token, status] of refused) {
    const answer = await decode(`Bearer ${token}`);
    expect({ label, status: answer.status, opened: opened(answer) }).toEqual({ label, status, opened: [] });
  }
  recordAttacks('codec-tokens', { refused: refused.length, accepted: 2 });
});

test('nothing decodes anonymously, by a path token, or relabelled as another convention', async () => {
  expect((await decode(null)).status).toBe(401);
  // No path token in production: anonymous, it is a 401 like any call; with a key, no such route.
  expect((await decode(null, payloads, '/codec/un-jeton-devine/decode')).status).toBe(401);
  expect((await decode(`Bearer ${tokens.operator}`, payloads, '/codec/un-jeton-devine/decode')).status).toBe(
    404,
  );
  // A Bas-Rhin payload labelled Nord: the label is sealed into it, so it does not open.
  const relabelled: Payload = {
    ...payloads[1]!,
    metadata: { ...payloads[1]!.metadata, [CONVENTION_METADATA]: Buffer.from(NORD) },
  };
  const answer = await decode(`Bearer ${tokens['operator-59']}`, [relabelled]);
  expect({ status: answer.status, detail: answer.body.detail }).toEqual({
    status: 422,
    detail: 'payloads.0: payload illisible (clé inconnue, données tronquées ou altérées)',
  });
  // Dropping the label: then only an operator of every département could try, and it fails too.
  const unlabelled: Payload = { ...payloads[1]!, metadata: { ...payloads[1]!.metadata } };
  delete unlabelled.metadata![CONVENTION_METADATA];
  expect((await decode(`Bearer ${tokens['operator-59']}`, [unlabelled])).body.payloads![0]!.data).toBe(
    b64(payloads[1]!.data),
  );
  expect((await decode(`Bearer ${tokens.operator}`, [unlabelled])).status).toBe(422);
});

test('an empty list left out, as protobuf JSON and the temporal CLI send it, is an empty list', async () => {
  for (const path of ['/codec/decode', '/codec/encode']) {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.operator}` },
      body: '{}',
    });
    tally.add(response.status);
    expect({ path, status: response.status, body: await response.json() }).toEqual({
      path,
      status: 200,
      body: { payloads: [] },
    });
  }
});

test('a key answered 429 elsewhere is answered 429 by the codec server too', async () => {
  const key = `Bearer ${tokens['operator-59']}`;
  let status = 0;
  for (let i = 0; i < 10 && status !== 429; i++) {
    const response = await fetch(`${base}/conventions?departement=59`, { headers: { authorization: key } });
    tally.add(response.status);
    status = response.status;
  }
  expect(status).toBe(429);
  const answer = await decode(key);
  expect({ status: answer.status, opened: opened(answer) }).toEqual({ status: 429, opened: [] });
});

test('production refuses a codec path token: it would be handed to anyone by the Web UI', () => {
  expect(() =>
    readEnvironment({ ISCG_ENV: 'production', ISCG_CODEC_TOKEN: 'jeton', ISCG_API_KEYS: '[]' }),
  ).toThrow(ConfigError);
  expect(() =>
    readEnvironment({ ISCG_ENV: 'production', ISCG_CODEC_TOKEN: 'jeton', ISCG_API_KEYS: '[]' }),
  ).toThrow(/ISCG_CODEC_TOKEN: refusé en production/);
  expect(() =>
    readEnvironment({ ISCG_CODEC_OIDC_ISSUER: 'https://sso.example.gouv.fr/realms/iscg' }),
  ).toThrow(/ISCG_CODEC_OIDC_AUDIENCE: requis/);
});
