import { z } from 'zod';
import { addDays, addYears, compareDates, formatFrenchDate } from '../calendar/dates';
import { personalDataIn, personalDataMessage } from './labels';
import { conventionDataSchema, slugSchema, type ConventionData, type PartyRole } from './schema';

/**
 * What a convention's data must satisfy when someone sends it today, beyond its shape: labels
 * without personal data, one party per role where the template has one, no reserved name as an
 * identifier, a term that ends after it starts and within its three years (art. 9). Data a
 * convention recorded under earlier rules is not judged again: an amendment is refused only for
 * the problems it brings (`newProblems`).
 */

export interface DataProblem {
  field: string;
  message: string;
}

/** The template names one State, one police, one gendarmerie, one département, one EPCI, one employer, one procureur. */
export const SINGLE_PARTY_ROLES: readonly PartyRole[] = [
  'etat',
  'police',
  'gendarmerie',
  'conseil-departemental',
  'epci',
  'association',
  'procureur',
];

/** Names every JavaScript object inherits, or that JSON Merge Patch skips: never an identifier. */
export const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const FIRST_YEAR = 2000;
const LAST_YEAR = 2099;

function labelProblems(data: ConventionData): DataProblem[] {
  const labels: [string, string | undefined][] = [];
  for (const [id, party] of Object.entries(data.parties)) {
    labels.push([`parties.${id}.organisation`, party.organisation]);
    labels.push([`parties.${id}.representative.title`, party.representative.title]);
    labels.push([`parties.${id}.representative.name`, party.representative.name]);
    party.contacts.forEach((c, i) => labels.push([`parties.${id}.contacts.${i}.label`, c.label]));
  }
  labels.push(['site.commissariat', data.site?.commissariat]);
  labels.push(['site.gendarmerieUnit', data.site?.gendarmerieUnit]);
  (data.functionalAuthorities ?? []).forEach((a, i) =>
    labels.push([`functionalAuthorities.${i}.title`, a.title]),
  );
  labels.push(['hierarchicalAuthority.title', data.hierarchicalAuthority?.title]);
  (data.followUpCommittee ?? []).forEach((m, i) => labels.push([`followUpCommittee.${i}.title`, m.title]));
  labels.push(['jobDescriptionRef', data.jobDescriptionRef]);
  const problems: DataProblem[] = [];
  for (const [field, value] of labels) {
    const found = value === undefined ? null : personalDataIn(value);
    if (found) problems.push({ field, message: personalDataMessage(found) });
  }
  return problems;
}

function roleProblems(data: ConventionData): DataProblem[] {
  const problems: DataProblem[] = [];
  for (const role of SINGLE_PARTY_ROLES) {
    const holders = Object.keys(data.parties).filter((id) => data.parties[id]!.role === role);
    if (holders.length > 1)
      problems.push({
        field: `parties.${holders[1]}.role`,
        message: `une seule partie de rôle "${role}" (déjà tenu par "${holders[0]}"): le modèle de convention n’en prévoit qu’une, et une clé liée à ce rôle doit savoir pour qui elle agit`,
      });
  }
  return problems;
}

function reservedProblems(data: ConventionData): DataProblem[] {
  const problems: DataProblem[] = [];
  for (const id of Object.keys(data.parties))
    if (RESERVED_KEYS.has(id))
      problems.push({
        field: `parties.${id}`,
        message: `"${id}" est un nom réservé: choisissez un autre identifiant`,
      });
  for (const id of Object.keys(data.financing?.coFinancers ?? {}))
    if (RESERVED_KEYS.has(id))
      problems.push({
        field: `financing.coFinancers.${id}`,
        message: `"${id}" est un nom réservé: choisissez un autre identifiant`,
      });
  return problems;
}

function dateProblems(data: ConventionData): DataProblem[] {
  const problems: DataProblem[] = [];
  for (const field of ['startDate', 'endDate'] as const) {
    const date = data[field];
    const year = date ? Number(date.slice(0, 4)) : null;
    if (year !== null && (year < FIRST_YEAR || year > LAST_YEAR))
      problems.push({ field, message: `année ${year} hors des années ${FIRST_YEAR} à ${LAST_YEAR}` });
  }
  if (problems.length > 0 || !data.startDate || !data.endDate) return problems;
  const latest = addDays(addYears(data.startDate, 3), -1);
  if (compareDates(data.endDate, data.startDate) <= 0)
    problems.push({
      field: 'endDate',
      message: `la convention prend fin après son début (${formatFrenchDate(data.startDate)})`,
    });
  else if (compareDates(data.endDate, latest) > 0)
    problems.push({
      field: 'endDate',
      message: `la convention est conclue pour trois ans (art. 9): au plus tard le ${formatFrenchDate(latest)}; au-delà, elle est reconduite`,
    });
  return problems;
}

export function conventionDataProblems(data: ConventionData): DataProblem[] {
  return [...reservedProblems(data), ...roleProblems(data), ...dateProblems(data), ...labelProblems(data)];
}

/** The problems `next` has that `current` did not: what an amendment would bring. */
export function newProblems(current: ConventionData, next: ConventionData): DataProblem[] {
  const known = new Set(conventionDataProblems(current).map((p) => `${p.field}\u0000${p.message}`));
  return conventionDataProblems(next).filter((p) => !known.has(`${p.field}\u0000${p.message}`));
}

/** The first reserved name used as a key anywhere in a patch, as a dotted path. */
export function reservedKeyPath(patch: unknown): string | null {
  const stack: [unknown, string][] = [[patch, '']];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    for (const key of Object.keys(value)) {
      const inner = path ? `${path}.${key}` : key;
      if (RESERVED_KEYS.has(key)) return inner;
      stack.push([(value as Record<string, unknown>)[key], inner]);
    }
  }
  return null;
}

/** The data of a convention as sent today (API, CLI, typed client): its shape and the rules above. */
export const conventionDataInputSchema = conventionDataSchema.superRefine((data, ctx) => {
  for (const problem of conventionDataProblems(data))
    ctx.addIssue({ code: 'custom', path: problem.field.split('.'), message: problem.message });
});

export const conventionCreateInputSchema = z
  .object({
    slug: slugSchema.describe('Nom court du site, unique dans le département (ex. "lille-centre")'),
    data: conventionDataInputSchema,
  })
  .strict();
