import type { ConventionData } from '../convention/schema';
import type { ConventionContext, LedgerItem } from './context';
import type { Actor, ExternalEvent, ExternalEventType } from './events';
import { forbidden, type Refusal } from './refusal';

/**
 * Who may send each event (the table in docs/lifecycle.md is generated from ACTS_BY_EVENT).
 * Operators act for the préfecture's back office: they may do everything but sign or denounce
 * in a party's name without saying which party.
 */
export type ActingRole =
  'operator' | 'etat' | 'employer' | 'recruiting-authority' | 'the-party-itself' | 'payer-or-employer';

export const ACTS_BY_EVENT: Record<ExternalEventType, readonly ActingRole[]> = {
  AMEND: ['operator', 'etat', 'the-party-itself'],
  SUBMIT_DRAFT: ['operator', 'etat'],
  COMPOSE_SELECTION_COMMITTEE: ['operator', 'recruiting-authority'],
  RECORD_APPLICATIONS: ['operator', 'recruiting-authority'],
  RECORD_RECRUITMENT_DECISION: ['operator', 'recruiting-authority'],
  SIGN: ['operator', 'the-party-itself'],
  REOPEN_DRAFTING: ['operator'],
  RECORD_PAYMENT: ['operator', 'payer-or-employer'],
  RECORD_NON_PAYMENT: ['operator', 'etat', 'employer'],
  // Closing a line without its money is a decision of the préfecture's back office alone.
  WRITE_OFF: ['operator'],
  SUBMIT_ACTIVITY_REPORT: ['operator', 'employer'],
  SCHEDULE_COMMITTEE: ['operator', 'etat'],
  RECORD_COMMITTEE_REVIEW: ['operator', 'etat'],
  DECLARE_VACANCY: ['operator', 'employer'],
  RECORD_RENEWAL_DECISION: ['operator', 'etat'],
  DENOUNCE: ['operator', 'the-party-itself'],
  ABANDON: ['operator'],
};

export const ACTING_ROLE_LABELS: Record<ActingRole, string> = {
  operator: 'opérateur',
  etat: 'préfecture (État)',
  employer: 'employeur',
  'recruiting-authority': 'autorité hiérarchique ou fonctionnelle',
  'the-party-itself': 'la partie concernée, pour elle-même',
  'payer-or-employer': 'le financeur concerné ou l’employeur',
};

function partyRoleOf(data: ConventionData, partyId: string) {
  return data.parties[partyId]?.role;
}

function ledgerItem(context: ConventionContext, itemId: string): LedgerItem | undefined {
  return context.ledger.find((item) => item.id === itemId);
}

function actorHas(
  role: ActingRole,
  context: ConventionContext,
  event: ExternalEvent,
  partyId: string,
): boolean {
  const data = context.data;
  switch (role) {
    case 'operator':
      return false;
    case 'etat':
      return partyRoleOf(data, partyId) === 'etat';
    case 'employer':
      return data.employerPartyId === partyId;
    case 'recruiting-authority':
      return (
        data.hierarchicalAuthority?.partyId === partyId ||
        (data.functionalAuthorities ?? []).some((a) => a.partyId === partyId)
      );
    case 'the-party-itself':
      if (event.type === 'SIGN' || event.type === 'DENOUNCE') return event.payload.partyId === partyId;
      if (event.type === 'AMEND') return amendsOnlyOwnContacts(event.payload.patch, partyId);
      return false;
    case 'payer-or-employer': {
      if (event.type !== 'RECORD_PAYMENT') return false;
      const item = ledgerItem(context, event.payload.itemId);
      if (!item) return partyRoleOf(data, partyId) !== undefined; // an unknown item is reported by the rule
      return item.payerPartyId === partyId || data.employerPartyId === partyId;
    }
  }
}

/** A party may update its own contact details and representative, nothing else. */
function amendsOnlyOwnContacts(patch: Record<string, unknown>, partyId: string): boolean {
  const keys = Object.keys(patch);
  if (keys.length !== 1 || keys[0] !== 'parties') return false;
  const parties = patch.parties;
  if (typeof parties !== 'object' || parties === null) return false;
  const entries = Object.entries(parties as Record<string, unknown>);
  if (entries.length !== 1 || entries[0]?.[0] !== partyId) return false;
  const own = entries[0][1];
  if (typeof own !== 'object' || own === null) return false;
  return Object.keys(own).every((k) => k === 'contacts' || k === 'representative');
}

/** Turns a role-bound actor into the party holding that role in this convention. */
export function resolveActor(context: ConventionContext, actor: Actor): Actor | Refusal {
  if (actor.kind !== 'party-role') return actor;
  const holders = Object.entries(context.data.parties).filter(([, p]) => p.role === actor.role);
  if (holders.length !== 1)
    return forbidden(
      holders.length === 0
        ? `aucune partie de rôle "${actor.role}" dans cette convention`
        : `plusieurs parties ont le rôle "${actor.role}": la clé doit désigner la partie`,
    );
  return { kind: 'party', partyId: holders[0]![0], ...(actor.client ? { client: actor.client } : {}) };
}

export function authorize(context: ConventionContext, event: ExternalEvent): Refusal | null {
  const actor: Actor = event.actor;
  if (actor.kind === 'party-role') return forbidden('acteur non résolu');
  if (actor.kind === 'operator' || actor.kind === 'system') {
    if (actor.kind === 'system') return forbidden('les événements externes ne peuvent pas venir du système');
    return null;
  }
  if (!Object.hasOwn(context.data.parties, actor.partyId))
    return forbidden(`"${actor.partyId}" n’est pas partie à cette convention`);
  const roles = ACTS_BY_EVENT[event.type];
  if (roles.some((role) => actorHas(role, context, event, actor.partyId))) return null;
  const who = roles.map((r) => ACTING_ROLE_LABELS[r]).join(', ');
  return forbidden(
    `"${event.type}" est réservé à: ${who}; la partie "${actor.partyId}" n’y est pas habilitée`,
  );
}
