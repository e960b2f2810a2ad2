import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveTarget } from '../../../client/cli/api-client';
import { DEVELOPMENT_KEY_FILE } from '../../../client/auth/keys';
import { CliError } from '../../../client/cli/exit-codes';

/** Where the CLI finds its key: the variables first, then the development key of `npm start`. */

let dir: string;
let cwd: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iscg-cli-'));
  cwd = process.cwd();
});
afterEach(() => {
  process.chdir(cwd);
  fs.rmSync(dir, { recursive: true, force: true });
});

function writeDevKey(dataDir: string, key: string): void {
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(path.join(dataDir, DEVELOPMENT_KEY_FILE), `${key}\n`);
}

test('from any directory, the development key of the data folder npm start uses', () => {
  const dataDir = path.join(dir, 'repo', 'data');
  writeDevKey(dataDir, 'iscg_dev');
  process.chdir(os.tmpdir());
  expect(resolveTarget({}, undefined, dataDir)).toEqual({ url: 'http://localhost:3000', token: 'iscg_dev' });
});

test('ISCG_DATA_DIR, relative to where the CLI runs, names another data folder', () => {
  writeDevKey(path.join(dir, 'ailleurs'), 'iscg_ailleurs');
  process.chdir(dir);
  expect(resolveTarget({ ISCG_DATA_DIR: 'ailleurs' }).token).toBe('iscg_ailleurs');
});

test('the variables come first, and the development key is never sent to another host', () => {
  const dataDir = path.join(dir, 'data');
  writeDevKey(dataDir, 'iscg_dev');
  expect(resolveTarget({ ISCG_API_KEY: 'iscg_var' }, undefined, dataDir).token).toBe('iscg_var');
  expect(() => resolveTarget({ ISCG_API_URL: 'https://iscg.example.gouv.fr' }, undefined, dataDir)).toThrow(
    CliError,
  );
});

test('without a key, the message says where the development key was looked for', () => {
  const dataDir = path.join(dir, 'vide');
  expect(() => resolveTarget({}, undefined, dataDir)).toThrow(
    `clé de développement cherchée dans ${path.join(dataDir, DEVELOPMENT_KEY_FILE)}`,
  );
});
