import * as fs from 'node:fs';
import { createHash } from 'node:crypto';
import { create as parseFont, type Font } from 'fontkit';

/**
 * The documents' typeface: Source Serif 4 (SIL Open Font License), from the npm package
 * `@expo-google-fonts/source-serif-4`, pinned in package.json. Every machine embeds the same font
 * files, so the same version renders the same bytes; the host's fonts are never used.
 */
export type FontStyle = 'regular' | 'italic' | 'bold' | 'bold-italic';

const PACKAGE = '@expo-google-fonts/source-serif-4';

export const FONT_FILES: Record<FontStyle, string> = {
  regular: require.resolve(`${PACKAGE}/400Regular/SourceSerif4_400Regular.ttf`),
  italic: require.resolve(`${PACKAGE}/400Regular_Italic/SourceSerif4_400Regular_Italic.ttf`),
  bold: require.resolve(`${PACKAGE}/600SemiBold/SourceSerif4_600SemiBold.ttf`),
  'bold-italic': require.resolve(`${PACKAGE}/600SemiBold_Italic/SourceSerif4_600SemiBold_Italic.ttf`),
};

export const FONT_FAMILY = 'Source Serif 4';

let parsed: Record<FontStyle, Font> | null = null;

/**
 * The four fonts, parsed once per process. Given a file, pdfkit parses it again for every document;
 * a parsed font keeps its tables and glyphs from one document to the next, which takes a third
 * off a PDF's rendering, and writes the same bytes (test/documents checks the hashes).
 */
export function parsedFonts(): Record<FontStyle, Font> {
  parsed ??= Object.fromEntries(
    (Object.keys(FONT_FILES) as FontStyle[]).map((style) => [
      style,
      parseFont(fs.readFileSync(FONT_FILES[style])) as Font,
    ]),
  ) as Record<FontStyle, Font>;
  return parsed;
}

/** SHA-256 of the four font files, part of the renderer's revision. */
export function fontsDigest(): string {
  const hash = createHash('sha256');
  for (const style of Object.keys(FONT_FILES).sort() as FontStyle[])
    hash.update(fs.readFileSync(FONT_FILES[style]));
  return hash.digest('hex');
}
