import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { addDays, addMonths, localDate } from '../../domain/calendar/dates';
import { SEARCH_ATTRIBUTE_CLI_TYPES } from '../../domain/temporal-contract';
import { resolveCliPath } from '../../scripts/temporal-binaries';
import { freePort, ROOT } from '../support/stack';

/**
 * The operator's guide (docs/operators.md) is run, not just read: its `search-attribute create`
 * commands on a Temporal server that has none, and each of its queries against that server.
 */

const run = promisify(execFile);
const GUIDE = fs.readFileSync(path.join(ROOT, 'docs', 'operators.md'), 'utf8');
const NAMESPACE = 'iscg';
let server: ChildProcess;
let address: string;

async function temporal(...args: string[]): Promise<string> {
  const { stdout } = await run(resolveCliPath(), [...args, '--address', address], { timeout: 30_000 });
  return stdout;
}

beforeAll(async () => {
  const port = await freePort();
  address = `127.0.0.1:${port}`;
  server = spawn(
    resolveCliPath(),
    [
      'server',
      'start-dev',
      '--headless',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--namespace',
      NAMESPACE,
    ],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await temporal('operator', 'namespace', 'describe', '--namespace', NAMESPACE);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}, 90_000);

afterAll(async () => {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  await exited;
});

test('the search-attribute commands of the guide declare exactly what the workflow writes', async () => {
  const commands = GUIDE.split('\n').filter((line) =>
    line.startsWith('temporal operator search-attribute create'),
  );
  expect(commands).toHaveLength(Object.keys(SEARCH_ATTRIBUTE_CLI_TYPES).length);
  for (const command of commands) {
    const args = command.replace('"$NS"', NAMESPACE).split(/\s+/).slice(1);
    await temporal(...args);
  }
  const listed = await temporal('operator', 'search-attribute', 'list', '--namespace', NAMESPACE);
  const declared = Object.fromEntries(
    [...listed.matchAll(/^\s*(Iscg\w+)\s+(\w+)\s*$/gm)].map(([, name, type]) => [name, type]),
  );
  expect(declared).toEqual(SEARCH_ATTRIBUTE_CLI_TYPES);
});

test('Temporal accepts every query of the guide', async () => {
  const today = localDate(Date.now(), '59');
  const dates: Record<string, string> = {
    '<aujourd’hui>': today,
    '<dans 30 jours>': addDays(today, 30),
    '<dans 6 mois>': addMonths(today, 6),
  };
  // The last cell of each table row that holds a query on the conventions' attributes.
  const queries = GUIDE.split('\n')
    .filter((line) => line.startsWith('|'))
    .map(
      (line) =>
        line
          .split('|')
          .filter((cell) => cell.trim())
          .pop()
          ?.trim() ?? '',
    )
    .filter((cell) => /^`.*Iscg.*`$/.test(cell))
    .map((cell) =>
      Object.entries(dates).reduce(
        (query, [placeholder, date]) => query.replaceAll(placeholder, date),
        cell.slice(1, -1),
      ),
    );
  expect(queries.length).toBeGreaterThanOrEqual(15);
  const refused: string[] = [];
  for (const query of queries) {
    try {
      await temporal('workflow', 'list', '--namespace', NAMESPACE, '--query', query);
    } catch (error) {
      refused.push(`${query}: ${(error as { stderr?: string }).stderr ?? String(error)}`);
    }
  }
  expect(refused).toEqual([]);
});
