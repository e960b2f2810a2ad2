import * as fs from 'node:fs';
import * as path from 'node:path';
import { docWithTable } from '../../../scripts/lifecycle-reference';

test('the table of events in docs/lifecycle.md is the one the code describes', () => {
  const file = path.resolve(__dirname, '..', '..', '..', 'docs', 'lifecycle.md');
  const doc = fs.readFileSync(file, 'utf8');
  // Regenerate with: npm run build && node dist/scripts/lifecycle-reference.js --write
  expect(doc).toBe(docWithTable(doc));
});
