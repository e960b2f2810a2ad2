/** The reminders of a term's end: the renewal to decide, the notice to denounce, the end to come. */
import { addDays, formatFrenchDate } from '../../calendar/dates';
import { DEADLINE_LABELS } from '../../lifecycle/view';
import { mailAction } from '../actions';
import { dated, type Fact } from '../content';
import { allParties, organisations, partyRecipients, signatories } from '../recipients';
import { deadlineIcs, tag, type ReminderBody, type ReminderOccasion } from './common';

export const RENEWAL_LABEL = 'décision sur la reconduction';
export const DENUNCIATION_LABEL = 'échéance du préavis de dénonciation';
export const EXPIRY_LABEL = 'fin de la convention';

/** To the préfecture, the other signatories in copy: the partners are to decide on a renewal (art. 9). */
export function renewalReminder(o: ReminderOccasion): ReminderBody {
  const { context, rung } = o;
  const term = context.term!;
  const others = signatories(context).filter((id) => !o.etat.includes(id));
  return {
    template: 'reminders/renewal-decision',
    summary: `Rappel: décision sur la reconduction (${tag(rung, false)})`,
    to: partyRecipients(context, o.etat),
    cc: partyRecipients(context, others),
    data: {
      deadline: { label: DEADLINE_LABELS['renewal-decision'], ...dated(term.endDate) },
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
      action: mailAction(context.conventionId, 'RECORD_RENEWAL_DECISION', {
        decision: 'renew',
        decidedOn: 'AAAA-MM-JJ',
      }),
    },
    ics: deadlineIcs(o, 'echeance', term.endDate, 'Échéance de la convention ISCG'),
  };
}

/** To the signatories: the last day a registered letter may denounce the convention (art. 9). */
export function denunciationReminder(o: ReminderOccasion): ReminderBody {
  const { context, rung } = o;
  const term = context.term!;
  return {
    template: 'reminders/denunciation-notice',
    summary: `Rappel: échéance du préavis de dénonciation (${tag(rung, false)})`,
    to: partyRecipients(context, signatories(context)),
    cc: [],
    data: {
      deadline: { label: DEADLINE_LABELS['denunciation-notice'], ...dated(term.noticeDeadline) },
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
    ics: deadlineIcs(o, 'preavis', term.noticeDeadline, 'Fin du préavis de dénonciation ISCG'),
  };
}

/** To every party: the convention ends on its expiry, denounced or not renewed. */
export function expiryReminder(o: ReminderOccasion): ReminderBody {
  const { context, rung } = o;
  const term = context.term!;
  const denunciation = context.denunciation;
  return {
    template: 'reminders/expiry',
    summary: `Rappel: fin de la convention le ${formatFrenchDate(term.endDate)} (${tag(rung, false)})`,
    to: partyRecipients(context, allParties(context)),
    cc: [],
    data: {
      deadline: { label: DEADLINE_LABELS.expiry, ...dated(term.endDate) },
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
    ics: deadlineIcs(o, 'echeance', term.endDate, 'Fin de la convention ISCG'),
  };
}
