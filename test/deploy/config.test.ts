import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, logFormat, readEnvironment } from '../../config/env';
import { probeUrl } from '../../config/healthcheck';
import { parseHostPort } from '../../config/metrics';
import { targetOf } from '../../scripts/setup-database';

/** The production settings of config/env.ts: secrets from files, addresses, formats, probes. */

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iscg-config-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const target = path.join(dir, name);
  fs.writeFileSync(target, content);
  return target;
}

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    readEnvironment(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

test('a secret is read from its _FILE, trimmed; an empty file means unset', () => {
  const env = readEnvironment({
    SMTP_URL_FILE: file('smtp', 'smtp://relay:587\n'),
    ISCG_ENCRYPTION_KEYS_FILE: file('keys', ''),
  });
  expect(env.SMTP_URL).toBe('smtp://relay:587');
  expect(env.ISCG_ENCRYPTION_KEYS).toBeUndefined();
});

test('a secret given twice must be the same; a missing file is named', () => {
  const smtp = file('smtp2', 'smtp://relay:587\n');
  expect(readEnvironment({ SMTP_URL: 'smtp://relay:587', SMTP_URL_FILE: smtp }).SMTP_URL).toBe(
    'smtp://relay:587',
  );
  expect(problems({ SMTP_URL: 'smtp://other:25', SMTP_URL_FILE: smtp })).toEqual([
    expect.stringContaining('SMTP_URL et SMTP_URL_FILE'),
  ]);
  expect(problems({ TEMPORAL_API_KEY_FILE: path.join(dir, 'absent') })).toEqual([
    expect.stringMatching(/^TEMPORAL_API_KEY_FILE: fichier illisible .*ENOENT/),
  ]);
});

test('addresses are host:port; the API metrics need a port of their own', () => {
  expect(problems({ TEMPORAL_ADDRESS: 'temporal' })).toEqual([
    expect.stringContaining('TEMPORAL_ADDRESS: attendu hôte:port'),
  ]);
  expect(problems({ TEMPORAL_ADDRESS: '[::1]:7233', ISCG_WORKER_METRICS_ADDRESS: '[::]:9464' })).toEqual([]);
  expect(problems({ ISCG_WORKER_METRICS_ADDRESS: '9464' })).toEqual([
    expect.stringContaining('ISCG_WORKER_METRICS_ADDRESS'),
  ]);
  expect(problems({ PORT: '3000', ISCG_API_METRICS_ADDRESS: '0.0.0.0:3000' })).toEqual([
    expect.stringContaining('ISCG_API_METRICS_ADDRESS: un port distinct de PORT'),
  ]);
  expect(parseHostPort('[::1]:9465')).toEqual({ host: '::1', port: 9465 });
});

test('logs are JSON lines in production and text in development, unless said otherwise', () => {
  expect(logFormat(readEnvironment({ ISCG_ENV: 'production' }))).toBe('json');
  expect(logFormat(readEnvironment({}))).toBe('text');
  expect(logFormat(readEnvironment({ ISCG_ENV: 'production', LOG_FORMAT: 'text' }))).toBe('text');
  expect(problems({ LOG_FORMAT: 'yaml' })).toEqual([expect.stringContaining('LOG_FORMAT')]);
});

test('the health probe targets the role’s endpoint, on the loopback for a wildcard bind', () => {
  expect(probeUrl({ ISCG_ROLE: 'api', HOST: '0.0.0.0', PORT: '3000' })).toBe('http://127.0.0.1:3000/healthz');
  expect(probeUrl({ ISCG_ROLE: 'worker', ISCG_WORKER_METRICS_ADDRESS: '0.0.0.0:9464' })).toBe(
    'http://127.0.0.1:9464/metrics',
  );
  expect(probeUrl({ ISCG_ROLE: 'worker', ISCG_WORKER_METRICS_ADDRESS: '[::]:9464' })).toBe(
    'http://[::1]:9464/metrics',
  );
  expect(probeUrl({ ISCG_ROLE: 'worker' })).toBeNull();
});

test('the mail journal: a PostgreSQL URL from its secret file, or a clear refusal', () => {
  const url = 'postgres://iscg_mail:s3cret@postgresql:5432/iscg_mail';
  expect(
    readEnvironment({ ISCG_MAIL_JOURNAL_URL_FILE: file('journal', `${url}\n`) }).ISCG_MAIL_JOURNAL_URL,
  ).toBe(url);
  expect(
    readEnvironment({ ISCG_MAIL_JOURNAL_URL_FILE: file('journal-empty', '') }).ISCG_MAIL_JOURNAL_URL,
  ).toBeUndefined();
  for (const wrong of ['mysql://h/db', 'postgres://h', 'iscg_mail@postgresql/iscg_mail'])
    expect(problems({ ISCG_MAIL_JOURNAL_URL: wrong })).toEqual([
      'ISCG_MAIL_JOURNAL_URL: attendu postgres://rôle:mot-de-passe@hôte:5432/base',
    ]);
});

test('the set-up job reads the role, password and database from the URL, and names what is missing', () => {
  expect(targetOf('postgres://iscg_mail:p%40ss@db:5432/iscg_mail', 'ISCG_MAIL_JOURNAL_URL')).toEqual({
    user: 'iscg_mail',
    password: 'p@ss',
    database: 'iscg_mail',
    url: 'postgres://iscg_mail:p%40ss@db:5432/iscg_mail',
  });
  expect(() => targetOf('postgres://iscg_mail@db/iscg_mail', 'ISCG_MAIL_JOURNAL_URL')).toThrow(
    'ISCG_MAIL_JOURNAL_URL: le rôle, le mot de passe et la base sont requis dans l’URL',
  );
  expect(() => targetOf('mysql://a:b@db/c', 'ISCG_MAIL_JOURNAL_URL')).toThrow(
    'ISCG_MAIL_JOURNAL_URL: attendu postgres://rôle:mot-de-passe@hôte:5432/base',
  );
  expect(() => targetOf('not a url', 'X_URL')).toThrow('X_URL: URL illisible');
});
