import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunningStack, freePorts, ROOT } from '../support/stack';

/**
 * The README's walkthrough, run as written on the stack `npm start` runs, from an empty data
 * folder: every command and id it shows works, down to the PDF to sign and its hash.
 */

let stack: RunningStack | null = null;
let dir: string;

beforeAll(async () => {
  stack = await RunningStack.start({ ports: await freePorts() });
  // A working directory that looks like the repository after `npm start`: its data folder is the stack's.
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iscg-readme-'));
  for (const entry of ['package.json', 'dist', 'node_modules', 'examples'])
    fs.symlinkSync(path.join(ROOT, entry), path.join(dir, entry));
  fs.symlinkSync(stack.dataDir, path.join(dir, 'data'));
});
afterAll(async () => {
  await stack?.stop();
  stack?.remove();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** The first `sh` block of a section of the README, as written. */
function readmeBlock(title: string): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((s) => s.startsWith(title));
  const block = /```sh\n([\s\S]*?)```/.exec(section ?? '')?.[1];
  if (!block) throw new Error(`README: section « ${title} » sans bloc sh`);
  return block;
}

const walkthrough = () => readmeBlock('A first convention');

test('the README walkthrough works on a fresh stack, down to the PDF to sign', async () => {
  const script = walkthrough();
  expect(script).toContain('iscg -- create examples/conventions/59-lille-centre.yaml');
  const result = spawnSync('bash', ['--norc', '--noprofile', '-c', `set -euo pipefail\n${script}`], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: 300_000,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ISCG_API_URL: stack!.apiUrl },
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);

  const pdf = fs.readFileSync(path.join(dir, 'convention-59-lille-centre-v1.pdf'));
  const hash = createHash('sha256').update(pdf).digest('hex');
  expect(result.stdout).toContain(`${hash}  convention-59-lille-centre-v1.pdf`);
  expect(fs.readFileSync(path.join(dir, 'projet.docx')).subarray(0, 2).toString()).toBe('PK');

  const listing = await stack!.apiOk('GET', '/conventions/convention-59-lille-centre/documents');
  expect(listing.current).toMatchObject({ version: 1, rendered: { sha256: hash } });
  expect(result.stdout).toContain(`version 1 (période 1, signature): SHA-256 ${hash}`);

  // What the README says next, run as written: the préfecture signs, bound to version 1's hash.
  const acting = spawnSync(
    'bash',
    [
      '--norc',
      '--noprofile',
      '-c',
      `set -euo pipefail\nexport ISCG_API_KEY=$(cat data/dev-operator.key)\n${readmeBlock('Acting on a convention')}`,
    ],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ISCG_API_URL: stack!.apiUrl },
    },
  );
  expect({ status: acting.status, stderr: acting.stderr }).toEqual({ status: 0, stderr: '' });
  expect(JSON.parse(acting.stdout)).toMatchObject({ event: 'SIGN', phase: 'signature' });
  const state = await stack!.apiOk('GET', '/conventions/convention-59-lille-centre');
  expect(state.signatures.collected.etat).toMatchObject({
    signedOn: new Date().toISOString().slice(0, 10),
    document: { version: 1, sha256: hash },
  });

  // The other parties sign: signed, before 1 September 2027, the schedule is already readable.
  const id = 'convention-59-lille-centre';
  for (const partyId of state.signatures.missing as string[])
    await stack!.apiOk('POST', `/conventions/${id}/events/sign`, {
      partyId,
      signerName: 'Représentant',
      signerTitle: 'Représentant légal',
      signedOn: new Date().toISOString().slice(0, 10),
    });
  const signed = await stack!.apiOk('GET', `/conventions/${id}`);
  expect(signed.phase).toBe('awaiting_start');
  expect(signed.schedule.term).toMatchObject({ number: 1, startDate: '2027-09-01', endDate: '2030-08-31' });
  // The first reminders it will send, with their final identities, in the order they go out.
  const reminders = signed.schedule.reminders as { id: string; sendAt: string; to: string[] }[];
  expect(reminders.length).toBe(8);
  expect(reminders.map((r) => r.sendAt)).toEqual(reminders.map((r) => r.sendAt).sort());
  expect(reminders.map((r) => r.id)).toContainEqual(expect.stringContaining('t1-salaire-2027-09'));
  const september = await stack!.apiOk('GET', `/conventions/${id}/ledger?month=2027-09`);
  expect(september.items).toEqual([
    expect.objectContaining({
      id: 't1-salaire-2027-09',
      kind: 'salary',
      month: '2027-09',
      status: 'upcoming',
    }),
  ]);
  const state1 = await stack!.apiOk('GET', `/conventions/${id}/ledger?kind=state-participation&term=1`);
  expect(state1.items.map((i: { id: string }) => i.id)).toEqual([
    't1-etat-annee-1',
    't1-etat-annee-2',
    't1-etat-annee-3',
  ]);
  const refused = await stack!.api('GET', `/conventions/${id}/ledger?month=2027-9`);
  expect(refused).toMatchObject({ status: 422, json: { field: 'month' } });
});
