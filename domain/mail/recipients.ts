import { signatoryPartyIds } from '../convention/completeness';
import type { PartyRole } from '../convention/schema';
import type { ConventionContext } from '../lifecycle/context';
import type { Recipient } from './mail-request';

/**
 * Who a message goes to, by role, among the convention's current parties only: the addresses are
 * read when the message is planned, so a contact changed on the convention applies to the next one.
 */

export function partyRecipients(context: ConventionContext, partyIds: string[]): Recipient[] {
  return [...new Set(partyIds)].flatMap((partyId) =>
    (context.data.parties[partyId]?.contacts ?? []).map((contact) => ({ partyId, email: contact.email })),
  );
}

export function partiesWithRole(context: ConventionContext, role: PartyRole): string[] {
  return Object.entries(context.data.parties)
    .filter(([, party]) => party.role === role)
    .map(([id]) => id)
    .sort();
}

export function allParties(context: ConventionContext): string[] {
  return Object.keys(context.data.parties).sort();
}

export function signatories(context: ConventionContext): string[] {
  return [...signatoryPartyIds(context.data)].sort();
}

export function committeeMembers(context: ConventionContext): string[] {
  return [...new Set((context.data.followUpCommittee ?? []).map((member) => member.partyId))].sort();
}

/** The services hosting the post (art. 3, 6): the functional authorities. */
export function hostServices(context: ConventionContext): string[] {
  return [...new Set((context.data.functionalAuthorities ?? []).map((a) => a.partyId))].sort();
}

export function organisations(context: ConventionContext, partyIds: string[]): string {
  const names = [...new Set(partyIds)].map((id) => context.data.parties[id]?.organisation ?? id);
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} et ${names.at(-1)!}`;
}

/**
 * Each address once: a copy never repeats a main recipient, and with no main recipient left (a
 * party without contact) the copies become the main recipients so the message still goes out.
 */
export function addressing(to: Recipient[], cc: Recipient[]): { to: Recipient[]; cc: Recipient[] } {
  const seen = new Set<string>();
  const unique = (list: Recipient[]) =>
    list.filter((r) => {
      const key = r.email.toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  const main = unique(to);
  const copies = unique(cc);
  return main.length > 0 ? { to: main, cc: copies } : { to: copies, cc: [] };
}
