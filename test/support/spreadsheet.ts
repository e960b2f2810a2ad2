import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Opens a CSV file with LibreOffice Calc (Debian's package, headless) as a French desktop would:
 * separator « ; », UTF-8, French (France) for numbers and dates; saves it as a flat OpenDocument
 * spreadsheet and reads back each cell with the type Calc gave it.
 */

export interface CalcCell {
  type: 'string' | 'float' | 'date' | 'boolean' | 'percentage' | 'currency' | 'time' | 'empty';
  /** The number for floats, the ISO date for dates, the text for strings. */
  value: string | number | null;
  text: string;
}

export const SOFFICE = '/usr/bin/soffice';
/** Field separator 59 (;), text delimiter 34 ("), character set 76 (UTF-8), from line 1, language 1036 (fr-FR). */
export const FRENCH_CSV_IMPORT = 'CSV:59,34,76,1,,1036';

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

function attribute(tag: string, name: string): string | undefined {
  return new RegExp(`${name}="([^"]*)"`).exec(tag)?.[1];
}

/** Rows of the first sheet, each cell with its type; trailing empty cells dropped. */
export function parseFlatOds(xml: string): CalcCell[][] {
  const table = /<table:table [\s\S]*?<\/table:table>/.exec(xml)?.[0] ?? '';
  const rows: CalcCell[][] = [];
  for (const row of table.match(/<table:table-row[\s\S]*?<\/table:table-row>/g) ?? []) {
    const cells: CalcCell[] = [];
    for (const match of row.matchAll(/<table:table-cell([^>]*?)(\/>|>([\s\S]*?)<\/table:table-cell>)/g)) {
      const tag = match[1]!;
      const repeated = Number(attribute(tag, 'table:number-columns-repeated') ?? 1);
      const text = unescapeXml(
        (match[3] ?? '').match(/<text:p>([\s\S]*?)<\/text:p>/)?.[1]?.replace(/<[^>]+>/g, '') ?? '',
      );
      const type = (attribute(tag, 'office:value-type') ?? 'empty') as CalcCell['type'];
      const value =
        type === 'float' || type === 'percentage' || type === 'currency'
          ? Number(attribute(tag, 'office:value'))
          : type === 'date'
            ? (attribute(tag, 'office:date-value') ?? null)
            : type === 'empty'
              ? null
              : text;
      for (let i = 0; i < Math.min(repeated, 200); i++) cells.push({ type, value, text });
    }
    while (cells.length > 0 && cells.at(-1)!.type === 'empty') cells.pop();
    if (cells.length > 0) rows.push(cells);
  }
  return rows;
}

export function openWithCalc(csvFile: string, workDir: string): CalcCell[][] {
  const outDir = path.join(workDir, 'calc-out');
  const profile = path.join(workDir, 'calc-profile');
  fs.mkdirSync(outDir, { recursive: true });
  const result = spawnSync(
    SOFFICE,
    [
      '--headless',
      `-env:UserInstallation=file://${profile}`,
      `--infilter=${FRENCH_CSV_IMPORT}`,
      '--convert-to',
      'fods',
      '--outdir',
      outDir,
      csvFile,
    ],
    {
      encoding: 'utf8',
      timeout: 180_000,
      env: { ...process.env, LANG: 'fr_FR.UTF-8', LC_ALL: 'fr_FR.UTF-8' },
    },
  );
  const output = path.join(outDir, `${path.basename(csvFile, '.csv')}.fods`);
  if (!fs.existsSync(output))
    throw new Error(
      `LibreOffice n’a pas converti ${csvFile}: ${result.stdout}${result.stderr}${result.error ?? ''}`,
    );
  return parseFlatOds(fs.readFileSync(output, 'utf8'));
}
