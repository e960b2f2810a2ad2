import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { docBlocks } from '../../support/doc-blocks';
import { ROOT } from '../../support/stack';

/**
 * Every `sh` block of the README and of docs/ either runs on `npm start`'s stack
 * (test/e2e/docs-commands.test.ts) or says why not; those not run are still checked here: the
 * shell reads them, and what they name (npm scripts, jest projects, files of the repository)
 * exists.
 */

const blocks = docBlocks();
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};
const jestConfig = fs.readFileSync(path.join(ROOT, 'jest.config.js'), 'utf8');
const projects = [...jestConfig.matchAll(/displayName: '([a-z0-9-]+)'/g)].map((m) => m[1]!);

test('every sh block says how the docs test runs it, or why it does not', () => {
  expect(blocks.length).toBeGreaterThan(30);
  expect(blocks.filter((b) => b.marker === null).map((b) => b.where)).toEqual([]);
  for (const block of blocks)
    if (block.marker && !block.marker.run)
      expect([block.where, block.marker.reason.length > 8]).toEqual([block.where, true]);
  // Most of them run: the exceptions are production (Docker) and the long suites.
  expect(blocks.filter((b) => b.marker?.run).length).toBeGreaterThanOrEqual(14);
});

test.each(blocks.map((b) => [b.where, b] as const))('%s: the shell reads it', (_where, block) => {
  const result = spawnSync('bash', ['-n'], { input: block.code, encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
});

test.each(blocks.map((b) => [b.where, b] as const))(
  '%s: the scripts, projects and files it names exist',
  (_where, block) => {
    for (const [, script] of block.code.matchAll(/npm run (?:--silent )?([a-z][\w:-]*)/g))
      expect([script, script! in pkg.scripts]).toEqual([script, true]);
    for (const [, project] of block.code.matchAll(/--selectProjects ([a-z0-9-]+)/g))
      expect([project, projects.includes(project!)]).toEqual([project, true]);
    const files = [
      ...block.code.matchAll(
        /(?<![\w/.-])((?:deploy|scripts|examples|test|docs)\/[\w./-]*\w)(?![\w/-]*\.(?:new|dump))/g,
      ),
    ]
      .map((m) => m[1]!)
      // Files the block itself creates, and the secrets an operator writes.
      .filter((file) => !/\.(new|dump)$|^deploy\/secrets\/|\.env$/.test(file));
    for (const file of files) {
      const example =
        fs.existsSync(path.join(ROOT, file)) || fs.existsSync(path.join(ROOT, `${file}.example`));
      expect([file, example]).toEqual([file, true]);
    }
  },
);
