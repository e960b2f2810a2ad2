import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../client/api/app';
import { AesGcmPayloadCodec, generateKey, parseEncryptionKeys } from '../../security/payload-codec';
import { testKeys, unreachableConventions } from '../support/api-harness';
import { recordAttacks } from '../support/attack-log';
import { OidcIssuer } from '../support/oidc-issuer';
import { freePort, ROOT } from '../support/stack';
import { ensureTemporalServer, type TemporalServerInstall } from '../../scripts/temporal-server-install';

/**
 * The production Web UI serves nothing that lets an anonymous caller decode. Temporal's own UI
 * server (`temporalio/ui` at the version docker-compose.yml runs, built from the Go module proxy by
 * scripts/install-temporal-server.mjs) is started as the compose file starts it: `--env docker`, the compose service's
 * environment, and deploy/temporal-ui.env.example with login on as docs/production.md says, its
 * identity provider served here on loopback. The API beside it verifies access tokens against the
 * same provider. Whatever the UI hands out without a login (its settings, its pages, its
 * redirects) is then tried against the codec server: nothing decodes. The person the UI logged in
 * decodes, within their départements.
 */

let issuer: OidcIssuer;
let api: FastifyInstance;
let apiUrl = '';
let ui: ChildProcess;
let uiUrl = '';
const uiOutput: string[] = [];
const codec = new AesGcmPayloadCodec(parseEncryptionKeys(`k1:${generateKey()}`));
let sealedJson: { metadata: Record<string, string>; data: string };

/** The UI's env file as production fills it: the example, with the documented login lines on. */
function productionUiEnvironment(): Record<string, string> {
  const example = fs.readFileSync(path.join(ROOT, 'deploy', 'temporal-ui.env.example'), 'utf8');
  const env: Record<string, string> = {};
  for (const line of example.split('\n')) {
    const active = /^([A-Z_]+)=(.*)$/.exec(line);
    const documented = /^# (TEMPORAL_(?:AUTH_[A-Z_]+|CODEC_ENDPOINT))=(.*)$/.exec(line);
    if (active) env[active[1]!] = active[2]!;
    if (documented) env[documented[1]!] = documented[2]!;
  }
  return env;
}

let install: TemporalServerInstall;

beforeAll(async () => {
  // Built by the global setup in the background, with the production server: wait for it.
  install = ensureTemporalServer();
  const uiRoot = path.dirname(install.uiConfigDir);
  issuer = await new OidcIssuer().start();
  const { keys } = testKeys([{ id: 'operator', actsAs: { kind: 'operator' } }]);
  const uiPort = await freePort();
  const uiOrigin = `http://127.0.0.1:${uiPort}`;
  api = await buildApp({
    conventions: await unreachableConventions(),
    keys,
    webhooks: { allowPrivateDestinations: false },
    temporalTimeoutMs: 300,
    codec: {
      codec,
      token: null,
      corsOrigins: [uiOrigin],
      oidc: {
        issuer: issuer.url,
        audience: 'iscg-codec',
        roleClaim: 'realm_access.roles',
        operatorRole: 'iscg-operateur',
        departementsClaim: 'iscg_departements',
      },
    },
  });
  await api.listen({ port: 0, host: '127.0.0.1' });
  apiUrl = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
  const plain = defaultPayloadConverter.toPayload({ signerName: 'Jeanne Martin', phase: 'signature' });
  const [sealed] = await codec.encode([plain], {
    type: 'workflow',
    namespace: 'iscg',
    workflowId: 'convention-59-lille-centre',
  });
  const b64 = (bytes: Uint8Array | null | undefined) =>
    Buffer.from(bytes ?? new Uint8Array()).toString('base64');
  sealedJson = {
    metadata: Object.fromEntries(Object.entries(sealed!.metadata ?? {}).map(([k, v]) => [k, b64(v)])),
    data: b64(sealed!.data),
  };

  const env: Record<string, string> = {
    ...productionUiEnvironment(),
    // The compose service's own environment.
    TEMPORAL_ADDRESS: '127.0.0.1:1',
    TEMPORAL_DEFAULT_NAMESPACE: 'iscg',
    TEMPORAL_UI_PORT: String(uiPort),
    // This machine's addresses for the provider, the UI and the API.
    TEMPORAL_AUTH_PROVIDER_URL: issuer.url,
    TEMPORAL_AUTH_ISSUER_URL: issuer.url,
    TEMPORAL_AUTH_CALLBACK_URL: `${uiOrigin}/auth/sso/callback`,
    TEMPORAL_AUTH_CLIENT_SECRET: 'secret-du-client-oidc-du-web-ui',
    TEMPORAL_CORS_ORIGINS: uiOrigin,
    TEMPORAL_CODEC_ENDPOINT: `${apiUrl}/codec`,
  };
  expect(env.TEMPORAL_AUTH_ENABLED).toBe('true');
  expect(env.TEMPORAL_CODEC_PASS_ACCESS_TOKEN).toBe('true');
  expect(env.TEMPORAL_DISABLE_WRITE_ACTIONS).toBe('true');
  ui = spawn(
    install.uiServer,
    ['--root', uiRoot, '--config', path.basename(install.uiConfigDir), '--env', 'docker', 'start'],
    {
      env: { PATH: process.env.PATH ?? '', HOME: uiRoot, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  ui.stdout!.on('data', (chunk: Buffer) => uiOutput.push(chunk.toString()));
  ui.stderr!.on('data', (chunk: Buffer) => uiOutput.push(chunk.toString()));
  uiUrl = uiOrigin;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${uiUrl}/api/v1/settings`)).ok) return;
    } catch {
      // not listening yet
    }
    if (ui.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`le serveur du Web UI ne répond pas:\n${uiOutput.join('')}`);
}, 60 * 60_000);

afterAll(async () => {
  ui?.kill('SIGTERM');
  await api?.close();
  issuer?.close();
});

/** Every string in a JSON value. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

async function decode(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: uiUrl, ...headers },
    body: JSON.stringify({ payloads: [sealedJson] }),
  });
  const text = await response.text();
  return { status: response.status, text };
}

test('what the production UI serves without a login lets nobody decode', async () => {
  const settingsResponse = await fetch(`${uiUrl}/api/v1/settings`);
  expect(settingsResponse.status).toBe(200);
  const settings = (await settingsResponse.json()) as {
    Auth: { Enabled: boolean };
    Codec: { Endpoint: string; PassAccessToken: boolean; IncludeCredentials: boolean };
    DisableWriteActions: boolean;
  };
  expect(settings.Auth.Enabled).toBe(true);
  expect(settings.DisableWriteActions).toBe(true);
  expect(settings.Codec).toMatchObject({
    Endpoint: `${apiUrl}/codec`,
    PassAccessToken: true,
    IncludeCredentials: false,
  });

  // Everything else it answers without a session: its page, a redirect to the provider, its API.
  const anonymous: Record<string, { status: number; text: string; location: string | null }> = {};
  for (const page of [
    '/',
    '/namespaces/iscg/workflows',
    '/auth/sso',
    '/api/v1/namespaces',
    '/api/v1/cluster-info',
  ]) {
    const response = await fetch(`${uiUrl}${page}`, { redirect: 'manual' });
    anonymous[page] = {
      status: response.status,
      text: await response.text(),
      location: response.headers.get('location'),
    };
  }
  expect(anonymous['/auth/sso']!.location).toMatch(
    new RegExp(`^${issuer.url.replace(/[.]/g, '\\.')}/protocol/openid-connect/auth\\?`),
  );
  // The API of the UI does not answer without a login either.
  expect(anonymous['/api/v1/namespaces']!.status).toBeGreaterThanOrEqual(400);

  const served = [
    JSON.stringify(settings),
    ...Object.values(anonymous).map((a) => `${a.text}\n${a.location ?? ''}`),
  ].join('\n');
  // No secret of the deployment in any of it.
  expect(served).not.toContain('secret-du-client-oidc-du-web-ui');
  for (const key of ['k1:', codec.constructor.name]) expect(served).not.toContain(key);

  // Every string the UI served, tried as a path segment and as a bearer token: nothing decodes.
  const candidates = [
    ...new Set([...strings(settings), ...(served.match(/[A-Za-z0-9_\-.~]{16,}/g) ?? [])]),
  ].slice(0, 200);
  const outcomes: Record<string, number> = {};
  const count = (status: number) => (outcomes[status] = (outcomes[status] ?? 0) + 1);
  const anonymousDecode = await decode(`${settings.Codec.Endpoint}/decode`);
  count(anonymousDecode.status);
  expect(anonymousDecode.status).toBe(401);
  for (const candidate of candidates) {
    for (const attempt of [
      await decode(`${apiUrl}/codec/${encodeURIComponent(candidate)}/decode`),
      await decode(`${settings.Codec.Endpoint}/decode`, { authorization: `Bearer ${candidate}` }),
    ]) {
      count(attempt.status);
      expect({ candidate, status: attempt.status }).toEqual({
        candidate,
        status: attempt.status === 403 ? 403 : 401,
      });
      expect(attempt.text).not.toContain('"payloads"');
    }
  }
  recordAttacks('production-ui', {
    uiVersion: install.versions.ui,
    servedAnonymously: ['/api/v1/settings', ...Object.keys(anonymous)],
    candidatesTried: candidates.length,
    decodeAttempts: Object.values(outcomes).reduce((a, b) => a + b, 0),
    answers: outcomes,
  });
});

test('the person the UI logged in decodes, within their départements, with the token the UI forwards', async () => {
  const roles = { realm_access: { roles: ['iscg-operateur'] } };
  const nord = await decode(`${apiUrl}/codec/decode`, {
    authorization: `Bearer ${await issuer.token({ ...roles, iscg_departements: ['59'] })}`,
  });
  expect(nord.status).toBe(200);
  const opened = JSON.parse(nord.text) as { payloads: { data: string }[] };
  const text = Buffer.from(opened.payloads[0]!.data, 'base64').toString();
  expect(text).toContain('"phase":"signature"');
  expect(text).not.toContain('Jeanne Martin');
  const other = await decode(`${apiUrl}/codec/decode`, {
    authorization: `Bearer ${await issuer.token({ ...roles, iscg_departements: ['67'] })}`,
  });
  expect(JSON.parse(other.text).payloads[0].data).toBe(sealedJson.data);
});
