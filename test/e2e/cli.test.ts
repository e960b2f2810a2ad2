import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import YAML from 'yaml';
import { loadApiKeys } from '../../client/auth/keys';
import { runCli } from '../../client/cli/program';
import { EXIT } from '../../client/cli/exit-codes';
import { addMonths, localDate } from '../../domain/calendar/dates';
import { completeConventionData } from '../support/fixtures';
import {
  cliCommand,
  eventually,
  startApi,
  startDevStack,
  type DevStack,
  type RunningApi,
} from '../support/api-harness';
import { buildApp } from '../../client/api/app';

/**
 * The `iscg` CLI end to end against the running API: as a child process (the way the package bin
 * runs) for the main flow, in process for the many exit-code cases.
 */

let stack: DevStack;
let api: RunningApi;
let dir: string;
const slug = `cli-${Date.now().toString(36)}`;
const conventionId = `convention-59-${slug}`;

beforeAll(async () => {
  stack = await startDevStack();
  api = await startApi(stack.conventions, {
    keys: [
      { id: 'operator', actsAs: { kind: 'operator' } },
      { id: 'prefecture-62', actsAs: { kind: 'party-role', role: 'etat', departements: ['62'] } },
    ],
  });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iscg-cli-test-'));
});
afterAll(async () => {
  await api?.close();
  await stack?.teardown();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function env(key = 'operator', extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ISCG_API_URL: api.baseUrl, ISCG_API_KEY: api.tokens[key] ?? key, ...extra };
}

/** The CLI as a child process: real argv, real exit code. */
function spawnCli(
  args: string[],
  environment = env(),
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { command, args: prefix } = cliCommand();
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...prefix, ...args], {
      env: { PATH: process.env.PATH, ...environment },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The same program in process: quicker for the many small cases. */
async function cli(args: string[], environment = env()) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: environment,
  });
  return { code, stdout, stderr };
}

test('an operator creates, lists, advances and reads a convention with the installed command', async () => {
  const file = path.join(dir, 'convention.yaml');
  const data = completeConventionData({ startDate: addMonths(localDate(Date.now(), '59'), -1) });
  fs.writeFileSync(file, YAML.stringify({ slug, data }));

  const created = await spawnCli(['create', file]);
  expect(created).toMatchObject({ code: 0, stderr: '' });
  expect(created.stdout).toContain(`Convention créée: ${conventionId} (phase drafting)`);

  const listed = await eventually(
    () => spawnCli(['list', '--departement', '59', '--phase', 'drafting']),
    (r) => r.stdout.includes(conventionId),
  );
  expect(listed.code).toBe(0);
  expect(listed.stdout).toMatch(/CONVENTION\s+PHASE/);

  const sent = await spawnCli(['send', conventionId, 'submit-draft', '--idempotency-key', `${slug}-submit`]);
  expect(sent.code).toBe(0);
  expect(sent.stdout).toContain('SUBMIT_DRAFT appliqué');

  const shown = await spawnCli(['show', conventionId]);
  expect(shown.code).toBe(0);
  expect(shown.stdout).toContain('Phase: Recrutement (recruitment)');
  expect(shown.stdout).toMatch(
    /Historique \(heure locale du département, Europe\/Paris\):\n.*CREATED[\s\S]*SUBMIT_DRAFT/,
  );
  expect(shown.stdout).toContain('Échéances');

  const json = await spawnCli(['--json', 'show', conventionId]);
  expect(JSON.parse(json.stdout)).toMatchObject({ conventionId, phase: 'recruitment' });

  const refused = await spawnCli(['send', conventionId, 'abandon', '--data', '{"reason": 3}']);
  expect(refused.code).toBe(EXIT.invalid);
  expect(refused.stderr).toContain('reason');
});

test('send reads JSON or YAML bodies, repeats safely with an idempotency key, and says why it is refused', async () => {
  const body = path.join(dir, 'committee.yaml');
  fs.writeFileSync(
    body,
    YAML.stringify({
      members: [
        { partyId: 'association', authority: 'hierarchique', title: 'directrice' },
        { partyId: 'police', authority: 'fonctionnelle', title: 'chef de service' },
      ],
    }),
  );
  const args = [
    'send',
    conventionId,
    'compose-selection-committee',
    '--file',
    body,
    '--idempotency-key',
    `${slug}-jury`,
  ];
  const first = await cli(args);
  expect(first.code).toBe(0);
  const again = await cli(args);
  expect(again.code).toBe(0);
  expect(again.stdout).toContain('déjà appliqué avec cette clé');
  const jsonAgain = await cli(['--json', ...args]);
  expect(JSON.parse(jsonAgain.stdout)).toMatchObject({
    event: 'COMPOSE_SELECTION_COMMITTEE',
    replayed: true,
  });

  const conflict = await cli([
    '--json',
    'send',
    conventionId,
    'abandon',
    '--data',
    '{"reason":"autre"}',
    '--idempotency-key',
    `${slug}-jury`,
  ]);
  expect(conflict.code).toBe(EXIT.refused);
  expect(JSON.parse(conflict.stdout)).toMatchObject({ code: 'conflict', field: 'Idempotency-Key' });

  const wrongPhase = await cli([
    'send',
    conventionId,
    'sign',
    '--data',
    JSON.stringify({ partyId: 'etat', signerName: 'x', signerTitle: 'y', signedOn: '2020-01-02' }),
  ]);
  expect(wrongPhase.code).toBe(EXIT.refused);
  expect(wrongPhase.stderr).toContain('phase actuelle: recruitment');

  const invalid = await cli([
    'send',
    conventionId,
    'record-payment',
    '--data',
    '{"itemId": "", "paidOn": "hier"}',
  ]);
  expect(invalid.code).toBe(EXIT.invalid);
  expect(invalid.stderr).toMatch(/- itemId: [\s\S]*- paidOn: /);
});

test('exit codes tell scripts what went wrong', async () => {
  expect((await cli(['show', conventionId], env('iscg_unknown'))).code).toBe(EXIT.denied);
  expect((await cli(['show', conventionId], env('prefecture-62'))).code).toBe(EXIT.denied);
  expect((await cli(['show', 'convention-59-nope'])).code).toBe(EXIT.notFound);
  expect(
    (await cli(['show', conventionId], env('operator', { ISCG_API_URL: 'http://127.0.0.1:1' }))).code,
  ).toBe(EXIT.unavailable);
  expect((await cli(['show', conventionId], { ISCG_API_URL: 'https://iscg.example.org' })).code).toBe(
    EXIT.usage,
  );
  expect((await cli(['send', conventionId, 'fly'])).code).toBe(EXIT.usage);
  expect((await cli(['send', conventionId, 'abandon', '--data', '{oops'])).code).toBe(EXIT.usage);
  expect((await cli(['create', path.join(dir, 'missing.yaml')])).code).toBe(EXIT.usage);
  expect((await cli(['list', '--deadline-before', 'demain'])).code).toBe(EXIT.usage);
  const notJson = await cli(['--json', 'show', 'convention-59-nope']);
  expect(JSON.parse(notJson.stdout)).toMatchObject({ code: 'not_found', status: 404 });
  expect((await spawnCli(['--help'])).code).toBe(0);
  expect((await spawnCli(['show', 'convention-59-nope'])).code).toBe(EXIT.notFound);
});

test('keys generate writes a key file the API loads, and the printed token works', async () => {
  const keysFile = path.join(dir, 'api-keys.yaml');
  const generated = await cli([
    '--json',
    'keys',
    'generate',
    '--id',
    'prefecture-59',
    '--label',
    'Préfecture du Nord',
    '--role',
    'etat',
    '--departement',
    '59',
    '--add-to',
    keysFile,
  ]);
  expect(generated.code).toBe(0);
  const { token, entry } = JSON.parse(generated.stdout) as { token: string; entry: { hash: string } };
  expect(fs.readFileSync(keysFile, 'utf8')).toContain(entry.hash);
  expect(fs.readFileSync(keysFile, 'utf8')).not.toContain(token);
  expect(
    (await cli(['keys', 'generate', '--id', 'prefecture-59', '--operator', '--add-to', keysFile])).code,
  ).toBe(EXIT.usage);

  const loaded = loadApiKeys({
    env: { ISCG_API_KEYS_FILE: keysFile },
    environment: 'production',
    dataDir: dir,
  });
  const app = await buildApp({
    conventions: stack.conventions,
    keys: loaded.keys,
    webhooks: { allowPrivateDestinations: false },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const address = app.server.address() as { port: number };
    const shown = await cli(['--json', 'show', conventionId], {
      ISCG_API_URL: `http://127.0.0.1:${address.port}`,
      ISCG_API_KEY: token,
    });
    expect(shown.code).toBe(0);
    const history = (JSON.parse(shown.stdout) as { history: unknown[] }).history;
    expect(history.length).toBeGreaterThan(1);
  } finally {
    await app.close();
  }
});

test('events <event> explains each field of its body, with an example', async () => {
  const shown = await cli(['--json', 'events', 'record-payment']);
  expect(shown.code).toBe(0);
  const schema = JSON.parse(shown.stdout) as {
    properties: Record<string, { description?: string; example?: unknown }>;
  };
  for (const [name, field] of Object.entries(schema.properties))
    expect({ name, described: Boolean(field.description), example: field.example !== undefined }).toEqual({
      name,
      described: true,
      example: true,
    });
  expect(schema.properties.itemId!.example).toBe('t1-salaire-2027-03');
});
