import { spawn } from 'node:child_process';
import { resolveCliPath } from '../../scripts/temporal-binaries';
import { completeConventionData } from '../support/fixtures';
import { eventually, startDevStack, type DevStack } from '../support/api-harness';

/**
 * The commands docs/temporal.md gives to operators, run for real with the Temporal CLI against a
 * dev server: an event sent as an update gets the same validation as over HTTP.
 */

let stack: DevStack;
const conventionId = `convention-59-raw-${Date.now().toString(36)}`;

beforeAll(async () => {
  stack = await startDevStack();
  await stack.conventions.create(
    { slug: conventionId.replace('convention-59-', ''), data: completeConventionData() },
    { kind: 'operator' },
  );
});
afterAll(async () => {
  await stack?.teardown();
});

function temporal(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(resolveCliPath(), [...args, '--address', stack.address, '--namespace', 'default'], {
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

test('temporal workflow update execute --name applyEvent applies an event, with the same validation', async () => {
  const submit = await temporal([
    'workflow',
    'update',
    'execute',
    '--workflow-id',
    conventionId,
    '--name',
    'applyEvent',
    '--input',
    '{"type":"SUBMIT_DRAFT","payload":{},"actor":{"kind":"operator","client":"temporal-cli"},"idempotencyKey":"cli-submit-0001"}',
  ]);
  expect(submit.code).toBe(0);
  expect(submit.stdout).toMatch(/phase:recruitment/);

  const refused = await temporal([
    'workflow',
    'update',
    'execute',
    '--workflow-id',
    conventionId,
    '--name',
    'applyEvent',
    '--input',
    '{"type":"SIGN","payload":{"partyId":"etat","signerName":"x","signerTitle":"y","signedOn":"2027-01-11"},"actor":{"kind":"party-role","role":"etat"}}',
  ]);
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toMatch(/SIGN \(Signature\) n’est pas accepté en phase "Recrutement"/);

  const forbidden = await temporal([
    'workflow',
    'update',
    'execute',
    '--workflow-id',
    conventionId,
    '--name',
    'applyEvent',
    '--input',
    '{"type":"ABANDON","payload":{"reason":"autre"},"actor":{"kind":"party","partyId":"police"}}',
  ]);
  expect(forbidden.code).not.toBe(0);
  expect(forbidden.stderr).toMatch(/réservé à: opérateur/);

  const query = await temporal([
    'workflow',
    'query',
    '--workflow-id',
    conventionId,
    '--name',
    'getState',
    '-o',
    'json',
  ]);
  expect(query.code).toBe(0);
  const state = (
    JSON.parse(query.stdout) as { queryResult: { phase: string; history: { event: string }[] }[] }
  ).queryResult[0]!;
  expect(state.phase).toBe('recruitment');
  expect(state.history.map((h) => h.event)).toEqual(['CREATED', 'SUBMIT_DRAFT']);

  const listed = await eventually(
    () =>
      temporal([
        'workflow',
        'list',
        '--query',
        "WorkflowType = 'conventionWorkflow' AND IscgDepartement = '59' AND IscgPhase = 'recruitment'",
      ]),
    (r) => r.stdout.includes(conventionId),
  );
  expect(listed.stdout).toContain(conventionId);
});
