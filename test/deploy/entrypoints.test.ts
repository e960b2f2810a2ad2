import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { parser as promql } from '@prometheus-io/lezer-promql';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { defaultPayloadConverter } from '@temporalio/common';
import YAML from 'yaml';
import { generateToken, hashToken } from '../../client/auth/keys';
import { REFUSED_EMAILS_METRIC, TASK_QUEUE } from '../../domain/temporal-contract';
import { HTTP_DURATION_METRIC, HTTP_REQUESTS_METRIC } from '../../config/metrics';
import { resolveCliPath } from '../../scripts/temporal-binaries';
import { conventionCreate } from '../support/fixtures';
import { OidcIssuer } from '../support/oidc-issuer';
import { SmtpSink } from '../support/smtp-sink';
import { freePort } from '../support/stack';
import { Process, imageEnvironment } from './support/processes';
import { ROOT } from './support/tools';

/**
 * The containers' processes, started as their containers start them: the image's entry point
 * (deploy/docker-entrypoint.sh) with the Dockerfile's ENV (production, JSON logs, prebuilt
 * workflow bundle, metrics on) and secrets from files, against a Temporal dev server (TLS off)
 * prepared by the same one-shot script as the compose file's `temporal-setup` service.
 */

const NAMESPACE = 'iscg-deploy';
const ANISCG_EMAIL = 'aniscg@aniscg.example';
const ENTRYPOINT = path.join(ROOT, 'deploy', 'docker-entrypoint.sh');
const cli = resolveCliPath();

let dir: string;
let temporal: Process;
let sink: SmtpSink;
let worker: Process | null = null;
let api: Process | null = null;
const ports = { temporal: 0, api: 0, apiMetrics: 0, workerMetrics: 0 };
const token = generateToken();
/** The operators' identity provider, on loopback; its access token is what the UI forwards. */
let issuer: OidcIssuer;
let accessToken = '';

/** A file under the test's folder, as Docker mounts a secret. */
function secret(name: string, content: string): string {
  const file = path.join(dir, 'secrets', name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content, { mode: 0o600 });
  return file;
}

/** The container's environment: the image's ENV (paths under /app mapped to the repository). */
function containerEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  const image = Object.fromEntries(
    Object.entries(imageEnvironment()).map(([k, v]) => [k, v.replace(/^\/app\//, `${ROOT}/`)]),
  );
  return {
    PATH: process.env.PATH,
    HOME: dir,
    ...image,
    ISCG_DATA_DIR: path.join(dir, 'data'),
    HOST: '127.0.0.1',
    PORT: String(ports.api),
    ISCG_WORKER_METRICS_ADDRESS: `127.0.0.1:${ports.workerMetrics}`,
    ISCG_API_METRICS_ADDRESS: `127.0.0.1:${ports.apiMetrics}`,
    TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`,
    TEMPORAL_NAMESPACE: NAMESPACE,
    ...overrides,
  };
}

function appEnv(role: 'worker' | 'api'): NodeJS.ProcessEnv {
  const shared = {
    ISCG_ROLE: role,
    ISCG_ENCRYPTION_KEYS_FILE: path.join(dir, 'secrets', 'encryption-keys'),
  };
  return role === 'worker'
    ? containerEnv({ ...shared, SMTP_URL_FILE: path.join(dir, 'secrets', 'smtp-url') })
    : containerEnv({
        ...shared,
        ISCG_API_KEYS_FILE: path.join(dir, 'secrets', 'api-keys.yaml'),
        ANISCG_EMAIL,
        // As behind the reverse proxy of deploy/reverse-proxy/iscg.conf, on this host.
        ISCG_TRUST_PROXY: '127.0.0.1',
        ISCG_CODEC_CORS_ORIGINS: 'https://temporal.iscg.example',
        ISCG_CODEC_OIDC_ISSUER: issuer.url,
        ISCG_CODEC_OIDC_AUDIENCE: 'iscg-codec',
      });
}

function jsonLines(process: Process): Record<string, any>[] {
  return [...process.stdout, ...process.stderr].map((line) => {
    try {
      return JSON.parse(line) as Record<string, any>;
    } catch {
      throw new Error(`${process.name}: ligne de journal non JSON: ${line}`);
    }
  });
}

function healthcheck(role: 'worker' | 'api'): { status: number | null; output: string } {
  const result = spawnSync(ENTRYPOINT, ['healthcheck'], {
    env: appEnv(role),
    encoding: 'utf8',
    timeout: 10_000,
  });
  return { status: result.status, output: result.stdout + result.stderr };
}

async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`http://127.0.0.1:${ports.api}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

async function metrics(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iscg-deploy-'));
  for (const key of Object.keys(ports) as (keyof typeof ports)[]) ports[key] = await freePort();
  temporal = Process.start(
    'temporal',
    cli,
    ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(ports.temporal)],
    { PATH: process.env.PATH, HOME: dir },
  );
  sink = await new SmtpSink().start();
  // The ANISCG's mailbox refuses for good: the worker counts the refusal (the alert rules' test).
  sink.refusedRecipients.add(ANISCG_EMAIL);
  secret('smtp-url', `smtp://127.0.0.1:${sink.port}\n`);
  secret(
    'api-keys.yaml',
    `- id: ops\n  hash: ${hashToken(token)}\n  label: Opérateurs\n  actsAs:\n    kind: operator\n`,
  );
  secret('encryption-keys', `k1:${randomBytes(32).toString('base64')}\n`);
  issuer = await new OidcIssuer().start();
  accessToken = await issuer.token(
    { roles: ['iscg-operateur'], iscg_departements: '*' },
    { expiresIn: 3600 },
  );
}, 60_000);

afterAll(async () => {
  for (const process of [api, worker]) if (process?.running) await process.stop('SIGKILL');
  await temporal?.stop('SIGTERM');
  await sink?.stop();
  issuer?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the one-shot setup script creates the namespace and registers the search attributes', () => {
  const run = () =>
    spawnSync('sh', [path.join(ROOT, 'deploy', 'temporal', 'register-namespace.sh')], {
      env: {
        PATH: process.env.PATH,
        HOME: dir,
        TEMPORAL_CLI: cli,
        TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`,
        TEMPORAL_NAMESPACE: NAMESPACE,
        TEMPORAL_NAMESPACE_RETENTION: '30d',
      },
      encoding: 'utf8',
      timeout: 90_000,
    });
  const first = run();
  expect({ status: first.status, output: first.stdout + first.stderr }).toMatchObject({ status: 0 });
  expect(first.stdout).toContain(`namespace ${NAMESPACE}: créé`);
  expect(first.stdout).toContain('attribut IscgNextActor (KeywordList): présent');
  // Run again (a restarted stack): nothing to do, still success.
  const again = run();
  expect(again.status).toBe(0);
  expect(again.stdout).toContain(`namespace ${NAMESPACE}: existe déjà`);
});

test('a bad configuration stops a process at once, with one JSON line naming what to fix', async () => {
  const cases: { role: 'worker' | 'api'; env: Record<string, string>; says: RegExp }[] = [
    { role: 'worker', env: { SMTP_URL_FILE: '' }, says: /SMTP_URL: requis en production/ },
    {
      role: 'worker',
      env: { SMTP_URL_FILE: path.join(dir, 'absent') },
      says: /SMTP_URL_FILE: fichier illisible/,
    },
    { role: 'api', env: { ISCG_API_KEYS_FILE: '' }, says: /aucune clé d'API configurée/ },
    { role: 'api', env: { TEMPORAL_ADDRESS: 'temporal' }, says: /TEMPORAL_ADDRESS: attendu hôte:port/ },
    {
      role: 'worker',
      env: { ISCG_MAIL_JOURNAL_URL: 'mysql://journal' },
      says: /ISCG_MAIL_JOURNAL_URL: attendu postgres:\/\//,
    },
    {
      role: 'worker',
      env: { ISCG_MAIL_JOURNAL_URL: 'postgres://iscg_mail:x@127.0.0.1:1/iscg_mail' },
      says: /journal des courriels injoignable \(127\.0\.0\.1:1\/iscg_mail\)/,
    },
    { role: 'api', env: { ISCG_API_METRICS_ADDRESS: '9465' }, says: /ISCG_API_METRICS_ADDRESS/ },
  ];
  for (const { role, env, says } of cases) {
    const process = Process.start(`${role} (mal configuré)`, ENTRYPOINT, [], { ...appEnv(role), ...env });
    const { code } = await process.wait();
    expect({ env, code }).toMatchObject({ code: 1 });
    const lines = jsonLines(process);
    expect(lines.at(-1)).toMatchObject({ level: 'fatal', msg: expect.stringMatching(says) });
  }
});

test('worker and API start from the image entry point, production configuration, and are healthy', async () => {
  worker = Process.start('worker', ENTRYPOINT, [], appEnv('worker'));
  api = Process.start('api', ENTRYPOINT, [], appEnv('api'));
  await worker.waitFor('le worker interroge sa file', () =>
    worker!.stdout.some((l) => l.includes('"state":"RUNNING"')),
  );
  await api.waitFor("l'API écoute", () => api!.stdout.some((l) => l.includes('API à l')));
  const started = jsonLines(worker).find((l) => l.msg?.startsWith('[worker] connecté'));
  expect(started).toMatchObject({
    service: 'iscg-worker',
    namespace: NAMESPACE,
    prebuiltBundle: true,
    encryption: true,
    tls: false,
  });
  // The probes the image's HEALTHCHECK runs, for each role.
  expect(healthcheck('api')).toMatchObject({ status: 0 });
  expect(healthcheck('worker')).toMatchObject({ status: 0 });
});

test('with an API key, a convention is created and an event applied; the codec endpoint answers', async () => {
  const created = await call('POST', '/conventions', conventionCreate('deploy-lille'));
  expect(created.status).toBe(201);
  const id = created.json.conventionId as string;
  const submitted = await call('POST', `/conventions/${id}/events`, { type: 'SUBMIT_DRAFT', payload: {} });
  expect(submitted).toMatchObject({ status: 200, json: { phase: 'recruitment' } });
  expect((await call('GET', `/conventions/${id}`)).json).toMatchObject({ phase: 'recruitment' });
  expect((await call('GET', '/conventions')).status).toBe(200);
  expect((await call('GET', '/conventions', undefined, { authorization: 'Bearer iscg_wrong' })).status).toBe(
    401,
  );

  // The Temporal UI's codec server, wired with the keys from their file and the operator's token.
  const plain = defaultPayloadConverter.toPayload({ phase: 'recruitment' });
  const payload = {
    metadata: Object.fromEntries(
      Object.entries(plain.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    ),
    data: Buffer.from(plain.data!).toString('base64'),
  };
  const origin = { origin: 'https://temporal.iscg.example', authorization: `Bearer ${accessToken}` };
  const encoded = await call('POST', '/codec/encode', { payloads: [payload] }, origin);
  expect(encoded.status).toBe(200);
  expect(encoded.json.payloads[0].data).not.toBe(payload.data);
  const decoded = await call('POST', '/codec/decode', encoded.json, origin);
  // Without the person's token, nothing.
  expect((await call('POST', '/codec/decode', encoded.json, { ...origin, authorization: '' })).status).toBe(
    401,
  );
  expect(decoded).toMatchObject({ status: 200, json: { payloads: [{ data: payload.data }] } });
});

/** As an orchestrator or an editor replaces a file: a new file renamed over the old one. */
function replaceFile(file: string, content: string): void {
  fs.writeFileSync(`${file}.new`, content, { mode: 0o600 });
  fs.renameSync(`${file}.new`, file);
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`délai dépassé: ${what}\n${api!.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('the keys file is reloaded without a restart: a new key works, a broken file keeps the keys in service, SIGHUP reloads', async () => {
  const keysFile = path.join(dir, 'secrets', 'api-keys.yaml');
  const original = fs.readFileSync(keysFile, 'utf8');
  const partnerToken = generateToken();
  const asPartner = async () =>
    (await call('GET', '/conventions', undefined, { authorization: `Bearer ${partnerToken}` })).status;
  expect(await asPartner()).toBe(401);

  const partner = `- id: prefecture-59\n  hash: ${hashToken(partnerToken)}\n  actsAs:\n    kind: party-role\n    role: etat\n    departements: ['59']\n`;
  replaceFile(keysFile, original + partner);
  await until('la nouvelle clé est acceptée', async () => (await asPartner()) === 200);

  // A mistake in the file: refused as a whole, the keys in service stay, the log says what to fix.
  replaceFile(keysFile, `${original + partner}- id: Majuscules\n  hash: sha256:00\n`);
  await until("l'erreur du fichier est journalisée", () =>
    Promise.resolve(
      api!.stdout.some((l) => l.includes('non rechargées') && l.includes('identifiant de clé attendu')),
    ),
  );
  expect(await asPartner()).toBe(200);
  expect((await call('GET', '/conventions')).status).toBe(200);

  // Revoked by a SIGHUP after the file is written in place (a change polling could miss for 2 s).
  fs.writeFileSync(keysFile, original);
  api!.child.kill('SIGHUP');
  await until('la clé retirée est refusée', async () => (await asPartner()) === 401);
  await until('le SIGHUP est journalisé', () =>
    Promise.resolve(api!.stdout.some((l) => l.includes('rechargées (SIGHUP)'))),
  );
  expect(api!.running).toBe(true);
  expect((await call('GET', '/conventions')).status).toBe(200);
});

test('metrics: the Temporal runtime’s from the worker, HTTP requests and process from the API', async () => {
  const fromWorker = await metrics(ports.workerMetrics);
  for (const name of [
    'temporal_worker_start',
    'temporal_request',
    'temporal_sticky_cache_size',
    'temporal_worker_task_slots_available',
    'temporal_workflow_task_execution_latency_bucket',
  ])
    expect(fromWorker).toMatch(new RegExp(`^${name}\\b`, 'm'));
  expect(fromWorker).toContain(`namespace="${NAMESPACE}"`);
  expect(fromWorker).toContain('task_queue="iscg-conventions"');

  const fromApi = await metrics(ports.apiMetrics);
  expect(fromApi).toMatch(
    new RegExp(`^${HTTP_REQUESTS_METRIC}\\{method="POST",route="/conventions",status="201"\\} 1$`, 'm'),
  );
  expect(fromApi).toMatch(
    new RegExp(
      `^${HTTP_REQUESTS_METRIC}\\{method="POST",route="/conventions/:id/events",status="200"\\} 1$`,
      'm',
    ),
  );
  expect(fromApi).toContain(`${HTTP_DURATION_METRIC}_bucket`);
  expect(fromApi).toMatch(/^process_cpu_seconds_total /m);
  // Route patterns only: no token ever becomes a label.
  expect(fromApi).not.toContain(accessToken);
  // Metrics are not served on the API's own port.
  expect((await fetch(`http://127.0.0.1:${ports.api}/metrics`)).status).toBe(401);
});

/** The metric names a PromQL expression selects; throws where the expression does not parse. */
function metricsOf(expr: string): string[] {
  const names: string[] = [];
  const cursor = promql.parse(expr).cursor();
  do {
    if (cursor.type.isError) throw new Error(`PromQL invalide à ${cursor.from}: ${expr}`);
    if (cursor.name === 'Identifier' && cursor.node.parent?.name === 'VectorSelector')
      names.push(expr.slice(cursor.from, cursor.to));
  } while (cursor.next());
  return names;
}

test('alert rules: each parses, and each metric it names exists on the worker or the API (Prometheus’s own `up` aside)', async () => {
  const rules = YAML.parse(
    fs.readFileSync(path.join(ROOT, 'deploy', 'prometheus', 'alerts.yml'), 'utf8'),
  ) as {
    groups: { rules: { alert: string; expr: string; annotations: { summary: string } }[] }[];
  };
  // Composing the committee informs the ANISCG (art. 3), whose mailbox refuses: one refusal.
  const created = await call('POST', '/conventions', conventionCreate('deploy-alertes'));
  const id = created.json.conventionId as string;
  expect(
    (await call('POST', `/conventions/${id}/events`, { type: 'SUBMIT_DRAFT', payload: {} })).status,
  ).toBe(200);
  const composed = await call('POST', `/conventions/${id}/events`, {
    type: 'COMPOSE_SELECTION_COMMITTEE',
    payload: {
      members: [
        { partyId: 'association', authority: 'hierarchique', title: 'directrice' },
        { partyId: 'police', authority: 'fonctionnelle', title: 'chef de service' },
      ],
    },
  });
  expect(composed.status).toBe(200);
  // A workflow task that fails (a type no worker knows): the runtime counts failures once there is one.
  const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
  const client = new Client({ connection, namespace: NAMESPACE });
  const failing = await client.workflow.start('typeInconnu', {
    taskQueue: TASK_QUEUE,
    workflowId: `echec-${randomBytes(4).toString('hex')}`,
  });
  const workerMetrics = async () => {
    for (let attempt = 0; ; attempt++) {
      const text = await metrics(ports.workerMetrics);
      const counted = new RegExp(`^${REFUSED_EMAILS_METRIC}\\{.*\\} [1-9]`, 'm').test(text);
      if ((/^temporal_workflow_task_execution_failed\{/m.test(text) && counted) || attempt > 100) return text;
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const exposed = `${await workerMetrics()}\n${await metrics(ports.apiMetrics)}`;
  await failing.terminate('essai terminé');
  await connection.close();
  // The refusal of the convention's notices, counted once, under the labels the worker announced at 0.
  const refused = exposed.split('\n').filter((l) => l.startsWith(`${REFUSED_EMAILS_METRIC}{`));
  expect(refused).toHaveLength(5);
  expect(refused.filter((l) => / [1-9]\d*$/.test(l))).toEqual([
    expect.stringMatching(/^iscg_emails_refused\{kind="aniscg",.*workflowType="conventionWorkflow"\} 1$/),
  ]);
  const present = new Set(
    [...exposed.matchAll(/^([a-zA-Z_:][a-zA-Z0-9_:]*?)(?:_bucket|_sum|_count)?[{ ]/gm)].map((m) => m[1]!),
  );
  const alerts = rules.groups.flatMap((g) => g.rules);
  expect(alerts.map((r) => r.alert)).toEqual(
    expect.arrayContaining([
      'IscgEmailRefused',
      'IscgConventionSuspended',
      'IscgDeadlinePassed',
      'IscgWorkflowTaskFailures',
    ]),
  );
  const missing = alerts.flatMap((rule) =>
    metricsOf(rule.expr)
      .filter((name) => name !== 'up' && !present.has(name))
      .map((name) => `${rule.alert}: ${name}`),
  );
  expect(missing).toEqual([]);
  for (const rule of alerts) expect(rule.annotations.summary).toBeTruthy();
  // A broken expression is caught: the check can say no.
  expect(() => metricsOf('sum(rate(iscg_http_requests_total[5m]) > 0')).toThrow(/PromQL invalide/);
});

test('replay: the running conventions replay through this build; a build that would break them is refused, named', async () => {
  const replay = Process.start('replay', ENTRYPOINT, ['replay'], appEnv('worker'));
  const ran = await replay.wait();
  expect({ code: ran.code, output: replay.output() }).toEqual({
    code: 0,
    output: expect.stringContaining('aucun écart'),
  });
  const out = replay.stdout.join('\n');
  expect(out).toMatch(/([2-9]|\d\d+) historique\(s\) rejoué\(s\), aucun écart/);

  const { code } = await bundleWorkflowCode({
    workflowsPath: path.join(ROOT, 'test', 'replay', 'nondeterministic-workflow.ts'),
    logger: { info() {}, warn() {}, error() {}, debug() {}, trace() {}, log() {} },
  });
  const broken = path.join(dir, 'broken-bundle.js');
  fs.writeFileSync(broken, code);
  const refused = Process.start('replay (version cassée)', ENTRYPOINT, ['replay', '--limit', '1'], {
    ...appEnv('worker'),
    WORKFLOW_BUNDLE_PATH: broken,
  });
  expect(await refused.wait()).toMatchObject({ code: 1 });
  expect(refused.stdout.join('\n')).toMatch(/^ÉCHEC convention-\S+ \(.+\): .*[Nn]ondetermin/m);
  expect(refused.stdout.join('\n')).toContain('ne déployez pas cette version');

  const misused = Process.start(
    'replay (mal appelé)',
    ENTRYPOINT,
    ['replay', '--limit', 'zero'],
    appEnv('worker'),
  );
  expect(await misused.wait()).toMatchObject({ code: 2 });
  expect(misused.stderr.join('\n')).toContain('--limit: entier positif attendu');
}, 120_000);

/** deploy/reverse-proxy/iscg.conf as shipped, with this test's ports, certificate and folders. */
function startProxy(listen: { https: number; http: number }): Process {
  const tls = path.join(dir, 'proxy-tls');
  fs.mkdirSync(tls, { recursive: true });
  for (const name of ['api.iscg.example', 'temporal.iscg.example']) {
    const made = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        `/CN=${name}`,
        '-addext',
        `subjectAltName=DNS:${name}`,
        '-keyout',
        path.join(tls, `${name}.key`),
        '-out',
        path.join(tls, `${name}.pem`),
      ],
      { encoding: 'utf8' },
    );
    expect(made.status).toBe(0);
  }
  const shipped = fs.readFileSync(path.join(ROOT, 'deploy', 'reverse-proxy', 'iscg.conf'), 'utf8');
  const rendered = shipped
    .replace(/^\s*listen \[::\]:\d+.*\n/gm, '')
    .replace(/listen 443 ssl/g, `listen 127.0.0.1:${listen.https} ssl`)
    .replace(/listen 80;/g, `listen 127.0.0.1:${listen.http};`)
    .replaceAll('/etc/ssl/iscg/', `${tls}/`)
    .replaceAll('127.0.0.1:3000', `127.0.0.1:${ports.api}`)
    .replaceAll('127.0.0.1:8080', `127.0.0.1:${ports.api}`);
  expect(rendered).not.toContain('/etc/ssl');
  const site = path.join(dir, 'iscg.conf');
  fs.writeFileSync(site, rendered);
  const temp = path.join(dir, 'nginx-temp');
  fs.mkdirSync(temp, { recursive: true });
  const conf = path.join(dir, 'nginx.conf');
  fs.writeFileSync(
    conf,
    [
      'daemon off;',
      'worker_processes 1;',
      ...(process.getuid?.() === 0 ? ['user root;'] : []),
      `pid ${dir}/nginx.pid;`,
      'error_log stderr warn;',
      'events {}',
      'http {',
      '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${temp}/${t};`),
      `  include ${site};`,
      '}',
    ].join('\n'),
  );
  return Process.start('nginx', '/usr/sbin/nginx', ['-c', conf, '-p', dir], { PATH: process.env.PATH });
}

/** A request to the proxy as a client on the Internet makes it: TLS, the API's name. */
function viaProxy(
  port: number,
  url: string,
  headers: Record<string, string> = {},
  name = 'api.iscg.example',
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const ca = fs.readFileSync(path.join(dir, 'proxy-tls', `${name}.pem`));
  return new Promise((resolve, reject) => {
    const request = https.request(
      { host: '127.0.0.1', port, path: url, servername: name, ca, headers: { host: name, ...headers } },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
      },
    );
    request.on('error', reject);
    request.end();
  });
}

test('the reverse proxy example: TLS in front, the API’s paths through, metrics and the rest not, the client’s own address', async () => {
  const proxyPorts = { https: await freePort(), http: await freePort() };
  const proxy = startProxy(proxyPorts);
  try {
    for (let attempt = 0; ; attempt++) {
      const up = await viaProxy(proxyPorts.https, '/healthz').catch(() => null);
      if (up) break;
      if (!proxy.running || attempt > 50) throw new Error(`nginx ne démarre pas\n${proxy.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const bearer = { authorization: `Bearer ${token}` };
    expect((await viaProxy(proxyPorts.https, '/healthz')).status).toBe(200);
    expect((await viaProxy(proxyPorts.https, '/conventions', bearer)).status).toBe(200);
    expect((await viaProxy(proxyPorts.https, '/reports/deadlines', bearer)).status).toBe(200);
    expect((await viaProxy(proxyPorts.https, '/openapi.json')).status).toBe(200);
    expect((await viaProxy(proxyPorts.https, '/docs/')).status).toBe(200);
    // The codec is reachable (the operators' browsers call it) and still asks for a person.
    expect((await viaProxy(proxyPorts.https, '/codec/decode')).status).toBe(401);
    // Not forwarded: the API's own 401 on these would show they were.
    for (const hidden of ['/metrics', '/', '/conventionsX', '/.env'])
      expect({ hidden, status: (await viaProxy(proxyPorts.https, hidden, bearer)).status }).toEqual({
        hidden,
        status: 404,
      });
    // Plain HTTP only redirects.
    const plain = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http
        .get(
          {
            host: '127.0.0.1',
            port: proxyPorts.http,
            path: '/conventions',
            headers: { host: 'api.iscg.example' },
          },
          resolve,
        )
        .on('error', reject),
    );
    plain.resume();
    expect({ status: plain.statusCode, location: plain.headers.location }).toEqual({
      status: 308,
      location: 'https://api.iscg.example/conventions',
    });

    // A client cannot choose the address it is counted and logged under: the proxy replaces it.
    await viaProxy(proxyPorts.https, '/healthz?via=proxy', { 'x-forwarded-for': '203.0.113.9' });
    // The API believes its proxy (ISCG_TRUST_PROXY), so the address the proxy gives is the one used.
    await fetch(`http://127.0.0.1:${ports.api}/healthz?via=direct`, {
      headers: { 'x-forwarded-for': '198.51.100.7' },
    });
    const addressOf = (via: string) =>
      jsonLines(api!).find((l) => l.req?.url === `/healthz?via=${via}`)?.req?.remoteAddress as
        string | undefined;
    await until('les deux requêtes sont journalisées', () =>
      Promise.resolve(addressOf('proxy') !== undefined && addressOf('direct') !== undefined),
    );
    expect(addressOf('proxy')).toBe('127.0.0.1');
    expect(addressOf('direct')).toBe('198.51.100.7');
  } finally {
    await proxy.stop('SIGQUIT');
  }
});

test('SIGTERM: each stops cleanly and exits 0 in time; every log line was JSON, with no secret', async () => {
  const apiStopped = await api!.stop('SIGTERM');
  expect(apiStopped).toMatchObject({ code: 0, signal: null });
  expect(apiStopped.ms).toBeLessThan(10_000);
  const workerStopped = await worker!.stop('SIGTERM');
  expect(workerStopped).toMatchObject({ code: 0, signal: null });
  expect(workerStopped.ms).toBeLessThan(15_000);

  for (const process of [worker!, api!]) {
    const lines = jsonLines(process);
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) {
      expect(line).toMatchObject({
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        level: expect.stringMatching(/^(trace|debug|info|warn|error|fatal)$/),
        service: process.name === 'worker' ? 'iscg-worker' : 'iscg-api',
        msg: expect.any(String),
      });
    }
    const all = [...process.stdout, ...process.stderr].join('\n');
    expect(all).not.toContain(token);
    expect(all).not.toContain(accessToken);
  }
  expect(jsonLines(worker!).at(-1)?.msg).toBe('[worker] arrêté proprement');
  expect(jsonLines(api!).at(-1)?.msg).toBe('API arrêtée proprement');
  // The API logged the codec calls, without the access token.
  expect(api!.stdout.join('\n')).toContain('/codec/decode');
});
