import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLOSED_DAY_RULES, type ClosedDayRule } from '../../../domain/calendar/business-days';
import { UNKNOWN_DEPARTEMENT_MESSAGE } from '../../../domain/convention/schema';
import { CLOSED_DAY_RULE_BY_KIND, DEADLINE_KINDS } from '../../../domain/lifecycle/deadline-kinds';

/**
 * docs/calendar.md is the reference for what a due date on a closed day becomes: its table says
 * one rule per deadline kind, in words a finance officer reads. The code must follow it.
 */
const DOC = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'docs', 'calendar.md'), 'utf8');

const WORDS: Record<string, ClosedDayRule> = {
  'not moved': 'unmoved',
  'next business day': 'next',
  'next business day, within term': 'next-within-term',
  'previous business day': 'previous',
};

function ruleTable(): Record<string, ClosedDayRule> {
  const start = DOC.indexOf('<!-- closed-day-rules:start -->');
  const end = DOC.indexOf('<!-- closed-day-rules:end -->');
  expect(start).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(start);
  const rows = DOC.slice(start, end)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('| `'));
  const table: Record<string, ClosedDayRule> = {};
  for (const row of rows) {
    const [kind, words] = row
      .split('|')
      .slice(1, 3)
      .map((cell) => cell.trim());
    const rule = WORDS[words!];
    if (!rule)
      throw new Error(
        `docs/calendar.md: "${words}" is not a closed-day rule (${Object.keys(WORDS).join(', ')})`,
      );
    const name = kind!.replace(/`/g, '');
    expect(table[name]).toBeUndefined();
    table[name] = rule;
  }
  return table;
}

test('every deadline kind has the closed-day rule docs/calendar.md gives it', () => {
  const table = ruleTable();
  expect(Object.keys(table).sort()).toEqual([...DEADLINE_KINDS].sort());
  expect(table).toEqual(CLOSED_DAY_RULE_BY_KIND);
  for (const rule of Object.values(table)) expect(CLOSED_DAY_RULES).toContain(rule);
});

test('the page lists the known codes as the refusal of an unknown one does', () => {
  const codes = UNKNOWN_DEPARTEMENT_MESSAGE.replace('département inconnu: codes admis ', '');
  expect(DOC).toContain(`(\`${codes}\`)`);
});
