import * as fs from 'node:fs';
import * as path from 'node:path';
import { conventionBundleOptions } from '../../../worker/workflow-bundle';

const WORKFLOWS = path.join(__dirname, '..', '..', '..', 'workflows');
const source = (file: string) => fs.readFileSync(path.join(WORKFLOWS, file), 'utf8');

/** The modules a file imports values from (type-only imports are erased from the bundle). */
function valueImports(code: string): string[] {
  const found: string[] = [];
  for (const match of code.matchAll(/^import\s+(type\s+)?([^'"]*?)\s*(?:from\s+)?['"]([^'"]+)['"]/gms)) {
    const [, typeOnly, clause, module] = match;
    const names = clause!
      .replace(/[{}]/g, '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (!typeOnly && (names.length === 0 || names.some((n) => !n.startsWith('type ')))) found.push(module!);
  }
  return found;
}

describe('modules shared by the conventions of a worker thread', () => {
  it('include every domain module the convention workflow and its helpers use', () => {
    const files = fs.readdirSync(WORKFLOWS).filter((f) => f.endsWith('.ts') && f !== 'shared-modules.ts');
    expect(files).toContain('convention.ts');
    const used = [...new Set(files.flatMap((f) => valueImports(source(f))))].filter((m) =>
      m.startsWith('../domain/'),
    );
    const shared = valueImports(source('shared-modules.ts'));
    expect(used.length).toBeGreaterThan(5);
    expect(used.filter((m) => !shared.includes(m))).toEqual([]);
  });

  it('are preloaded by every bundle of the convention workflows, from the sources or from dist/', () => {
    for (const entry of [path.join(WORKFLOWS, 'index.ts'), '/srv/iscg/dist/workflows/index.js'])
      expect(conventionBundleOptions(entry).preloadModules).toEqual([
        path.join(path.dirname(entry), 'shared-modules'),
      ]);
  });
});
