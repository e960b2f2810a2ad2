import { z } from 'zod';
import { FRENCH_MONTHS } from '../calendar/dates';

/**
 * Short labels and references: what the template needs written in words (a title, a place, a
 * reference number), and nothing more. Names cannot be told apart from titles, so they stay
 * masked where they are shown (security/redaction.ts); what can be told apart is refused where it
 * has no place: an email address, a phone number, a date (a date of birth above all). Dates have
 * their own fields, contacts their `contacts` list.
 */

const EMAIL = /[^\s@<>()]+@[^\s@<>()]+\.[A-Za-z]{2,}/;
/** French numbers (0X XX XX XX XX, +33 X..., 0033 X...) and any international number (+ and 8 digits or more). */
const PHONE =
  /(?<![\d+])(?:(?:\+|00)33[\s.-]?(?:\(0\)[\s.-]?)?[1-9]|0[1-9])(?:[\s.-]?\d{2}){4}(?!\d)|(?<![\w+])\+\d(?:[\s.-]?\d){7,14}(?!\d)/;
const MONTHS = FRENCH_MONTHS.map((m) => m.normalize('NFD').replace(/\p{M}/gu, '')).join('|');
const DAY_MONTH_YEAR = /(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?!\d)/;
const YEAR_MONTH_DAY = /(?<!\d)(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})(?!\d)/;
const WRITTEN_DATE = new RegExp(`(?<!\\d)\\d{1,2}(?:er)?\\s+(?:${MONTHS})\\s+\\d{4}(?!\\d)`, 'i');
const BIRTH_WORDS = /\bn[ée]e?\s+le\b|\bdate\s+de\s+naissance\b|\bDDN\b/i;

function plainLetters(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '');
}

function validDayMonth(day: number, month: number): boolean {
  return day >= 1 && day <= 31 && month >= 1 && month <= 12;
}

function looksLikeDate(text: string): boolean {
  const dmy = DAY_MONTH_YEAR.exec(text);
  if (dmy && validDayMonth(Number(dmy[1]), Number(dmy[2]))) return true;
  const ymd = YEAR_MONTH_DAY.exec(text);
  if (ymd && validDayMonth(Number(ymd[3]), Number(ymd[2]))) return true;
  return WRITTEN_DATE.test(plainLetters(text)) || BIRTH_WORDS.test(plainLetters(text));
}

/** What personal data a label seems to hold, in French, or null. */
export function personalDataIn(text: string): string | null {
  if (EMAIL.test(text)) return 'une adresse électronique';
  if (PHONE.test(text)) return 'un numéro de téléphone';
  if (looksLikeDate(text)) return 'une date (de naissance ou autre)';
  return null;
}

export const PERSONAL_DATA_RULE =
  'ni adresse électronique, ni numéro de téléphone, ni date: les contacts vont dans "contacts", les dates dans leurs champs';

/** The message of a refused label: what was seen, and the rule. */
export function personalDataMessage(found: string): string {
  return `donnée personnelle refusée (${found}): un libellé ne contient ${PERSONAL_DATA_RULE}`;
}

const refusePersonalData = (value: string, ctx: z.RefinementCtx) => {
  const found = personalDataIn(value);
  if (found) ctx.addIssue({ code: 'custom', message: personalDataMessage(found) });
};

/** A short label on one line: a title, an organisation, a place. */
export function labelSchema(max: number) {
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^[^\p{Cc}]*$/u, { message: 'une seule ligne, sans caractère de contrôle' })
    .superRefine(refusePersonalData);
}

/** The form of a reference number: letters and digits first. */
export function referenceShape(what: string) {
  return z
    .string()
    .trim()
    .min(1)
    .max(120)
    .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._/:#-]*$/u, {
      message: `${what}: référence attendue (lettres, chiffres, espaces et . _ / : # -)`,
    });
}

/** A reference number of a document, a letter, a payment: letters and digits first, nothing personal. */
export function referenceSchema(what: string) {
  return referenceShape(what).superRefine(refusePersonalData);
}
