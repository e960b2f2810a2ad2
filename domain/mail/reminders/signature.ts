import { formatFrenchDate, type CivilDate } from '../../calendar/dates';
import { DEADLINE_LABELS } from '../../lifecycle/view';
import { mailAction } from '../actions';
import { dated, type Fact } from '../content';
import { organisations, partyRecipients, signatories } from '../recipients';
import { copies, type ReminderBody, type ReminderOccasion } from './common';

export function signatureLabel(organisation: string): string {
  return `signature de ${organisation}`;
}

/** To a party whose signature is awaited: who signed already, who has not, how to sign. */
export function signatureReminder(
  o: ReminderOccasion,
  partyId: string,
  opened: CivilDate,
  startDate: CivilDate,
): ReminderBody {
  const { context } = o;
  const party = context.data.parties[partyId]!;
  const signed = Object.keys(context.signatures).sort();
  const pending = signatories(context).filter((id) => !context.signatures[id]);
  const cc = copies(o, [partyId]);
  return {
    template: 'reminders/signature',
    summary: `Rappel de signature — ${party.organisation}${cc.length > 0 ? ' (copie préfecture)' : ''}`,
    to: partyRecipients(context, [partyId]),
    cc,
    data: {
      deadline: { label: DEADLINE_LABELS.signature, ...dated(startDate) },
      party: { organisation: party.organisation, title: party.representative.title },
      openedOn: dated(opened),
      signed: organisations(context, signed),
      pending: organisations(context, pending),
      facts: [
        { label: 'Signature attendue de', value: party.organisation },
        { label: 'Signatures ouvertes le', value: formatFrenchDate(opened) },
        { label: 'Prise d’effet prévue le', value: formatFrenchDate(startDate) },
        { label: 'Déjà signée par', value: organisations(context, signed) || 'aucune partie' },
      ] satisfies Fact[],
      action: mailAction(context.conventionId, 'SIGN', {
        partyId,
        signerName: 'NOM DU SIGNATAIRE',
        signerTitle: party.representative.title,
        signedOn: 'AAAA-MM-JJ',
      }),
    },
    ics: null,
  };
}
