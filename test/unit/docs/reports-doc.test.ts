import * as fs from 'node:fs';
import * as path from 'node:path';
import { activityReport } from '../../../domain/reports/activity';
import { PAYER_LABELS } from '../../../domain/reports/common';
import { deadlinesReport } from '../../../domain/reports/deadlines';
import {
  financingReport,
  LEDGER_STATUS_LABELS,
  RENEWAL_STATUS_LABELS,
} from '../../../domain/reports/financing';
import { activityTable, deadlinesTable, financingTables } from '../../../domain/reports/tables';

/** docs/reports.md names every CSV table, every column in order, every status and payer label. */

const page = fs
  .readFileSync(path.resolve(__dirname, '..', '..', '..', 'docs', 'reports.md'), 'utf8')
  .replace(/\s+/g, ' ');

const now = Date.UTC(2027, 5, 1);
const tables = [
  ...Object.values(financingTables(financingReport([], { years: [2027], now }))),
  deadlinesTable(deadlinesReport([], { days: 30, now })),
  activityTable(activityReport([], { years: [2027], now })),
];

test.each(tables.map((t) => [t.name, t] as const))(
  'the table %s and its columns, in order',
  (name, table) => {
    const start = page.indexOf(`**\`${name}\`**`);
    expect(start).toBeGreaterThanOrEqual(0);
    const end = page.indexOf('- **', start + 1);
    const entry = page.slice(start, end < 0 ? undefined : end);
    let from = 0;
    for (const column of table.columns) {
      const at = entry.indexOf(column.header, from);
      expect([column.header, at >= 0]).toEqual([column.header, true]);
      from = at + column.header.length;
    }
  },
);

test('every status, payer and renewal label', () => {
  for (const label of [
    ...Object.values(LEDGER_STATUS_LABELS),
    ...Object.values(PAYER_LABELS),
    ...Object.values(RENEWAL_STATUS_LABELS),
  ])
    expect([label, page.includes(label)]).toEqual([label, true]);
});
