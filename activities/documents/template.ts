import * as fs from 'node:fs';
import * as path from 'node:path';
import Handlebars from 'handlebars';
import MarkdownIt from 'markdown-it';
import footnote from 'markdown-it-footnote';
import YAML from 'yaml';
import { templatesFolder } from '../templates-folder';
import { frenchTypography } from './typography';

/**
 * The document templates: one Markdown file per document, with a YAML header for its labels and
 * Handlebars blanks filled from the convention's data. This module reads a template and turns the
 * filled text into blocks that the PDF and DOCX writers lay out the same way.
 */

export interface Run {
  text: string;
  bold?: boolean;
  italic?: boolean;
  /** A footnote reference: the note's number. */
  note?: number;
}

export type Block =
  | { type: 'title'; runs: Run[] }
  | { type: 'heading'; runs: Run[] }
  | { type: 'paragraph'; runs: Run[] }
  | { type: 'list'; ordered: boolean; items: Run[][] }
  /** A line of the template such as `[[signatures]]`: the renderer puts generated blocks there. */
  | { type: 'directive'; name: string }
  /** One signatory's block: who signs, then room for the date and the signature; never split. */
  | { type: 'signature'; party: Run[]; lines: Run[][] }
  /** Label and value pairs kept together (a signature on the certificate page). */
  | { type: 'fields'; rows: { label: string; value: string; mono?: boolean }[] }
  | { type: 'pagebreak' };

export interface ParsedDocument {
  blocks: Block[];
  /** Footnotes by number; the PDF prints them after the section that cites them, the DOCX as footnotes. */
  notes: Map<number, Run[]>;
}

export interface Template<Front> {
  name: string;
  front: Front;
  /** The file's text, for the renderer's revision. */
  text: string;
  fill(model: object): ParsedDocument;
}

/** Beside this file in the source tree, or the source folder from a compiled tree. */
export function defaultDocumentTemplatesDir(): string {
  return templatesFolder(__dirname, 'documents');
}

const markdown = new MarkdownIt('commonmark', { html: false, typographer: false }).use(footnote);

type Token = ReturnType<typeof markdown.parse>[number];

function inlineRuns(token: Token | undefined): Run[] {
  const runs: Run[] = [];
  let bold = false;
  let italic = false;
  for (const child of token?.children ?? []) {
    switch (child.type) {
      case 'text':
      case 'code_inline':
        runs.push({
          text: frenchTypography(child.content),
          ...(bold ? { bold } : {}),
          ...(italic ? { italic } : {}),
        });
        break;
      case 'softbreak':
      case 'hardbreak':
        runs.push({ text: ' ' });
        break;
      case 'strong_open':
        bold = true;
        break;
      case 'strong_close':
        bold = false;
        break;
      case 'em_open':
        italic = true;
        break;
      case 'em_close':
        italic = false;
        break;
      case 'footnote_ref':
        runs.push({ text: '', note: (child.meta as { id: number }).id + 1 });
        break;
    }
  }
  // Adjacent runs of the same style are one run: fewer text objects, same text.
  return runs.reduce<Run[]>((merged, run) => {
    const last = merged[merged.length - 1];
    if (last && !last.note && !run.note && !!last.bold === !!run.bold && !!last.italic === !!run.italic)
      last.text += run.text;
    else merged.push({ ...run });
    return merged;
  }, []);
}

const DIRECTIVE = /^\[\[([a-z-]+)\]\]$/;

/** Blocks from Markdown: headings, paragraphs, lists, footnotes; nothing else is used by the templates. */
export function parseBlocks(text: string): ParsedDocument {
  const tokens = markdown.parse(text, {});
  const blocks: Block[] = [];
  const notes = new Map<number, Run[]>();
  let list: { ordered: boolean; items: Run[][] } | null = null;
  let note: number | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    switch (token.type) {
      case 'heading_open':
        blocks.push({ type: token.tag === 'h1' ? 'title' : 'heading', runs: inlineRuns(tokens[i + 1]) });
        break;
      case 'bullet_list_open':
      case 'ordered_list_open':
        list = { ordered: token.type === 'ordered_list_open', items: [] };
        break;
      case 'bullet_list_close':
      case 'ordered_list_close':
        if (list) blocks.push({ type: 'list', ...list });
        list = null;
        break;
      case 'footnote_open':
        note = (token.meta as { id: number }).id + 1;
        break;
      case 'footnote_close':
        note = null;
        break;
      case 'paragraph_open': {
        const inline = tokens[i + 1];
        const runs = inlineRuns(inline);
        const directive = DIRECTIVE.exec(inline?.content.trim() ?? '');
        if (note !== null) notes.set(note, [...(notes.get(note) ?? []), ...runs]);
        else if (list) list.items.push(runs);
        else if (directive) blocks.push({ type: 'directive', name: directive[1]! });
        else blocks.push({ type: 'paragraph', runs });
        break;
      }
    }
  }
  return { blocks, notes };
}

/** Reads `<name>.md`: its YAML header, then its body compiled once with Handlebars (no HTML escaping). */
export function loadTemplate<Front>(name: string, dir = defaultDocumentTemplatesDir()): Template<Front> {
  const file = path.join(dir, `${name}.md`);
  const text = fs.readFileSync(file, 'utf8');
  const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text);
  if (!match) throw new Error(`${file}: en-tête YAML attendu entre deux lignes ---`);
  const front = YAML.parse(match[1]!) as Front;
  const env = Handlebars.create();
  const body = env.compile(match[2]!, { noEscape: true, strict: false });
  return {
    name,
    front,
    text,
    fill: (model) => parseBlocks(body({ ...front, ...model })),
  };
}
