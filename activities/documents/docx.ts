import {
  AlignmentType,
  Document,
  Footer,
  FootnoteReferenceRun,
  HeadingLevel,
  LevelFormat,
  Packer,
  PageBreak,
  PageNumber,
  Paragraph,
  TextRun,
  type ParagraphChild,
} from 'docx';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { FONT_FAMILY } from './fonts';
import type { PdfMetadata } from './pdf';
import type { Block, ParsedDocument, Run } from './template';

/**
 * The same blocks as a DOCX file, for a legal review in a word processor: real headings, lists and
 * footnotes, the page footer with page numbers. The font is named, not embedded (the reviewer's
 * word processor substitutes it if missing). The `docx` package stamps the current time in the
 * file's properties and zip entries; both are set here to the document's own date, so the same
 * source gives the same bytes, like the PDF.
 */

function textRuns(runs: Run[]): ParagraphChild[] {
  return runs.flatMap((run): ParagraphChild[] => {
    if (run.note) return [new FootnoteReferenceRun(run.note)];
    if (!run.text) return [];
    return [new TextRun({ text: run.text, bold: run.bold, italics: run.italic })];
  });
}

function paragraphs(parsed: ParsedDocument): Paragraph[] {
  const out: Paragraph[] = [];
  let lists = 0;
  parsed.blocks.forEach((block: Block, index) => {
    switch (block.type) {
      case 'title':
        out.push(
          new Paragraph({
            heading: HeadingLevel.TITLE,
            alignment: AlignmentType.CENTER,
            children: textRuns(block.runs.map((r) => ({ ...r, text: r.text.toUpperCase() }))),
          }),
        );
        break;
      case 'heading':
        out.push(
          new Paragraph({ heading: HeadingLevel.HEADING_1, keepNext: true, children: textRuns(block.runs) }),
        );
        break;
      case 'paragraph': {
        const centered = parsed.blocks[index - 1]?.type === 'title';
        out.push(
          new Paragraph({
            alignment: centered ? AlignmentType.CENTER : AlignmentType.JUSTIFIED,
            spacing: { after: 120 },
            children: textRuns(centered ? block.runs.map((r) => ({ ...r, italic: true })) : block.runs),
          }),
        );
        break;
      }
      case 'list': {
        const instance = ++lists;
        for (const item of block.items)
          out.push(
            new Paragraph({
              numbering: { reference: block.ordered ? 'ordered' : 'bullet', level: 0, instance },
              alignment: AlignmentType.JUSTIFIED,
              spacing: { after: 60 },
              children: textRuns(item),
            }),
          );
        break;
      }
      case 'signature':
        out.push(
          new Paragraph({
            keepNext: true,
            keepLines: true,
            spacing: { before: 240 },
            children: textRuns(block.party.map((r) => ({ ...r, bold: true }))),
          }),
        );
        block.lines.forEach((line, i) =>
          out.push(
            new Paragraph({
              keepNext: i < block.lines.length - 1,
              spacing: { after: i === block.lines.length - 1 ? 720 : 60 },
              children: textRuns(line),
            }),
          ),
        );
        break;
      case 'fields':
        block.rows.forEach((row, i) =>
          out.push(
            new Paragraph({
              keepNext: i < block.rows.length - 1,
              spacing: { after: i === block.rows.length - 1 ? 240 : 40 },
              children: [
                new TextRun({ text: `${row.label} : `, bold: true }),
                new TextRun({ text: row.value }),
              ],
            }),
          ),
        );
        break;
      case 'pagebreak':
        out.push(new Paragraph({ children: [new PageBreak()] }));
        break;
      case 'directive':
        throw new Error(`directive [[${block.name}]] non résolue`);
    }
  });
  return out;
}

/** W3C date-time of the document's own date, for docProps/core.xml. */
function w3cDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Rewrites the package so that nothing in it depends on when or where it was made: the core
 * properties carry the document's date, every zip entry the same timestamp, entries in name order.
 */
function normalize(bytes: Uint8Array, date: Date): Buffer {
  const entries = unzipSync(bytes);
  const stamp = w3cDate(date);
  const core = entries['docProps/core.xml'];
  if (core)
    entries['docProps/core.xml'] = new TextEncoder().encode(
      new TextDecoder()
        .decode(core)
        .replace(/(<dcterms:created[^>]*>)[^<]*(<\/dcterms:created>)/, `$1${stamp}$2`)
        .replace(/(<dcterms:modified[^>]*>)[^<]*(<\/dcterms:modified>)/, `$1${stamp}$2`),
    );
  // A local-time Date built from fixed fields: the zip's DOS timestamp is then the same in every zone.
  const mtime = new Date(2000, 0, 1, 0, 0, 0);
  const sorted: Zippable = {};
  for (const name of Object.keys(entries).sort()) sorted[name] = [entries[name]!, { mtime, level: 6 }];
  return Buffer.from(zipSync(sorted));
}

export async function writeDocx(parsed: ParsedDocument, meta: PdfMetadata): Promise<Buffer> {
  const footnotes: Record<string, { children: Paragraph[] }> = {};
  for (const [number, runs] of parsed.notes)
    footnotes[String(number)] = { children: [new Paragraph({ children: textRuns(runs) })] };
  const document = new Document({
    creator: 'ISCG conventions',
    lastModifiedBy: 'ISCG conventions',
    title: meta.title,
    subject: meta.subject,
    keywords: meta.keywords,
    revision: 1,
    styles: {
      default: {
        document: { run: { font: FONT_FAMILY, size: 21 }, paragraph: { spacing: { line: 264 } } },
        title: { run: { font: FONT_FAMILY, size: 32, bold: true, color: '000000' } },
        heading1: {
          run: { font: FONT_FAMILY, size: 24, bold: true, color: '000000' },
          paragraph: { spacing: { before: 240, after: 120 } },
        },
      },
    },
    numbering: {
      config: [
        {
          reference: 'ordered',
          levels: [
            {
              level: 0,
              format: LevelFormat.DECIMAL,
              text: '%1.',
              alignment: AlignmentType.START,
              style: { paragraph: { indent: { left: 560, hanging: 360 } } },
            },
          ],
        },
        {
          reference: 'bullet',
          levels: [
            {
              level: 0,
              format: LevelFormat.BULLET,
              text: '–',
              alignment: AlignmentType.START,
              style: { paragraph: { indent: { left: 560, hanging: 360 } } },
            },
          ],
        },
      ],
    },
    footnotes,
    sections: [
      {
        properties: {
          page: {
            size: { width: 11906, height: 16838 },
            margin: { top: 1240, bottom: 1480, left: 1400, right: 1400 },
          },
        },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                children: [
                  new TextRun({ text: `${meta.footer} — page `, size: 16 }),
                  new TextRun({ children: [PageNumber.CURRENT], size: 16 }),
                  new TextRun({ text: ' / ', size: 16 }),
                  new TextRun({ children: [PageNumber.TOTAL_PAGES], size: 16 }),
                ],
              }),
            ],
          }),
        },
        children: paragraphs(parsed),
      },
    ],
  });
  return normalize(await Packer.toBuffer(document), meta.date);
}
