import PDFDocument from 'pdfkit';
import type { Block, ParsedDocument, Run } from './template';
import { parsedFonts, type FontStyle } from './fonts';

/**
 * Lays out a document's blocks as a tagged PDF/A-2a file with pdfkit: fonts embedded (subsets of
 * the fonts shipped with the project, never the host's), a structure tree (title, headings,
 * paragraphs, lists, notes) and the page footers marked as artifacts, so a screen reader follows
 * the text. Every byte depends only on the blocks and the metadata: the creation date is the
 * document's own date, and the file identifier is derived from the metadata by pdfkit.
 */

export interface PdfMetadata {
  title: string;
  subject: string;
  keywords: string;
  /** The document's own date (its term's start): CreationDate, XMP date and file id derive from it. */
  date: Date;
  /** Left part of every page's footer. */
  footer: string;
}

const PAGE = { size: 'A4' as const, margins: { top: 62, bottom: 74, left: 70, right: 70 } };
const BODY = 10.5;
const SMALL = 8.5;
const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';

function superscript(n: number): string {
  return String(n)
    .split('')
    .map((d) => SUPERSCRIPT[Number(d)]!)
    .join('');
}

/** XMP is written by pdfkit without escaping: keep markup characters out of the metadata. */
function xmpSafe(text: string): string {
  return text.replace(/&/g, 'et').replace(/[<>]/g, '');
}

function fontOf(run: Pick<Run, 'bold' | 'italic'>): FontStyle {
  if (run.bold && run.italic) return 'bold-italic';
  if (run.bold) return 'bold';
  if (run.italic) return 'italic';
  return 'regular';
}

const PDFUA_XMP = `
        <rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
            <pdfuaid:part>1</pdfuaid:part>
        </rdf:Description>
        <rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
            <pdfaExtension:schemas>
                <rdf:Bag>
                    <rdf:li rdf:parseType="Resource">
                        <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
                        <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
                        <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
                        <pdfaSchema:property>
                            <rdf:Seq>
                                <rdf:li rdf:parseType="Resource">
                                    <pdfaProperty:name>part</pdfaProperty:name>
                                    <pdfaProperty:valueType>Integer</pdfaProperty:valueType>
                                    <pdfaProperty:category>internal</pdfaProperty:category>
                                    <pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>
                                </rdf:li>
                            </rdf:Seq>
                        </pdfaSchema:property>
                    </rdf:li>
                </rdf:Bag>
            </pdfaExtension:schemas>
        </rdf:Description>`;

type Doc = InstanceType<typeof PDFDocument>;
type Struct = ReturnType<Doc['struct']>;

export async function writePdf(
  parsed: ParsedDocument,
  meta: PdfMetadata,
): Promise<{ bytes: Buffer; pages: number }> {
  const doc = new PDFDocument({
    ...PAGE,
    bufferPages: true,
    autoFirstPage: true,
    pdfVersion: '1.7',
    subset: 'PDF/A-2a',
    tagged: true,
    lang: 'fr-FR',
    displayTitle: true,
    info: {
      Title: xmpSafe(meta.title),
      Subject: xmpSafe(meta.subject),
      Keywords: xmpSafe(meta.keywords),
      Author: 'ISCG conventions',
      Creator: 'ISCG conventions',
      Producer: 'ISCG conventions (pdfkit)',
      CreationDate: meta.date,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  // pdfkit takes a parsed font as well as a file (its typings list the file forms only).
  for (const [style, font] of Object.entries(parsedFonts()))
    doc.registerFont(style, font as unknown as Buffer);
  doc.font('regular').fontSize(BODY);

  const root = doc.struct('Document');
  doc.addStructure(root);
  const width = doc.page.width - PAGE.margins.left - PAGE.margins.right;
  const left = PAGE.margins.left;
  const bottom = () => doc.page.height - PAGE.margins.bottom;

  const runsText = (runs: Run[], options: PDFKit.Mixins.TextOptions) => {
    const pieces = runs
      .map((run) => ({ font: fontOf(run), text: run.note ? superscript(run.note) : run.text }))
      .filter((p) => p.text.length > 0);
    pieces.forEach((piece, i) => {
      doc.font(piece.font).text(piece.text, { ...options, continued: i < pieces.length - 1 });
    });
  };

  const ensureRoom = (height: number) => {
    if (doc.y + height > bottom()) doc.addPage();
  };

  const add = (type: string, draw: () => void, id?: string): Struct => {
    const element = doc.struct(type, {}, [draw]);
    // PDF/UA: a Note carries an identifier; set before the element is attached and written.
    if (id)
      (element as unknown as { dictionary: { data: Record<string, unknown> } }).dictionary.data.ID =
        new String(id);
    root.add(element);
    return element;
  };

  const notesOfSection: number[] = [];
  const flushNotes = () => {
    if (notesOfSection.length === 0) return;
    ensureRoom(40);
    doc.moveDown(0.3);
    doc.markContent('Artifact', { type: 'Layout' });
    doc
      .moveTo(left, doc.y)
      .lineTo(left + 120, doc.y)
      .lineWidth(0.5)
      .stroke('#555555');
    doc.endMarkedContent();
    doc.moveDown(0.4);
    for (const number of notesOfSection.splice(0)) {
      const runs = parsed.notes.get(number) ?? [];
      add(
        'Note',
        () => {
          doc.fontSize(SMALL);
          runsText([{ text: `${superscript(number)} ` }, ...runs], { width, align: 'left', paragraphGap: 3 });
          doc.fontSize(BODY);
        },
        `note-${number}`,
      );
    }
    doc.moveDown(0.5);
  };

  const blocks = parsed.blocks;
  blocks.forEach((block: Block, index) => {
    switch (block.type) {
      case 'title':
        add('H1', () => {
          doc.fontSize(16);
          runsText(
            block.runs.map((r) => ({ ...r, text: r.text.toUpperCase(), bold: true })),
            { width, align: 'center', paragraphGap: 6 },
          );
          doc.fontSize(BODY);
        });
        break;
      case 'heading':
        flushNotes();
        ensureRoom(60);
        doc.moveDown(0.6);
        add('H2', () => {
          doc.fontSize(12);
          runsText(
            block.runs.map((r) => ({ ...r, bold: true })),
            { width, align: 'left', paragraphGap: 5 },
          );
          doc.fontSize(BODY);
        });
        break;
      case 'paragraph': {
        const centered = blocks[index - 1]?.type === 'title';
        for (const run of block.runs) if (run.note) notesOfSection.push(run.note);
        add('P', () => {
          runsText(centered ? block.runs.map((r) => ({ ...r, italic: true })) : block.runs, {
            width,
            align: centered ? 'center' : 'justify',
            paragraphGap: centered ? 14 : 6,
            lineGap: 1.5,
          });
        });
        break;
      }
      case 'list': {
        const list = doc.struct('L');
        root.add(list);
        block.items.forEach((item, i) => {
          const label = block.ordered ? `${i + 1}.` : '–';
          const li = doc.struct('LI');
          list.add(li);
          ensureRoom(24);
          const y = doc.y;
          li.add(
            doc.struct('Lbl', {}, [
              () => {
                doc.font('regular').text(label, left + 8, y, { width: 18, lineBreak: false });
              },
            ]),
          );
          li.add(
            doc.struct('LBody', {}, [
              () => {
                doc.x = left + 28;
                doc.y = y;
                runsText(item, { width: width - 28, align: 'justify', paragraphGap: 3, lineGap: 1.5 });
                doc.x = left;
              },
            ]),
          );
          li.end();
        });
        list.end();
        doc.moveDown(0.3);
        break;
      }
      case 'signature': {
        const height = 62 + block.lines.length * 14;
        ensureRoom(height);
        const top = doc.y;
        add('Div', () => {
          runsText(
            block.party.map((r) => ({ ...r, bold: true })),
            { width, paragraphGap: 2 },
          );
          for (const line of block.lines) runsText(line, { width, paragraphGap: 2 });
        });
        doc.y = Math.max(doc.y, top + height - 8);
        break;
      }
      case 'fields': {
        ensureRoom(16 * block.rows.length + 16);
        const sect = doc.struct('Div');
        root.add(sect);
        for (const row of block.rows) {
          const y = doc.y;
          sect.add(
            doc.struct('P', {}, [
              () => {
                doc.font('bold').fontSize(9).text(`${row.label}`, left, y, { width: 150 });
                const labelEnd = doc.y;
                doc
                  .font('regular')
                  .fontSize(9)
                  .text(row.value, left + 156, y, { width: width - 156 });
                doc.y = Math.max(doc.y, labelEnd) + 2;
                doc.x = left;
              },
            ]),
          );
        }
        sect.end();
        doc.fontSize(BODY);
        doc.moveDown(0.8);
        break;
      }
      case 'pagebreak':
        flushNotes();
        doc.addPage();
        break;
      case 'directive':
        throw new Error(`directive [[${block.name}]] non résolue`);
    }
  });
  flushNotes();
  root.end();

  // Footers once every page exists, as artifacts: "… — page 2 / 9".
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const saved = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.markContent('Artifact', { type: 'Pagination' });
    const y = doc.page.height - 44;
    doc.font('regular').fontSize(8).fillColor('#444444');
    doc.text(meta.footer, left, y, { width: width - 76, height: 10, ellipsis: true });
    doc.text(`page ${i + 1} / ${range.count}`, left + width - 70, y, {
      width: 70,
      align: 'right',
      lineBreak: false,
    });
    doc.fillColor('black');
    doc.endMarkedContent();
    doc.page.margins.bottom = saved;
  }
  // PDF/UA-1 identification, with the extension schema PDF/A requires for a namespace it does not know.
  (doc as unknown as { appendXML(xml: string): void }).appendXML(PDFUA_XMP);
  doc.end();
  await ended;
  return { bytes: Buffer.concat(chunks), pages: range.count };
}
