import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './stack';

/**
 * The `sh` blocks of the README and of docs/, each with what the line before it says about how
 * test/e2e/docs-commands.test.ts runs it:
 *
 *     <!-- docs-test: signature -->                 run once convention-59-lille-centre awaits its signatures
 *     <!-- docs-test: not run — Docker Compose -->  not run here, and why
 *
 * A run block starts from one of these stages of the README's example convention, prepared
 * through the API just before it: `any` (the stack as `npm start` leaves it), `none` (no such
 * convention), `draft`, `recruitment`, `signature` (version 1 rendered), `awaiting_start`.
 */

export const STAGES = ['any', 'none', 'draft', 'recruitment', 'signature', 'awaiting_start'] as const;
export type Stage = (typeof STAGES)[number];

export interface DocBlock {
  /** "docs/api.md:26": the line of the opening fence. */
  where: string;
  file: string;
  code: string;
  marker: { run: true; stage: Stage } | { run: false; reason: string } | null;
}

export function docFiles(): string[] {
  const docs = fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`);
  return ['README.md', ...docs];
}

export function docBlocks(): DocBlock[] {
  const blocks: DocBlock[] = [];
  for (const file of docFiles()) {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    for (const match of text.matchAll(/^```sh\n([\s\S]*?)^```$/gm)) {
      const line = text.slice(0, match.index).split('\n').length;
      const before = text.slice(0, match.index).trimEnd().split('\n');
      const comment = /^<!-- docs-test: (.*) -->$/.exec(before.at(-1)!.trim())?.[1]?.trim();
      let marker: DocBlock['marker'] = null;
      if (comment?.startsWith('not run')) {
        const reason = comment.replace(/^not run\s*(—|-|:)?\s*/, '');
        marker = { run: false, reason };
      } else if (comment && (STAGES as readonly string[]).includes(comment))
        marker = { run: true, stage: comment as Stage };
      blocks.push({ where: `${file}:${line}`, file, code: match[1]!, marker });
    }
  }
  return blocks;
}

/**
 * A block cut into its commands (continuation lines joined), each with the error the docs print
 * under it (`# Error: …` comment lines), if any.
 */
export function commandsOf(code: string): { command: string; error: string | null }[] {
  const out: { command: string; error: string | null }[] = [];
  let current = '';
  for (const line of code.split('\n')) {
    if (/^\s*#/.test(line) && !current) {
      const last = out.at(-1);
      const text = line.replace(/^\s*#\s?/, '').trim();
      if (last && (last.error !== null || text.startsWith('Error:')))
        last.error = last.error === null ? text : `${last.error} ${text}`;
      continue;
    }
    if (!line.trim() && !current) continue;
    current += `${line}\n`;
    if (!/\\$/.test(line)) {
      out.push({ command: current, error: null });
      current = '';
    }
  }
  if (current) out.push({ command: current, error: null });
  return out;
}
