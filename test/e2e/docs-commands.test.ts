import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveCliPath } from '../../scripts/temporal-binaries';
import { commandsOf, docBlocks, STAGES, type DocBlock, type Stage } from '../support/doc-blocks';
import { RunningStack, freePorts, ROOT } from '../support/stack';

/**
 * Every command of the README and of docs/ that a person runs on a fresh `npm start`, run as
 * written, in a terminal at the repository's root: each block starts from the stage of the
 * example convention its marker names (test/support/doc-blocks.ts), and each page keeps its own
 * shell variables from one block to the next, as a reader's terminal would. The stack's ports
 * stand for the defaults (3000, 8233, 7233). Blocks not run here are checked by
 * test/unit/docs/commands-doc.test.ts.
 */

const ID = 'convention-59-lille-centre';
let stack: RunningStack | null = null;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  stack = await RunningStack.start({ ports: await freePorts() });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iscg-docs-'));
  for (const entry of ['package.json', 'dist', 'node_modules', 'examples', '.cache'])
    fs.symlinkSync(path.join(ROOT, entry), path.join(dir, entry));
  fs.symlinkSync(stack.dataDir, path.join(dir, 'data'));
  // `iscg` as `npm install -g .` installs it.
  const bin = path.join(dir, '.bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(
    path.join(bin, 'iscg'),
    `#!/bin/sh\nexec node ${JSON.stringify(path.join(ROOT, 'dist/client/cli/main.js'))} "$@"\n`,
    { mode: 0o755 },
  );
  env = {
    PATH: `${bin}:${process.env.PATH}`,
    HOME: process.env.HOME,
    ISCG_API_URL: stack.apiUrl,
    // Where this stack keeps its data, as `npm start` does with ISCG_DATA_DIR: the CLI finds the key there.
    ISCG_DATA_DIR: stack.dataDir,
    TEMPORAL_ADDRESS: stack.temporalAddress,
  };
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  stack?.remove();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function shell(script: string, timeout = 120_000) {
  return spawnSync('bash', ['--norc', '--noprofile', '-c', script], {
    cwd: dir,
    env,
    encoding: 'utf8',
    timeout,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** The block as written, on the stack's ports, inside the page's shell variables. */
function inPageShell(block: DocBlock, code: string): string {
  const ports = stack!.ports;
  const adapted = code
    .replaceAll('localhost:3000', `127.0.0.1:${ports.api}`)
    .replaceAll('localhost:8233', `127.0.0.1:${ports.ui}`);
  const saved = path.join(dir, `.env-${block.file.replace(/\W/g, '-')}`);
  return `set -euo pipefail\nif [ -f ${saved} ]; then source ${saved}; fi\n${adapted}\nexport -p > ${saved}\n`;
}

async function prepare(stage: Stage): Promise<void> {
  if (stage === 'any') return;
  // The example starts again from nothing: a closed workflow's id can be used again.
  spawnSync(resolveCliPath(), [
    'workflow',
    'terminate',
    '--workflow-id',
    ID,
    '--address',
    stack!.temporalAddress,
    '--reason',
    'docs test',
  ]);
  if (stage === 'none') return;
  const created = shell('iscg create examples/conventions/59-lille-centre.yaml');
  expect({ status: created.status, stderr: created.stderr }).toEqual({ status: 0, stderr: '' });
  if (stage === 'draft') return;
  const send = (event: string, body: unknown) =>
    stack!.apiOk('POST', `/conventions/${ID}/events/${event}`, body);
  await send('submit-draft', {});
  if (stage === 'recruitment') return;
  await send('compose-selection-committee', {
    members: [
      { partyId: 'association', authority: 'hierarchique', title: 'directrice' },
      { partyId: 'police', authority: 'fonctionnelle', title: 'chef du service' },
    ],
  });
  await send('record-applications', { count: 2, references: ['CAND-2027-001', 'CAND-2027-002'] });
  await send('record-recruitment-decision', { outcome: 'selected', candidateRef: 'CAND-2027-002' });
  // A signature binds the text's hash: the worker has rendered it before anyone signs.
  for (let i = 0; ; i++) {
    const documents = await stack!.apiOk('GET', `/conventions/${ID}/documents`);
    if (documents.current?.rendered) break;
    if (i > 120) throw new Error('version 1 jamais rendue');
    await new Promise((r) => setTimeout(r, 250));
  }
  if (stage === 'signature') return;
  const today = new Date().toISOString().slice(0, 10);
  const state = await stack!.apiOk('GET', `/conventions/${ID}`);
  for (const partyId of state.signatures.missing as string[])
    await send('sign', {
      partyId,
      signerName: 'Représentant',
      signerTitle: 'Représentant légal',
      signedOn: today,
    });
}

const normalise = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * What a person would not see as an error: curl's progress meter (shown when its output is not a
 * terminal) and the CLI's "écrit: <file>". Anything else on stderr fails the block, and so does a
 * problem document on stdout (curl exits 0 on a 4xx).
 */
function outcome(result: ReturnType<typeof shell>) {
  const stderr = result.stderr
    .split('\n')
    .filter((line) => line.trim() && !/% Total|Dload|--:--:--|^écrit: /.test(line))
    .join('\n');
  return {
    status: result.status,
    stderr,
    problem: /urn:iscg:problem:[\w-]+/.exec(result.stdout)?.[0] ?? null,
  };
}

const blocks = docBlocks().filter((b) => b.marker?.run);
const byStage = STAGES.flatMap((stage) =>
  blocks.filter((b) => b.marker?.run && b.marker.stage === stage).map((b) => [b.where, stage, b] as const),
);

test('most of the documented commands run here', () => {
  expect(byStage.length).toBeGreaterThanOrEqual(14);
});

test.each(byStage)(
  '%s runs as written (from stage %s)',
  async (_where, stage, block) => {
    await prepare(stage);
    const commands = commandsOf(block.code);
    if (!commands.some((c) => c.error !== null)) {
      expect(outcome(shell(inPageShell(block, block.code)))).toEqual({
        status: 0,
        stderr: '',
        problem: null,
      });
      return;
    }
    // A block that shows errors: each command fails, with the message the page prints.
    for (const { command, error } of commands) {
      const result = shell(inPageShell(block, command));
      if (error === null) {
        expect({ command, ...outcome(result) }).toEqual({ command, status: 0, stderr: '', problem: null });
      } else {
        expect(result.status).not.toBe(0);
        expect(normalise(result.stderr)).toContain(normalise(error));
      }
    }
  },
  300_000,
);
