import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultDocumentTemplatesDir } from '../../activities/documents/template';
import { defaultTemplatesDir } from '../../activities/mail/render';
import { DATABASES, shippedMigrations } from '../../database/databases';
import { HADOLINT, ROOT, SHELLCHECK } from './support/tools';

/**
 * The Dockerfile, linted by hadolint with deploy/hadolint.yaml (every finding fails), and read
 * for what the image must hold; the containers' shell scripts, linted by ShellCheck as POSIX sh
 * (the Temporal images have BusyBox's sh, ours Debian's dash).
 */

const DOCKERFILE = path.join(ROOT, 'Dockerfile');
const dockerfile = fs.readFileSync(DOCKERFILE, 'utf8');

function hadolint(input: string) {
  return spawnSync(HADOLINT, ['--config', path.join(ROOT, 'deploy', 'hadolint.yaml'), '--no-color', '-'], {
    input,
    encoding: 'utf8',
  });
}

/** The instructions of one stage, continuation lines joined. */
function stage(name: string): string[] {
  const lines = dockerfile.replace(/\\\n\s*/g, ' ').split('\n');
  const start = lines.findIndex((l) => new RegExp(`^FROM \\S+ AS ${name}$`).test(l));
  const end = lines.findIndex((l, i) => i > start && l.startsWith('FROM '));
  return lines.slice(start, end === -1 ? undefined : end).filter((l) => l && !l.startsWith('#'));
}

test('hadolint passes the Dockerfile', () => {
  const result = hadolint(dockerfile);
  expect(result.stdout + result.stderr).toBe('');
  expect(result.status).toBe(0);
});

test('hadolint fails a Dockerfile with an untagged base image and an unpinned install', () => {
  const result = hadolint(
    dockerfile.replace(/^FROM node:\S+ AS runtime$/m, 'FROM node AS runtime\nRUN apt-get install curl'),
  );
  expect(result.status).not.toBe(0);
  expect(result.stdout).toMatch(/DL3006|DL3007/);
  expect(result.stdout).toMatch(/DL3008/);
});

test('the runtime stage: production dependencies only, prebuilt bundle, non-root, entry point', () => {
  const runtime = stage('runtime');
  const text = runtime.join('\n');
  expect(text).toMatch(/npm ci --omit=dev/);
  expect(text).not.toMatch(/npm (ci|install)(?![^\n]*--omit=dev)/);
  expect(text).toMatch(/NODE_ENV=production/);
  expect(text).toMatch(/ISCG_ENV=production/);
  expect(text).toMatch(/WORKFLOW_BUNDLE_PATH=\/app\/dist\/workflow-bundle\.js/);
  expect(text).toMatch(/COPY --from=build \/app\/dist \.\/dist/);
  const user = runtime.filter((l) => l.startsWith('USER ')).pop();
  expect(user).toBeDefined();
  expect(user).not.toMatch(/^USER (root|0)(:|$)/);
  expect(text).toMatch(/^ENTRYPOINT \["\/app\/deploy\/docker-entrypoint\.sh"\]$/m);
  expect(text).toMatch(/^HEALTHCHECK /m);
  // The build stage compiles and bundles ahead of time.
  expect(stage('build').join('\n')).toMatch(/RUN npm run build/);
});

test('the image holds the email templates where the compiled renderer looks for them', () => {
  // From /app/dist/activities/mail the renderer falls back to /app/activities/mail/templates.
  const fromDist = path.resolve(
    '/app/dist/activities/mail',
    '..',
    '..',
    '..',
    'activities',
    'mail',
    'templates',
  );
  expect(fromDist).toBe('/app/activities/mail/templates');
  expect(dockerfile).toMatch(/^COPY activities\/mail\/templates \.\/activities\/mail\/templates$/m);
  expect(fs.readdirSync(defaultTemplatesDir()).length).toBeGreaterThan(0);
});

test('the image holds the document templates where the compiled renderer looks for them', () => {
  // From /app/dist/activities/documents the renderer falls back to /app/activities/documents/templates.
  expect(
    path.resolve('/app/dist/activities/documents', '..', '..', '..', 'activities', 'documents', 'templates'),
  ).toBe('/app/activities/documents/templates');
  expect(dockerfile).toMatch(/^COPY activities\/documents\/templates \.\/activities\/documents\/templates$/m);
  expect(fs.readdirSync(defaultDocumentTemplatesDir()).sort()).toEqual([
    'certificate.md',
    'convention.md',
    'report.md',
  ]);
});

test('the image holds the databases’ migrations, which the set-up job applies and the worker checks', () => {
  // From /app/dist/database the code finds the repository's root by its package.json: /app.
  expect(stage('runtime').join('\n')).toMatch(/^COPY package\.json package-lock\.json \.\/$/m);
  expect(stage('runtime').join('\n')).toMatch(/^COPY database \.\/database$/m);
  expect(stage('build').join('\n')).toMatch(/^COPY database \.\/database$/m);
  expect(shippedMigrations(DATABASES['mail-journal']!).length).toBeGreaterThan(0);
});

test('.dockerignore lets through every file the Dockerfile copies from the context, and no data', () => {
  const allowed = fs
    .readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('!'))
    .map((l) => l.slice(1).replace(/\/$/, ''));
  expect(fs.readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')).toMatch(/^\*$/m);
  const sources = dockerfile
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .filter((l) => /^COPY (?!--from)/.test(l))
    .flatMap((l) =>
      l
        .replace(/^COPY (--\S+ )*/, '')
        .split(/\s+/)
        .slice(0, -1),
    );
  expect(sources.length).toBeGreaterThan(5);
  for (const source of sources) {
    expect({
      source,
      allowed: allowed.some((a) => source === a || source.startsWith(`${a}/`)),
    }).toMatchObject({
      allowed: true,
    });
    expect(fs.existsSync(path.join(ROOT, source))).toBe(true);
  }
  for (const never of ['data', '.cache', 'deploy/secrets', 'node_modules', 'dist'])
    expect(allowed.some((a) => a === never || a.startsWith(`${never}/`))).toBe(false);
});

test('ShellCheck passes the containers’ scripts and the certificates script, as POSIX sh', () => {
  const scripts = [
    'deploy/docker-entrypoint.sh',
    'deploy/temporal/setup-schema.sh',
    'deploy/temporal/start-server.sh',
    'deploy/temporal/register-namespace.sh',
    'deploy/tls/certificates.sh',
  ].map((s) => path.join(ROOT, s));
  const result = spawnSync(SHELLCHECK, ['--shell=sh', '--severity=style', ...scripts], { encoding: 'utf8' });
  expect(result.stdout + result.stderr).toBe('');
  expect(result.status).toBe(0);
});
