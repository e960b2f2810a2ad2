import { FRENCH_MONTHS, type CivilDate } from '../../domain/calendar/dates';
import { formatEuros } from '../../domain/mail/content';

/**
 * French typography for the documents, applied to every run of text (template and data alike):
 * - a no-break space (U+00A0) before « : », after « « » and before « » », and before « € »;
 * - a narrow no-break space (U+202F) before « ; », « ! », « ? » and between groups of digits
 *   (« 20 000 € »), as the Imprimerie nationale writes them and as the emails already do;
 * - typographic apostrophe « ’ ».
 */
export const NBSP = '\u00a0';
export const NNBSP = '\u202f';

export function frenchTypography(text: string): string {
  return (
    text
      .replace(/'/g, '’')
      .replace(/«[ \u00a0\u202f]*/g, `«${NBSP}`)
      .replace(/[ \u00a0\u202f]*»/g, `${NBSP}»`)
      // A colon, semicolon, exclamation or question mark that ends a word (not "10:00", "https://").
      .replace(/(\S)[ \u00a0\u202f]*:(?=\s|$)/g, `$1${NBSP}:`)
      .replace(/(\S)[ \u00a0\u202f]*([;!?])(?=\s|$|»|\))/g, `$1${NNBSP}$2`)
  );
}

/** "1er mars 2027", "15 juin 2030": the day, the month in words, the year (no weekday in a contract). */
export function legalDate(date: CivilDate): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return `${day === 1 ? '1er' : day}${NBSP}${FRENCH_MONTHS[month - 1]!} ${year}`;
}

export const euros = formatEuros;

/** "1 234": digits grouped by three with a narrow no-break space. */
export function integer(value: number): string {
  return Math.trunc(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, NNBSP);
}

/** "le 1er", "le 28": the salary day of the month. */
export function dayOfMonth(day: number): string {
  return day === 1 ? '1er' : String(day);
}

const FEMININE_NOUNS = new Set([
  'brigade',
  'unité',
  'compagnie',
  'communauté',
  'circonscription',
  'direction',
  'division',
  'antenne',
  'maison',
  'station',
  'caserne',
  'préfecture',
  'ville',
  'commune',
  'association',
  'métropole',
  'fondation',
]);

const startsWithVowel = (word: string) => /^[aàâeéèêëiîïoôuùûyh]/i.test(word);

/**
 * "du commissariat de Lille", "de la brigade de Seclin", "de l’hôtel de police": a place named
 * without its article, after "de". A label that already starts with an article keeps it.
 */
export function ofPlace(label: string): string {
  const trimmed = label.trim();
  if (/^(le|la|les|l['’])\s*/i.test(trimmed)) {
    if (/^le\s/i.test(trimmed)) return `du ${trimmed.slice(3)}`;
    if (/^les\s/i.test(trimmed)) return `des ${trimmed.slice(4)}`;
    return `de ${trimmed}`;
  }
  const first = trimmed.split(/\s+/)[0]!.toLowerCase();
  if (startsWithVowel(first)) return `de l’${trimmed}`;
  return FEMININE_NOUNS.has(first) ? `de la ${trimmed}` : `du ${trimmed}`;
}

/** "le commissariat de Lille", "la brigade de Seclin", "l’hôtel de police": a place with its article. */
export function thePlace(label: string): string {
  const of = ofPlace(label);
  if (of.startsWith('du ')) return `le ${of.slice(3)}`;
  if (of.startsWith('des ')) return `les ${of.slice(4)}`;
  return of.replace(/^de /, '');
}

const FEMININE_TITLES = new Set([
  'préfète',
  'directrice',
  'présidente',
  'procureure',
  'commandante',
  'cheffe',
  'secrétaire',
  'sous-préfète',
  'colonelle',
  'générale',
  'vice-présidente',
  'adjointe',
  'conseillère',
  'déléguée',
]);

/**
 * How a representative is named in the text: "Jeanne Martin, préfète du Nord" when the name is
 * known, else the title with its article ("le préfet du Nord", "la directrice de l’association").
 * A title already written with its article (or "M.", "Mme") is kept as written.
 */
export function representative(title: string, name?: string | null): string {
  const t = title.trim();
  if (name) return `${name.trim()}, ${lowerFirst(t)}`;
  if (/^(le|la|les|l['’]|m\.|mme|monsieur|madame)\s*/i.test(t)) return lowerFirst(t);
  const first = t.split(/\s+/)[0]!.toLowerCase();
  if (startsWithVowel(first)) return `l’${lowerFirst(t)}`;
  return `${FEMININE_TITLES.has(first) ? 'la' : 'le'} ${lowerFirst(t)}`;
}

/** Lower-cases the first letter unless the word is an acronym or a proper noun written in capitals. */
export function lowerFirst(text: string): string {
  const first = text.split(/\s+/)[0] ?? '';
  if (first.length > 1 && first === first.toUpperCase()) return text;
  return text.charAt(0).toLowerCase() + text.slice(1);
}

export function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "A", "A et B", "A, B et C". */
export function frenchList(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} et ${items[items.length - 1]!}`;
}

/**
 * Escapes a value for the Markdown template, so that data never turns into formatting: every
 * ASCII punctuation character may be backslash-escaped in CommonMark.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~^]/g, '\\$&').replace(/\s*\n\s*/g, ' ');
}
