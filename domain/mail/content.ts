import { departement } from '../calendar/departements';
import { FRENCH_MONTHS, formatFrenchDate, type CivilDate } from '../calendar/dates';
import type { ConventionContext } from '../lifecycle/context';
import { siteTitle } from '../lifecycle/view';

/** What every message says about its convention; the layout of each template shows it. */
export interface ConventionHeader {
  conventionId: string;
  title: string;
  departement: string;
}

export interface Fact {
  label: string;
  value: string;
}

export function conventionHeader(context: ConventionContext): ConventionHeader {
  const code = context.data.departement;
  return {
    conventionId: context.conventionId,
    title: siteTitle(context),
    departement: `${departement(code).name} (${code})`,
  };
}

/** "mars 2027" for '2027-03'. */
export function frenchMonth(yearMonth: string): string {
  const [year, month] = yearMonth.split('-');
  return `${FRENCH_MONTHS[Number(month) - 1] ?? month} ${year}`;
}

/** "de mars 2027", "d’avril 2027": the month with its preposition, elided before a vowel. */
export function ofFrenchMonth(yearMonth: string): string {
  const month = frenchMonth(yearMonth);
  return /^[aeiouyâéèêîôû]/i.test(month) ? `d’${month}` : `de ${month}`;
}

export function dated(date: CivilDate): { date: CivilDate; dateText: string } {
  return { date, dateText: formatFrenchDate(date) };
}

/** Characters a mail identity keeps; anything else becomes a dot (Message-ID local part, file name). */
export function mailId(key: string): string {
  return key.replace(/[^A-Za-z0-9.-]+/g, '.');
}

/** "20 000 €", "1 234,50 €": French grouping with a narrow no-break space, cents only when there are some. */
export function formatEuros(amount: number): string {
  const cents = Math.round(amount * 100);
  const whole = Math.trunc(Math.abs(cents) / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
  const rest = Math.abs(cents) % 100;
  return `${cents < 0 ? '-' : ''}${whole}${rest ? `,${String(rest).padStart(2, '0')}` : ''}\u00a0€`;
}

/** "9 h 30" for '09:30', "14 h" for '14:00'. */
export function frenchTime(time: string): string {
  const match = /^(\d{1,2}):(\d{2})$/.exec(time);
  if (!match) return time;
  const [, hours, minutes] = match;
  return `${Number(hours)} h${minutes === '00' ? '' : ` ${minutes}`}`;
}
