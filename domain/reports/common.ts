import { addMonths, localDate, yearMonthOf, type CivilDate, type YearMonth } from '../calendar/dates';
import type { DepartementCode } from '../calendar/departements';
import type { PartyRole } from '../convention/schema';
import type { LedgerItem } from '../lifecycle/context';
import { labelledValues } from '../labels';
import type { ConventionFacts } from './facts';

/** Who pays a line: the State, each kind of co-financer (by its role), or the employer (salaries). */
export const { values: PAYER_KINDS, labels: PAYER_LABELS } = labelledValues({
  etat: 'État',
  'conseil-departemental': 'Conseil départemental',
  epci: 'EPCI',
  commune: 'Communes',
  association: 'Associations',
  autre: 'Autres cofinanceurs',
  employeur: 'Employeur (salaires)',
});
export type PayerKind = (typeof PAYER_KINDS)[number];

const CO_FINANCER_KINDS: Partial<Record<PartyRole, PayerKind>> = {
  'conseil-departemental': 'conseil-departemental',
  epci: 'epci',
  commune: 'commune',
  association: 'association',
};

export function payerKind(item: LedgerItem, facts: Pick<ConventionFacts, 'parties'>): PayerKind {
  if (item.kind === 'salary') return 'employeur';
  if (item.kind === 'state-participation') return 'etat';
  const role = facts.parties[item.payerPartyId]?.role;
  return (role && CO_FINANCER_KINDS[role]) ?? 'autre';
}

/** Salaries are counted in months: the convention fixes the day the employer pays, not the amount. */
export function countsInEuros(kind: PayerKind): boolean {
  return kind !== 'employeur';
}

/** A row's place: a département, or the whole scope of the report (`null`). */
export interface Place {
  code: DepartementCode | null;
  name: string;
}

export const NATIONAL: Place = { code: null, name: 'Ensemble' };

export function placeOf(facts: ConventionFacts): Place {
  return { code: facts.departement.code, name: facts.departement.name };
}

/** Départements in INSEE order ("2A" and "2B" between 19 and 21), then the whole. */
export function comparePlaces(a: Place, b: Place): number {
  if (a.code === b.code) return 0;
  if (a.code === null) return 1;
  if (b.code === null) return -1;
  return sortKey(a.code).localeCompare(sortKey(b.code));
}

function sortKey(code: string): string {
  return code.replace(/^2A$/, '20A').replace(/^2B$/, '20B').padStart(3, '0');
}

/** What a report covers: every convention it read, so that a reader (or a test) sees its scope. */
export interface ReportScope {
  conventions: number;
  conventionIds: string[];
}

export function scopeOf(facts: ConventionFacts[]): ReportScope {
  return { conventions: facts.length, conventionIds: facts.map((f) => f.conventionId).sort() };
}

/** The day it is in a convention's département at `now`: its lines are late from the day after. */
export function todayOf(facts: Pick<ConventionFacts, 'departement'>, now: number): CivilDate {
  return localDate(now, facts.departement.code);
}

/** Today in metropolitan France: where a national report's months and weeks begin. */
export function nationalToday(now: number): CivilDate {
  return localDate(now, '75');
}

export function monthsFrom(first: YearMonth, count: number): YearMonth[] {
  return Array.from({ length: count }, (_, i) => yearMonthOf(addMonths(`${first}-01`, i)));
}

export function yearOf(date: CivilDate): number {
  return Number(date.slice(0, 4));
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
