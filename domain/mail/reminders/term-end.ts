/** The reminders of a term's end: the renewal to decide, the notice to denounce, the end to come. */
import { addDays, formatFrenchDate, type CivilDate } from '../../calendar/dates';
import { DEADLINE_LABELS } from '../../lifecycle/view';
import { mailAction, renewalDecisionAction } from '../actions';
import { dated, type Fact } from '../content';
import type { Recipient } from '../mail-request';
import { allParties, organisations, partyRecipients, signatories } from '../recipients';
import { deadlineIcs, tag, type ReminderBody, type ReminderOccasion } from './common';

export const RENEWAL_LABEL = 'décision sur la reconduction';
export const DENUNCIATION_LABEL = 'échéance du préavis de dénonciation';
export const EXPIRY_LABEL = 'fin de la convention';

type TermEndKind = 'renewal-decision' | 'denunciation-notice' | 'expiry';

/** What the reminders of a term's end share: the template and the deadline named by its kind, the calendar entry. */
function termEndReminder(
  o: ReminderOccasion,
  kind: TermEndKind,
  said: {
    subject: string;
    date: CivilDate;
    ics: { uidKey: string; title: string };
    to: Recipient[];
    cc?: Recipient[];
    data: Record<string, unknown>;
  },
): ReminderBody {
  return {
    template: `reminders/${kind}`,
    summary: `Rappel: ${said.subject} (${tag(o.rung, false)})`,
    to: said.to,
    cc: said.cc ?? [],
    data: { deadline: { label: DEADLINE_LABELS[kind], ...dated(said.date) }, ...said.data },
    ics: deadlineIcs(o, said.ics.uidKey, said.date, said.ics.title),
  };
}

/** To the préfecture, the other signatories in copy: the partners are to decide on a renewal (art. 9). */
export function renewalReminder(o: ReminderOccasion): ReminderBody {
  const { context } = o;
  const term = context.term!;
  const others = signatories(context).filter((id) => !o.etat.includes(id));
  return termEndReminder(o, 'renewal-decision', {
    subject: RENEWAL_LABEL,
    date: term.endDate,
    ics: { uidKey: 'echeance', title: 'Échéance de la convention ISCG' },
    to: partyRecipients(context, o.etat),
    cc: partyRecipients(context, others),
    data: {
      term: {
        number: term.number,
        end: dated(term.endDate),
        next: dated(addDays(term.endDate, 1)),
        noticeDeadline: dated(term.noticeDeadline),
        concertationOpensOn: dated(term.concertationOpensOn),
      },
      facts: [
        { label: 'Échéance de la convention', value: formatFrenchDate(term.endDate) },
        { label: 'Concertation ouverte depuis le', value: formatFrenchDate(term.concertationOpensOn) },
        { label: 'Dénonciation possible jusqu’au', value: formatFrenchDate(term.noticeDeadline) },
      ] satisfies Fact[],
      action: renewalDecisionAction(context.conventionId),
    },
  });
}

/** To the signatories: the last day a registered letter may denounce the convention (art. 9). */
export function denunciationReminder(o: ReminderOccasion): ReminderBody {
  const { context } = o;
  const term = context.term!;
  return termEndReminder(o, 'denunciation-notice', {
    subject: DENUNCIATION_LABEL,
    date: term.noticeDeadline,
    ics: { uidKey: 'preavis', title: 'Fin du préavis de dénonciation ISCG' },
    to: partyRecipients(context, signatories(context)),
    data: {
      term: { number: term.number, end: dated(term.endDate) },
      renewal: context.renewal?.decision ?? null,
      facts: [
        { label: 'Dernier jour d’envoi de la lettre', value: formatFrenchDate(term.noticeDeadline) },
        { label: 'Échéance de la convention', value: formatFrenchDate(term.endDate) },
      ] satisfies Fact[],
      action: mailAction(context.conventionId, 'DENOUNCE', {
        partyId: 'IDENTIFIANT-DE-VOTRE-PARTIE',
        letterSentOn: 'AAAA-MM-JJ',
        letterReference: 'NUMERO-DU-RECOMMANDE',
      }),
    },
  });
}

/** To every party: the convention ends on its expiry, denounced or not renewed. */
export function expiryReminder(o: ReminderOccasion): ReminderBody {
  const { context } = o;
  const term = context.term!;
  const denunciation = context.denunciation;
  return termEndReminder(o, 'expiry', {
    subject: `${EXPIRY_LABEL} le ${formatFrenchDate(term.endDate)}`,
    date: term.endDate,
    ics: { uidKey: 'echeance', title: 'Fin de la convention ISCG' },
    to: partyRecipients(context, allParties(context)),
    data: {
      reason: denunciation ? 'denounced' : 'not_renewed',
      denouncedBy: denunciation ? organisations(context, [denunciation.partyId]) : null,
      facts: [
        { label: 'Fin de la convention', value: formatFrenchDate(term.endDate) },
        {
          label: 'Motif',
          value: denunciation
            ? `dénonciation par ${organisations(context, [denunciation.partyId])}`
            : 'non-reconduction décidée',
        },
      ] satisfies Fact[],
      action: null,
    },
  });
}
