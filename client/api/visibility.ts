import { searchAttributes } from '../../domain/temporal-contract';
import type { ListQuery } from './schemas';

/**
 * Builds the Temporal visibility query of a listing. Every value is either from a closed list
 * (phase, département, dates checked by their schema) or a quoted string literal escaped here, so a
 * filter can never change the shape of the query.
 */

/** A visibility string literal: single quotes, with backslashes and quotes escaped. */
export function quoteLiteral(value: string): string {
  // Control characters have no place in a filter value; refusing them keeps the literal on one line.
  if (/\p{Cc}/u.test(value)) throw new Error('caractère de contrôle dans une valeur de filtre');
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function inList(name: string, values: string[]): string {
  return `${name} IN (${values.map(quoteLiteral).join(', ')})`;
}

export interface ListScope {
  departements: string[] | null;
  conventionIds: string[] | null;
  /** A role key: conventions where a party holds it (or that have not published their roles yet). */
  role?: string | null;
}

export function visibilityQuery(query: Partial<ListQuery>, scope: ListScope): string {
  const clauses: string[] = [];
  const sa = searchAttributes;
  if (scope.departements) clauses.push(inList(sa.departement.name, scope.departements));
  if (scope.conventionIds) clauses.push(inList('WorkflowId', scope.conventionIds));
  // A convention started before IscgPartyRoles existed has none until its next change: the API
  // then reads its parties to decide (conventionRoutes).
  if (scope.role)
    clauses.push(`(${sa.partyRoles.name} = ${quoteLiteral(scope.role)} OR ${sa.partyRoles.name} IS NULL)`);
  if (query.phase) clauses.push(`${sa.phase.name} = ${quoteLiteral(query.phase)}`);
  if (query.departement) clauses.push(`${sa.departement.name} = ${quoteLiteral(query.departement)}`);
  if (query.employer) clauses.push(`${sa.employer.name} = ${quoteLiteral(query.employer)}`);
  if (query.site) clauses.push(`${sa.site.name} = ${quoteLiteral(query.site)}`);
  if (query.deadlineKind) clauses.push(`${sa.nextDeadlineKind.name} = ${quoteLiteral(query.deadlineKind)}`);
  // Deadlines are stored as midnight UTC of their civil date: inclusive bounds on that instant.
  if (query.deadlineBefore)
    clauses.push(`${sa.nextDeadline.name} <= ${quoteLiteral(`${query.deadlineBefore}T00:00:00Z`)}`);
  if (query.deadlineAfter)
    clauses.push(`${sa.nextDeadline.name} >= ${quoteLiteral(`${query.deadlineAfter}T00:00:00Z`)}`);
  if (query.suspended !== undefined)
    clauses.push(`${sa.suspended.name} = ${query.suspended ? 'true' : 'false'}`);
  return clauses.join(' AND ');
}
