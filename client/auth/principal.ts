import { DEPARTEMENT_CODES } from '../../domain/calendar/departements';
import type { PartyRole } from '../../domain/convention/schema';
import type { Actor } from '../../domain/lifecycle/events';
import type { ApiKey, Grant } from './keys';

/**
 * Who is calling, once the bearer token is checked, and what that lets them reach. Reach is decided
 * here (département, convention); each act is then checked by the convention itself, so raw
 * Temporal callers meet the same rules.
 */
export interface Principal {
  keyId: string;
  label: string | null;
  grant: Grant;
}

export function principalFromKey(key: ApiKey): Principal {
  return { keyId: key.id, label: key.label ?? null, grant: key.actsAs };
}

/** The actor the convention sees: the key's binding, with the key id as the client's name. */
export function actorOf(principal: Principal): Actor {
  const grant = principal.grant;
  switch (grant.kind) {
    case 'operator':
      return { kind: 'operator', client: principal.keyId };
    case 'party-role':
      return { kind: 'party-role', role: grant.role, client: principal.keyId };
    case 'party':
      return { kind: 'party', partyId: grant.partyId, client: principal.keyId };
  }
}

const LOWER_CODES = new Map(DEPARTEMENT_CODES.map((code) => [code.toLowerCase(), code]));

/** The département a convention id names (`convention-<département>-<slug>`), or null if malformed. */
export function departementOfConventionId(conventionId: string): string | null {
  const match = /^convention-([0-9a-z]{2,3})-[a-z0-9]+(?:-[a-z0-9]+)*$/.exec(conventionId);
  if (!match) return null;
  // Three digits first: "971" is a département, "97" is not, so the split is never ambiguous.
  const code = match[1]!;
  return LOWER_CODES.get(code) ?? null;
}

/** Why a key may not reach something; `malformed` when the convention id itself is not one. */
export type AccessDenial = { reason: string; malformed?: boolean };

/** Whether the key may read, act on or subscribe to this convention. */
export function conventionAccess(principal: Principal, conventionId: string): AccessDenial | null {
  const departement = departementOfConventionId(conventionId);
  if (!departement)
    return { reason: `identifiant de convention invalide: "${conventionId}"`, malformed: true };
  const grant = principal.grant;
  if (grant.kind === 'party')
    return grant.conventions.includes(conventionId)
      ? null
      : { reason: `la clé "${principal.keyId}" n’est pas habilitée pour la convention ${conventionId}` };
  return departementAccess(principal, departement);
}

/** A convention as far as reading it goes: its id, and the roles its parties hold. */
export interface ReadableConvention {
  conventionId: string;
  parties: Record<string, { role: PartyRole }>;
}

/**
 * Whether the key may read this convention: its département or its list first, then a role key
 * needs a party holding that role (contacts and money are not for others) and a party key must be
 * a party. One rule for reading a convention and for every report built from conventions.
 */
export function readAccess(principal: Principal, convention: ReadableConvention): AccessDenial | null {
  return (
    conventionAccess(principal, convention.conventionId) ??
    partiesAccess(principal, convention.conventionId, convention.parties)
  );
}

export function departementAccess(principal: Principal, departement: string): AccessDenial | null {
  const grant = principal.grant;
  const code = departement.toUpperCase();
  if (grant.kind === 'party') {
    const reachable = grant.conventions.some((id) => departementOfConventionId(id) === code);
    return reachable
      ? null
      : { reason: `la clé "${principal.keyId}" ne donne accès à aucune convention du département ${code}` };
  }
  if (grant.kind === 'operator' && !grant.departements) return null;
  return grant.departements!.includes(code as never)
    ? null
    : { reason: `la clé "${principal.keyId}" ne donne pas accès aux conventions du département ${code}` };
}

/** Drafting a convention is the préfecture's job (or an operator's), in its own départements. */
export function creationAccess(principal: Principal, departement: string): AccessDenial | null {
  const grant = principal.grant;
  if (grant.kind === 'party' || (grant.kind === 'party-role' && grant.role !== 'etat'))
    return {
      reason: `la création d’une convention est réservée aux opérateurs et à la préfecture (rôle "etat"); clé "${principal.keyId}"`,
    };
  return departementAccess(principal, departement);
}

/** What a listing is restricted to: null means no restriction of that kind. */
export function listScope(principal: Principal): {
  departements: string[] | null;
  conventionIds: string[] | null;
  role: string | null;
} {
  const grant = principal.grant;
  if (grant.kind === 'party')
    return { departements: null, conventionIds: [...grant.conventions], role: null };
  return {
    departements: grant.departements ? [...grant.departements] : null,
    conventionIds: null,
    role: grant.kind === 'party-role' ? grant.role : null,
  };
}

/**
 * Whether the key reaches a convention it is in the département (or list) of, given who the
 * convention's parties are: a role key only where a party holds that role, a party key only where
 * its party is one. Reading, listing, subscribing and acting all apply it.
 */
export function partiesAccess(
  principal: Principal,
  conventionId: string,
  parties: Record<string, { role: string }>,
): AccessDenial | null {
  const grant = principal.grant;
  if (grant.kind === 'party-role' && !Object.values(parties).some((p) => p.role === grant.role))
    return { reason: `aucune partie de rôle "${grant.role}" dans la convention ${conventionId}` };
  if (grant.kind === 'party' && !Object.hasOwn(parties, grant.partyId))
    return { reason: `"${grant.partyId}" n’est pas partie à la convention ${conventionId}` };
  return null;
}
