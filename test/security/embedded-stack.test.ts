import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { conventionCreate } from '../support/fixtures';
import { RunningStack } from '../support/stack';
import { recordAttacks } from '../support/attack-log';

/**
 * The embedded stack exactly as `npm start` runs it (built code): what another account of the
 * same machine can reach. The data folder (Temporal database, emails, keys, secrets) is the
 * owner's alone, even when an earlier start left it open.
 */

let stack: RunningStack | null = null;

afterAll(async () => {
  await stack?.stop();
  stack?.remove();
});

function modeOf(file: string): string {
  return (fs.statSync(file).mode & 0o777).toString(8).padStart(4, '0');
}

function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory()
        ? [path.join(dir, entry.name), ...walk(path.join(dir, entry.name))]
        : [path.join(dir, entry.name)],
    );
}

test('the data folder and everything in it are readable by their owner only (0700 / 0600)', async () => {
  // A folder an earlier version (or a careless copy) left open to everyone.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iscg-modes-'));
  fs.chmodSync(dataDir, 0o755);
  fs.writeFileSync(path.join(dataDir, 'codec.token'), 'jeton-laisse-ouvert\n', { mode: 0o644 });
  fs.chmodSync(path.join(dataDir, 'codec.token'), 0o644);

  stack = await RunningStack.start({ dataDir });
  const created = await stack.apiOk(
    'POST',
    '/conventions',
    conventionCreate('droits-fichiers', { aniscgEmail: 'aniscg@aniscg.example' }),
  );
  const id = created.conventionId as string;
  await stack.apiOk('POST', `/conventions/${id}/events/submit-draft`, {});
  await stack.apiOk('POST', `/conventions/${id}/events/compose-selection-committee`, {
    members: [
      { partyId: 'association', authority: 'hierarchique', title: 'directrice' },
      { partyId: 'police', authority: 'fonctionnelle', title: 'chef de service' },
    ],
  });
  const outbox = path.join(dataDir, 'outbox');
  for (
    let i = 0;
    i < 100 && !(fs.existsSync(outbox) && fs.readdirSync(outbox).some((f) => f.endsWith('.eml')));
    i++
  )
    await new Promise((resolve) => setTimeout(resolve, 200));

  const everything = [dataDir, ...walk(dataDir)];
  const files = everything.filter((f) => fs.statSync(f).isFile());
  expect(files.map((f) => path.relative(dataDir, f))).toEqual(
    expect.arrayContaining(['temporal.db', 'dev-operator.key', 'encryption.keys', 'codec.token']),
  );
  expect(files.some((f) => f.endsWith('.eml'))).toBe(true);
  const open = everything
    .map((file) => ({ file: path.relative(dataDir, file) || '.', mode: modeOf(file) }))
    .filter(
      ({ file, mode }) => mode !== (fs.statSync(path.join(dataDir, file)).isDirectory() ? '0700' : '0600'),
    );
  expect(open).toEqual([]);
  // What the README says the development stack leaves open: its Web UI, without login, hands the
  // codec URL and its token to anyone who can reach it on this machine, and that token decodes.
  const settings = (await (await fetch(`${stack.uiUrl}/api/v1/settings`)).json()) as {
    Codec: { Endpoint: string };
  };
  const token = fs.readFileSync(path.join(dataDir, 'codec.token'), 'utf8').trim();
  expect(settings.Codec.Endpoint).toBe(`http://localhost:${stack.ports.api}/codec/${token}`);
  expect(
    (
      await fetch(`${stack.apiUrl}/codec/${token}/decode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"payloads":[]}',
      })
    ).status,
  ).toBe(200);
  recordAttacks('data-folder', {
    files: files.length,
    folders: everything.length - files.length,
    open: open.length,
  });
});
