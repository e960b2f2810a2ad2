import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * A folder of templates under `activities/`: beside the code in the source tree; from a compiled
 * tree (`dist/`, the benchmark's under `.cache/`), which carries none, the same folder in the
 * first ancestor that has it, which is the repository's.
 */
export function templatesFolder(codeDir: string, kind: 'mail' | 'documents'): string {
  const beside = path.join(codeDir, 'templates');
  if (fs.existsSync(beside)) return beside;
  const relative = path.join('activities', kind, 'templates');
  for (let dir = path.dirname(codeDir); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, relative);
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return beside;
  }
}
