import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import YAML from 'yaml';
import { SEARCH_ATTRIBUTE_CLI_TYPES } from '../../domain/temporal-contract';
import { ROOT } from './support/tools';

/**
 * docker-compose.yml, checked without a Docker engine: against the Compose Specification's JSON
 * schema and dclint's rules (explicit image tags, ports bound to an interface, ...), then for what
 * `docker compose config` would refuse and the schema cannot see (references between services,
 * secrets, volumes, files), and for what this deployment promises (exact image versions, start
 * order, health checks, no secret in the file).
 */

const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
const DCLINT = path.join(ROOT, 'node_modules', '.bin', 'dclint');

interface LintMessage {
  rule: string;
  type: string;
  message: string;
}

function dclint(file: string): { status: number | null; messages: LintMessage[] } {
  const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'iscg-dclint-')), 'report.json');
  const result = spawnSync(
    DCLINT,
    [file, '-c', path.join(ROOT, 'deploy', 'dclint.json'), '--max-warnings', '0', '-f', 'json', '-o', report],
    { cwd: ROOT, encoding: 'utf8' },
  );
  const parsed = JSON.parse(fs.readFileSync(report, 'utf8')) as { messages: LintMessage[] }[];
  return { status: result.status, messages: parsed.flatMap((r) => r.messages) };
}

/** The compose file as Compose reads it: anchors and merge keys resolved. */
function loadCompose(text = fs.readFileSync(COMPOSE_FILE, 'utf8')): any {
  return YAML.parse(text, { merge: true });
}

const compose = loadCompose();
const services: Record<string, any> = compose.services;

test('docker-compose.yml follows the Compose Specification and passes dclint, warnings included', () => {
  const { status, messages } = dclint(COMPOSE_FILE);
  expect(messages).toEqual([]);
  expect(status).toBe(0);
});

test('the same check fails on a broken copy: the validator can say no', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iscg-compose-'));
  const broken = fs
    .readFileSync(COMPOSE_FILE, 'utf8')
    // A condition the specification does not know, and an image with no tag.
    .replace('condition: service_completed_successfully', 'condition: service_done')
    .replace('image: axllent/mailpit:v1.30.5', 'image: axllent/mailpit');
  const file = path.join(dir, 'docker-compose.yml');
  fs.writeFileSync(file, broken);
  const { status, messages } = dclint(file);
  expect(status).not.toBe(0);
  expect(messages.map((m) => m.rule)).toContain('invalid-schema');

  const untagged = fs
    .readFileSync(COMPOSE_FILE, 'utf8')
    .replace('image: axllent/mailpit:v1.30.5', 'image: axllent/mailpit');
  fs.writeFileSync(file, untagged);
  expect(dclint(file).messages.map((m) => m.rule)).toContain('service-image-require-explicit-tag');
});

test('every third-party image is pinned to an exact version', () => {
  const images = Object.values(services)
    .map((s) => s.image as string)
    .filter((image) => !image.startsWith('${ISCG_IMAGE'));
  expect(images.length).toBeGreaterThanOrEqual(5);
  for (const image of images) expect(image).toMatch(/^[a-z0-9./-]+:v?\d+\.\d+(\.\d+)?(-[a-z0-9.]+)?$/);
  // The schema tool and the server come from the same Temporal release.
  const temporalVersions = new Set(
    images.filter((i) => /^temporalio\/(server|admin-tools):/.test(i)).map((i) => i.split(':')[1]),
  );
  expect(temporalVersions.size).toBe(1);
});

test('references resolve: dependencies, secrets, volumes, networks, mounted and env files', () => {
  for (const [name, service] of Object.entries(services)) {
    for (const dependency of Object.keys(service.depends_on ?? {}))
      expect({ service: name, dependency, known: dependency in services }).toMatchObject({ known: true });
    for (const secret of service.secrets ?? [])
      expect({ service: name, secret, known: secret in compose.secrets }).toMatchObject({ known: true });
    for (const network of service.networks ?? [])
      expect({ service: name, network, known: network in compose.networks }).toMatchObject({ known: true });
    for (const volume of (service.volumes ?? []) as string[]) {
      const source = volume.split(':')[0]!;
      if (source.startsWith('.'))
        expect({ service: name, source, exists: fs.existsSync(path.join(ROOT, source)) }).toMatchObject({
          exists: true,
        });
      else
        expect({ service: name, volume: source, known: source in compose.volumes }).toMatchObject({
          known: true,
        });
    }
    // Env files are the operator's copies of the examples kept in git.
    for (const envFile of (service.env_file ?? []) as string[])
      expect(fs.existsSync(path.join(ROOT, `${envFile}.example`))).toBe(true);
  }
  // The certificates are issued by the project's script; every other secret has an example.
  const issued = fs.mkdtempSync(path.join(os.tmpdir(), 'iscg-tls-'));
  const script = spawnSync('sh', [path.join(ROOT, 'deploy', 'tls', 'certificates.sh'), 'init'], {
    env: { PATH: process.env.PATH, ISCG_TLS_DIR: issued },
    encoding: 'utf8',
  });
  expect(script.status).toBe(0);
  for (const [name, secret] of Object.entries<any>(compose.secrets)) {
    const file = secret.file as string;
    if (file.startsWith('./deploy/secrets/tls/'))
      expect({ name, issued: fs.existsSync(path.join(issued, path.basename(file))) }).toMatchObject({
        issued: true,
      });
    else
      expect({ name, example: fs.existsSync(path.join(ROOT, `${file}.example`)) }).toMatchObject({
        example: true,
      });
  }
  // The CA's key is never handed to a container.
  expect(Object.values<any>(compose.secrets).map((s) => path.basename(s.file))).not.toContain('ca.key');
  fs.rmSync(issued, { recursive: true, force: true });
});

test('mutual TLS: the frontend requires a certificate, and each client presents its own', () => {
  const server = services.temporal.environment;
  expect(server.TEMPORAL_TLS_REQUIRE_CLIENT_AUTH).toBe('true');
  expect(server.TEMPORAL_TLS_CLIENT1_CA_CERT).toBe('/run/secrets/temporal-tls-trust');
  for (const key of ['TEMPORAL_TLS_FRONTEND_CERT', 'TEMPORAL_TLS_SERVER_CERT'])
    expect(server[key]).toBe('/run/secrets/temporal-tls-server-cert');
  // Whoever talks to temporal:7233 (CLI variables, UI variables or the app's) brings a certificate.
  const certificateOf = (env: Record<string, string>) =>
    env.TEMPORAL_TLS_CLIENT_CERT_PATH ?? env.TEMPORAL_TLS_CERT ?? env.TEMPORAL_TLS_CERT_PATH;
  const clients = Object.entries(services).filter(
    ([, s]) => s.environment?.TEMPORAL_ADDRESS === 'temporal:7233',
  );
  const fromEnvFile = fs.readFileSync(path.join(ROOT, 'deploy', 'iscg.env.example'), 'utf8');
  expect(fromEnvFile).toMatch(/^TEMPORAL_ADDRESS=temporal:7233$/m);
  clients.push(['worker', services.worker], ['api', services.api]);
  const seen = new Set<string>();
  for (const [name, service] of clients) {
    const env = service.environment as Record<string, string>;
    const certificate = certificateOf(env);
    expect({ name, certificate }).toMatchObject({
      certificate: expect.stringMatching(/^\/run\/secrets\/temporal-tls-[a-z]+-cert$/),
    });
    expect({ name, serverName: env.TEMPORAL_TLS_SERVER_NAME }).toMatchObject({ serverName: 'temporal' });
    expect(service.secrets).toContain(certificate!.replace('/run/secrets/', ''));
    expect(service.secrets).toContain('temporal-tls-trust');
    seen.add(certificate!);
  }
  // One certificate per part.
  expect(seen.size).toBe(clients.length);
});

test('start order: database healthy, schema migrated, server healthy, namespace ready, then the apps', () => {
  const condition = (service: string, dependency: string) =>
    services[service].depends_on?.[dependency]?.condition;
  expect(condition('temporal-schema', 'postgresql')).toBe('service_healthy');
  expect(condition('temporal', 'temporal-schema')).toBe('service_completed_successfully');
  expect(condition('temporal-setup', 'temporal')).toBe('service_healthy');
  expect(condition('iscg-database', 'postgresql')).toBe('service_healthy');
  expect(condition('worker', 'iscg-database')).toBe('service_completed_successfully');
  for (const app of ['worker', 'api', 'temporal-ui']) {
    expect(condition(app, 'temporal')).toBe('service_healthy');
    expect(condition(app, 'temporal-setup')).toBe('service_completed_successfully');
  }
  for (const long of ['postgresql', 'temporal', 'temporal-ui', 'mailpit'])
    expect(services[long].healthcheck?.test).toBeDefined();
  // The worker and the API take the image's HEALTHCHECK (config/healthcheck.ts).
  const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
  expect(dockerfile).toMatch(/^HEALTHCHECK .*dist\/config\/healthcheck\.js/m);
  expect(services.worker.environment.ISCG_ROLE).toBe('worker');
  expect(services.api.environment.ISCG_ROLE).toBe('api');
  // Scaling out: no fixed container name, and a grace period longer than the worker's drain.
  for (const service of Object.values(services)) expect(service.container_name).toBeUndefined();
  expect(parseInt(services.worker.stop_grace_period, 10)).toBeGreaterThan(30 + 5);
});

test('no secret in the file: passwords, keys and tokens come from Docker secrets', () => {
  const text = fs.readFileSync(COMPOSE_FILE, 'utf8');
  expect(text).not.toMatch(/iscg_[A-Za-z0-9_-]{43}/);
  for (const [name, service] of Object.entries(services)) {
    const environment: Record<string, string> = service.environment ?? {};
    for (const [key, value] of Object.entries(environment)) {
      if (!/PASSWORD|PWD|SECRET|TOKEN|API_KEY|ENCRYPTION_KEYS|SMTP_URL/.test(key)) continue;
      expect({ service: name, key, value }).toMatchObject({
        key: expect.stringMatching(/_FILE$/),
        value: expect.stringMatching(/^\/run\/secrets\//),
      });
    }
  }
  // Published ports are bound to the loopback: the reverse proxy is the way in; 7233 never is.
  for (const service of Object.values(services))
    for (const port of (service.ports ?? []) as string[]) expect(port).toMatch(/^127\.0\.0\.1:/);
  expect(services.temporal.ports).toBeUndefined();
});

test('the UI: read-only by policy, codec and login documented in its env file example', () => {
  const example = fs.readFileSync(path.join(ROOT, 'deploy', 'temporal-ui.env.example'), 'utf8');
  expect(example).toMatch(/^TEMPORAL_DISABLE_WRITE_ACTIONS=true$/m);
  for (const variable of [
    'TEMPORAL_AUTH_ENABLED',
    'TEMPORAL_AUTH_PROVIDER_URL',
    'TEMPORAL_AUTH_CLIENT_ID',
    'TEMPORAL_AUTH_CLIENT_SECRET',
    'TEMPORAL_AUTH_CALLBACK_URL',
    'TEMPORAL_AUTH_SCOPES',
    'TEMPORAL_CODEC_ENDPOINT',
  ])
    expect(example).toContain(variable);
  // The codec's URL holds no secret (the UI serves it to anyone); the person's token is forwarded.
  expect(example).toMatch(/TEMPORAL_CODEC_ENDPOINT=https:\/\/[^\s/]+\/codec$/m);
  expect(example).toMatch(/^TEMPORAL_CODEC_PASS_ACCESS_TOKEN=true$/m);
});

test('the search attributes registered by the one-shot service are those of the contract', () => {
  const listed = Object.fromEntries(
    fs
      .readFileSync(path.join(ROOT, 'deploy', 'temporal', 'search-attributes.txt'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => line.split(/\s+/) as [string, string]),
  );
  expect(listed).toEqual(SEARCH_ATTRIBUTE_CLI_TYPES);
  // PostgreSQL visibility has pre-allocated columns per type: 10 Keyword, 3 of every other type.
  const counts: Record<string, number> = {};
  for (const type of Object.values(listed)) counts[type] = (counts[type] ?? 0) + 1;
  for (const [type, count] of Object.entries(counts))
    expect({ type, fits: count <= (type === 'Keyword' ? 10 : 3) }).toMatchObject({ fits: true });
});

test('one way to pass settings: every variable the file interpolates is in the `.env` example, and no documented command passes another env file', () => {
  const text = fs.readFileSync(COMPOSE_FILE, 'utf8');
  const interpolated = new Set(
    [...text.matchAll(/\$\{([A-Z_][A-Z0-9_]*)(?::?-[^}]*)?\}/g)].map((m) => m[1]!),
  );
  const example = fs.readFileSync(path.join(ROOT, 'deploy', 'compose.env.example'), 'utf8');
  const listed = new Set([...example.matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
  expect([...interpolated].filter((name) => !listed.has(name))).toEqual([]);
  const documents = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).map((f) => path.join('docs', f))]
    .filter((f) => f.endsWith('.md'))
    .map((f) => ({ f, text: fs.readFileSync(path.join(ROOT, f), 'utf8') }));
  expect(documents.filter((d) => /docker compose[^\n]*--env-file/.test(d.text)).map((d) => d.f)).toEqual([]);
  expect(example).toMatch(/`\.env`/);
});
