import type { ConventionData } from '../convention/schema';
import type { ConventionContext, LedgerItem } from './context';
import { EXTERNAL_EVENT_TYPES, type Actor, type ExternalEvent, type ExternalEventType } from './events';
import { forbidden, type Refusal } from './refusal';

/**
 * Who may send each event (the table in docs/lifecycle.md is generated from ACTS_BY_EVENT).
 * Operators act for the préfecture's back office: they may do everything but sign or denounce
 * in a party's name without saying which party.
 */
export type ActingRole =
  'operator' | 'etat' | 'employer' | 'recruiting-authority' | 'the-party-itself' | 'payer-or-employer';

/**
 * The events each party role may send; an operator may send them all. The events no party may send
 * (reopening the drafting, writing a line off, abandoning) are decisions of the back office alone.
 */
const EVENTS_BY_PARTY_ROLE: Record<Exclude<ActingRole, 'operator'>, readonly ExternalEventType[]> = {
  etat: [
    'AMEND',
    'SUBMIT_DRAFT',
    'RECORD_NON_PAYMENT',
    'SCHEDULE_COMMITTEE',
    'RECORD_COMMITTEE_REVIEW',
    'RECORD_RENEWAL_DECISION',
  ],
  employer: ['RECORD_NON_PAYMENT', 'SUBMIT_ACTIVITY_REPORT', 'DECLARE_VACANCY'],
  'recruiting-authority': [
    'COMPOSE_SELECTION_COMMITTEE',
    'RECORD_APPLICATIONS',
    'RECORD_RECRUITMENT_DECISION',
  ],
  'the-party-itself': ['AMEND', 'SIGN', 'DENOUNCE'],
  'payer-or-employer': ['RECORD_PAYMENT'],
};

/** Each event's acting roles, the operator first, then the parties' roles in the order above. */
export const ACTS_BY_EVENT = Object.fromEntries(
  EXTERNAL_EVENT_TYPES.map((type): [ExternalEventType, readonly ActingRole[]] => [
    type,
    [
      'operator',
      ...(Object.keys(EVENTS_BY_PARTY_ROLE) as Exclude<ActingRole, 'operator'>[]).filter((role) =>
        EVENTS_BY_PARTY_ROLE[role].includes(type),
      ),
    ],
  ]),
) as Record<ExternalEventType, readonly ActingRole[]>;

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
