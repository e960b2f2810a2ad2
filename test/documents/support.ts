import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import mammoth from 'mammoth';
import YAML from 'yaml';
import {
  conventionCreateSchema,
  conventionWorkflowId,
  type ConventionCreate,
} from '../../domain/convention/schema';

/** Readers of rendered documents that share no code with the renderer: Poppler, mammoth, veraPDF. */

export const ROOT = path.resolve(__dirname, '..', '..');
export const OUT_DIR = path.join(ROOT, 'test-results', 'documents');
const VERAPDF_CLASSPATH = path.join(ROOT, '.cache', 'verapdf', 'classpath.txt');

export function example(name: string): ConventionCreate & { conventionId: string } {
  const file = path.join(ROOT, 'examples', 'conventions', `${name}.yaml`);
  const create = conventionCreateSchema.parse(YAML.parse(fs.readFileSync(file, 'utf8')));
  return { ...create, conventionId: conventionWorkflowId(create.data.departement, create.slug) };
}

function write(bytes: Buffer, name: string): string {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const file = path.join(OUT_DIR, name);
  fs.writeFileSync(file, bytes);
  return file;
}

function tool(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** Line breaks and runs of ordinary spaces become one space; no-break spaces are kept as they are. */
export function flat(text: string): string {
  return text.replace(/[ \t\r\n\f]+/g, ' ').trim();
}

/**
 * What a PDF's text can say of a string: the font draws the no-break space with the glyph of the
 * ordinary space (the narrow one, that of the thin space), and pdftotext reads both back as plain
 * spaces. Line breaking honours them; the DOCX carries the characters themselves.
 */
export function asPdfReadsIt(text: string): string {
  // A compound word may break at its hyphen at the end of a line, and pdftotext then joins it
  // without the hyphen ("Saint-" / "Denis" reads "SaintDenis"): compared without such hyphens.
  return flat(text)
    .replace(/[\u00a0\u202f]/g, ' ')
    .replace(/(\p{L})- ?(\p{L})/gu, '$1$2');
}

/** The text of a PDF as pdftotext reads it (reading order, UTF-8). */
export function pdfText(bytes: Buffer, name: string): string {
  const file = write(bytes, `${name}.pdf`);
  return tool('pdftotext', ['-enc', 'UTF-8', file, '-']);
}

/** The fonts of a PDF as pdffonts lists them: name, type, embedded, subset. */
export function pdfFonts(
  bytes: Buffer,
  name: string,
): { name: string; embedded: boolean; subset: boolean }[] {
  const file = write(bytes, `${name}.pdf`);
  return tool('pdffonts', [file])
    .split('\n')
    .slice(2)
    .filter((line) => line.trim())
    .map((line) => {
      const columns = line.trim().split(/\s+/);
      // name type encoding emb sub uni object ID
      const [emb, sub] = columns.slice(-5, -3);
      return { name: columns[0]!, embedded: emb === 'yes', subset: sub === 'yes' };
    });
}

/** One PNG per page in test-results/documents/, for a person to look at. */
export function pageImages(bytes: Buffer, name: string, resolution = 60): string[] {
  const file = write(bytes, `${name}.pdf`);
  const prefix = path.join(OUT_DIR, name);
  tool('pdftoppm', ['-r', String(resolution), '-png', file, prefix]);
  return fs
    .readdirSync(OUT_DIR)
    .filter((f) => f.startsWith(`${name}-`) && f.endsWith('.png'))
    .sort()
    .map((f) => path.join(OUT_DIR, f));
}

export async function docxText(bytes: Buffer, name: string): Promise<string> {
  write(bytes, `${name}.docx`);
  const { value } = await mammoth.extractRawText({ buffer: bytes });
  return value;
}

/** veraPDF's verdict for a flavour ('2a' for PDF/A-2a, 'ua1' for PDF/UA-1): PASS or FAIL, and the rules failed. */
export function verapdf(bytes: Buffer, name: string, flavour: string): { verdict: string; failed: string[] } {
  const file = write(bytes, `${name}.pdf`);
  const classpath = fs.readFileSync(VERAPDF_CLASSPATH, 'utf8').trim();
  const report = tool('java', [
    '-cp',
    classpath,
    'org.verapdf.apps.GreenfieldCliWrapper',
    '--flavour',
    flavour,
    '--format',
    'mrr',
    file,
  ]);
  const compliant = /isCompliant="(true|false)"/.exec(report)?.[1];
  const failed = [...report.matchAll(/<rule [^>]*clause="([^"]+)"[^>]*status="failed"/g)].map((m) => m[1]!);
  return { verdict: compliant === 'true' ? 'PASS' : compliant === 'false' ? 'FAIL' : 'UNKNOWN', failed };
}
