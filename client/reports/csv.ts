import { stringify } from 'csv-stringify/sync';
import type { Cell, CellType, Table } from '../../domain/reports/tables';

/**
 * CSV that French spreadsheet software opens as it is: `;` between fields (the comma is the
 * decimal mark), UTF-8 with a byte order mark (so accents survive a double-click in Excel),
 * CRLF line ends, a decimal comma and no thousands separator (so that numbers stay numbers),
 * dates in ISO 8601 (read as dates by LibreOffice and Excel alike).
 */

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8; header=present';

/**
 * A text that starts like a formula would be run by the spreadsheet: organisation names and titles
 * come from the conventions' data, so such a cell is prefixed with an apostrophe (OWASP's advice).
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function formatCell(value: Cell, type: CellType): string {
  if (value === null || value === '') return '';
  switch (type) {
    case 'integer':
      return String(value);
    case 'euros':
      return (value as number).toFixed(2).replace('.', ',');
    case 'boolean':
      return value ? 'oui' : 'non';
    case 'date':
    case 'month':
      return String(value);
    case 'text': {
      const text = String(value);
      return FORMULA_START.test(text) ? `'${text}` : text;
    }
  }
}

export function toCsv(table: Table): string {
  const records = [
    table.columns.map((c) => c.header),
    ...table.rows.map((row) => table.columns.map((c) => formatCell(c.value(row), c.type))),
  ];
  return stringify(records, { delimiter: ';', bom: true, record_delimiter: 'windows' });
}
