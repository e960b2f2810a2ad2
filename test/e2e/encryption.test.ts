import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { conventionCreate } from '../support/fixtures';
import { resolveCliPath } from '../../scripts/temporal-binaries';
import { RunningStack, freePorts } from '../support/stack';

/**
 * On the embedded stack payloads are encrypted with a local key: the personal fields of a
 * convention (representatives' names, contact addresses, signers) cannot be read in the Temporal
 * database, nor through Temporal without the key; the UI's codec server decrypts for the UI's
 * origin only, with the codec token, and masks those fields.
 */

const PERSONAL = [
  'Représentant État',
  'iscg@nord.gouv.example',
  'direction@accueil-mediation.example',
  'Signataire Préfète',
];

let stack: RunningStack;

beforeAll(async () => {
  stack = await RunningStack.start({ ports: await freePorts() });
});
afterAll(async () => {
  await stack?.stop();
  stack?.remove();
});

test('personal fields are unreadable in the database and through Temporal without the key', async () => {
  const created = await stack.api('POST', '/conventions', conventionCreate('chiffree'));
  expect(created.status).toBe(201);
  const id = created.json.conventionId as string;
  // Read through the API (which holds the key): everything is there, in clear, for an entitled key.
  const read = await stack.api('GET', `/conventions/${id}`);
  expect(JSON.stringify(read.json)).toContain('iscg@nord.gouv.example');

  // Without the key, Temporal only hands out sealed payloads.
  const connection = await Connection.connect({ address: `127.0.0.1:${stack.ports.temporal}` });
  try {
    const raw = new Client({ connection });
    const history = await raw.workflow.getHandle(id).fetchHistory();
    const input = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    expect(Buffer.from(input.metadata!.encoding!).toString()).toBe('binary/encrypted');
    const dump = JSON.stringify(history);
    for (const secret of PERSONAL) expect(dump).not.toContain(secret);

    // The Temporal UI's codec server: the right origin and token decrypt, with personal fields masked.
    const encoded = {
      payloads: [
        {
          metadata: Object.fromEntries(
            Object.entries(input.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
          ),
          data: Buffer.from(input.data!).toString('base64'),
        },
      ],
    };
    const token = fs.readFileSync(path.join(stack.dataDir, 'codec.token'), 'utf8').trim();
    const decode = (url: string, origin: string) =>
      fetch(`${stack.apiUrl}${url}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify(encoded),
      });
    const decoded = await decode(`/codec/${token}/decode`, stack.uiUrl);
    expect(decoded.status).toBe(200);
    expect(decoded.headers.get('access-control-allow-origin')).toBe(stack.uiUrl);
    const body = (await decoded.json()) as { payloads: { data: string }[] };
    const shown = Buffer.from(body.payloads[0]!.data, 'base64').toString();
    expect(shown).toContain('Préfecture du Nord');
    expect(shown).toContain('•••@nord.gouv.example');
    for (const secret of PERSONAL) expect(shown).not.toContain(secret);

    expect((await decode('/codec/not-the-token/decode', stack.uiUrl)).status).toBe(401);
    expect((await decode(`/codec/${token}/decode`, 'https://evil.example')).status).toBe(403);

    // The temporal CLI with the same codec, as docs/temporal.md shows it: readable, masks kept.
    const cli = (args: string[]) =>
      spawnSync(
        resolveCliPath(),
        [
          ...args,
          '--address',
          `127.0.0.1:${stack.ports.temporal}`,
          '--codec-endpoint',
          `${stack.apiUrl}/codec/${token}`,
          '--output',
          'json',
        ],
        { encoding: 'utf8', timeout: 30_000 },
      );
    const query = cli(['workflow', 'query', '--workflow-id', id, '--name', 'getState']);
    expect({ status: query.status, stderr: query.stderr }).toEqual({ status: 0, stderr: '' });
    expect(query.stdout).toContain('"phase": "drafting"');
    expect(query.stdout).toContain('•••@nord.gouv.example');
    for (const secret of PERSONAL) expect(query.stdout).not.toContain(secret);
    const describe = cli(['workflow', 'describe', '--workflow-id', id]);
    expect({ status: describe.status, stderr: describe.stderr }).toEqual({ status: 0, stderr: '' });
    expect(describe.stdout).toContain(id);
    // The details the Web UI shows, decoded through the same codec (the query the UI makes).
    const metadata = cli(['workflow', 'metadata', '--workflow-id', id]);
    expect({ status: metadata.status, stderr: metadata.stderr }).toEqual({ status: 0, stderr: '' });
    expect(metadata.stdout).toContain('**Rédaction**');
    expect(metadata.stdout).toContain('submit-draft');
  } finally {
    await connection.close();
  }

  // And in the database file itself, once the server has written it out.
  expect(await stack.stop()).toBe(0);
  const files = fs.readdirSync(stack.dataDir).filter((f) => f.startsWith('temporal.db'));
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) {
    const bytes = fs.readFileSync(path.join(stack.dataDir, file)).toString('latin1');
    for (const secret of PERSONAL) expect(bytes).not.toContain(Buffer.from(secret).toString('latin1'));
    expect(bytes).toContain(id);
  }
});
