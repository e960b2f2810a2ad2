import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ApiKeysConfigError,
  DEVELOPMENT_KEY_FILE,
  KeyRing,
  generateToken,
  hashToken,
  loadApiKeys,
  parseApiKeys,
} from '../../../client/auth/keys';

const token = generateToken();
const entry = {
  id: 'prefecture-59',
  hash: hashToken(token),
  label: 'Préfecture du Nord',
  actsAs: { kind: 'party-role', role: 'etat', departements: ['59'] },
};

test('tokens carry 256 random bits under a recognisable prefix; only their SHA-256 is kept', () => {
  expect(token).toMatch(/^iscg_[A-Za-z0-9_-]{43}$/);
  expect(generateToken()).not.toBe(token);
  expect(hashToken(token)).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(hashToken(token)).toBe(hashToken(token));
});

test('key lists are read from JSON or YAML, as a list or under "keys"', () => {
  expect(parseApiKeys(JSON.stringify([entry]), 'json')).toEqual([entry]);
  expect(parseApiKeys(JSON.stringify({ keys: [entry] }), 'json')).toEqual([entry]);
  const yaml = `keys:\n  - id: ops\n    hash: ${hashToken('x')}\n    actsAs: { kind: operator, departements: ["2a", "971"] }\n`;
  expect(parseApiKeys(yaml, 'yaml')[0]!.actsAs).toEqual({ kind: 'operator', departements: ['2A', '971'] });
});

test('a bad key file names the entry and the rule', () => {
  const bad = [
    { ...entry, hash: 'md5:abc' },
    { ...entry, id: 'X', actsAs: { kind: 'party-role', role: 'etat' } },
  ];
  try {
    parseApiKeys(JSON.stringify(bad), 'keys.json');
    throw new Error('should have failed');
  } catch (error) {
    expect(error).toBeInstanceOf(ApiKeysConfigError);
    const problems = (error as ApiKeysConfigError).problems.join('\n');
    expect(problems).toMatch(/0\.hash/);
    expect(problems).toMatch(/1\.id/);
    expect(problems).toMatch(/1\.actsAs\.departements/);
  }
  expect(() => parseApiKeys('keys: [', 'broken.yaml')).toThrow(/illisible/);
});

test('the key ring finds the key of a token and nothing for another token', () => {
  const ring = new KeyRing([
    entry as never,
    { ...entry, id: 'other', hash: hashToken('iscg_other') } as never,
  ]);
  expect(ring.authenticate(token)?.id).toBe('prefecture-59');
  expect(ring.authenticate('iscg_other')?.id).toBe('other');
  expect(ring.authenticate(generateToken())).toBeNull();
  expect(ring.authenticate('')).toBeNull();
});

describe('loading', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iscg-keys-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('from a file and the environment together; duplicates are refused', () => {
    const file = path.join(dir, 'keys.yaml');
    fs.writeFileSync(file, JSON.stringify([entry]));
    const other = { ...entry, id: 'ops', hash: hashToken('iscg_ops'), actsAs: { kind: 'operator' } };
    const loaded = loadApiKeys({
      env: { ISCG_API_KEYS_FILE: file, ISCG_API_KEYS: JSON.stringify([other]) },
      environment: 'production',
      dataDir: dir,
    });
    expect(loaded.keys.map((k) => k.id)).toEqual(['prefecture-59', 'ops']);
    expect(loaded.developmentKeyFile).toBeNull();
    expect(() =>
      loadApiKeys({
        env: { ISCG_API_KEYS_FILE: file, ISCG_API_KEYS: JSON.stringify([entry]) },
        environment: 'production',
        dataDir: dir,
      }),
    ).toThrow(/en double/);
  });

  test('without keys: refused in production and test, a local operator key in development', () => {
    expect(() => loadApiKeys({ env: {}, environment: 'production', dataDir: dir })).toThrow(/aucune clé/);
    expect(() => loadApiKeys({ env: {}, environment: 'test', dataDir: dir })).toThrow(/aucune clé/);
    const first = loadApiKeys({ env: {}, environment: 'development', dataDir: dir });
    const file = path.join(dir, DEVELOPMENT_KEY_FILE);
    expect(first.developmentKeyFile).toBe(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const devToken = fs.readFileSync(file, 'utf8').trim();
    expect(new KeyRing(first.keys).authenticate(devToken)?.actsAs).toEqual({ kind: 'operator' });
    // Reused on the next start.
    expect(loadApiKeys({ env: {}, environment: 'development', dataDir: dir }).keys[0]!.hash).toBe(
      hashToken(devToken),
    );
  });
});
