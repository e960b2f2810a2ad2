import { addDays, formatFrenchDate, type CivilDate } from '../calendar/dates';
import type { ConventionContext } from '../lifecycle/context';
import { effectKey, type Effect, type NoticeEffect, type NoticeKind } from '../lifecycle/effects';
import { signatoryPartyIds } from '../convention/completeness';
import { unsettledLines } from '../lifecycle/term';
import { renewalDecisionAction } from './actions';
import { meetingIcs } from './calendar-entries';
import {
  conventionHeader,
  dated,
  formatEuros,
  frenchTime,
  ofFrenchMonth,
  mailId,
  type Fact,
} from './content';
import type { MailRequest } from './mail-request';
import {
  addressing,
  allParties,
  committeeMembers,
  hostServices,
  organisations,
  partiesWithRole,
  partyRecipients,
} from './recipients';

export { mailId } from './content';
export { partyRecipients } from './recipients';

export const NOTICE_SUBJECTS: Record<NoticeKind, string> = {
  'recruitment-decided': 'Décision du comité de sélection',
  'signatures-complete': 'Convention signée par toutes les parties',
  'in-force': 'Prise d’effet de la convention',
  suspended: 'Suspension de la convention pour non-versement des crédits',
  resumed: 'Reprise de la convention',
  vacancy: 'Vacance du poste d’intervenant social',
  'concertation-opened': 'Ouverture de la concertation sur la reconduction',
  'renewal-decided': 'Décision sur la reconduction',
  denounced: 'Dénonciation de la convention',
  renewed: 'Reconduction de la convention',
  terminated: 'Fin de la convention',
  settled: 'Convention soldée et close',
};

function ledgerLabel(context: ConventionContext, itemId: string): string {
  const item = context.ledger.find((i) => i.id === itemId);
  if (!item) return itemId;
  if (item.kind === 'salary') return `salaire ${ofFrenchMonth(item.month ?? '')}`;
  if (item.kind === 'state-participation') return `participation de l’État, année ${item.termYear}`;
  return `contribution de ${organisations(context, [item.payerPartyId])}, année ${item.termYear}`;
}

/** What each notice says beyond its subject: dates and facts read from the convention. */
function noticeDetails(
  context: ConventionContext,
  notice: NoticeKind,
  about: Pick<NoticeEffect, 'vacantFrom'>,
): Record<string, unknown> {
  const term = context.term;
  const termData = term
    ? {
        number: term.number,
        start: dated(term.startDate),
        end: dated(term.endDate),
        noticeDeadline: dated(term.noticeDeadline),
        concertationOpensOn: dated(term.concertationOpensOn),
        next: dated(addDays(term.endDate, 1)),
      }
    : null;
  const facts: Fact[] = [];
  const details: Record<string, unknown> = { term: termData };
  /** A date the notice gives: in its details (null when there is none) and, when there is one, as a fact. */
  const giveDate = (key: string, label: string, date: CivilDate | null | undefined) => {
    details[key] = date ? dated(date) : null;
    if (date) facts.push({ label, value: formatFrenchDate(date) });
  };
  switch (notice) {
    case 'recruitment-decided': {
      const selected = context.recruitment.decision !== null;
      details.selected = selected;
      details.startsOn = context.recruitment.decision?.startsOn
        ? dated(context.recruitment.decision.startsOn)
        : null;
      details.round = context.recruitment.round;
      // The post's first recruitment opens the signatures: say so, and who signs (art. 1).
      details.signingOpens = selected && context.recruitment.reason === 'creation';
      details.signatories = signatoryPartyIds(context.data).map(
        (id) => context.data.parties[id]?.organisation ?? id,
      );
      break;
    }
    case 'signatures-complete':
    case 'in-force':
    case 'renewed': {
      const startDate = term?.startDate ?? context.data.startDate;
      if (startDate) facts.push({ label: 'Prise d’effet', value: formatFrenchDate(startDate) });
      if (term) facts.push({ label: 'Fin de la période', value: formatFrenchDate(term.endDate) });
      const financing = context.data.financing;
      if (financing) {
        facts.push({
          label: 'Salaire versé par l’employeur le',
          value: `${financing.salaryPaymentDay} de chaque mois`,
        });
        facts.push({
          label: 'Participation annuelle de l’État',
          value: formatEuros(financing.stateAnnualParticipationEur),
        });
      }
      details.hosts = organisations(context, hostServices(context));
      break;
    }
    case 'suspended':
    case 'resumed': {
      const suspension = context.suspensions.at(-1) ?? null;
      details.suspension = suspension
        ? {
            from: dated(suspension.from),
            to: suspension.to ? dated(suspension.to) : null,
            items: suspension.itemIds.map((id) => ledgerLabel(context, id)),
          }
        : null;
      if (suspension) facts.push({ label: 'Suspendue depuis le', value: formatFrenchDate(suspension.from) });
      if (suspension?.to) facts.push({ label: 'Reprise le', value: formatFrenchDate(suspension.to) });
      break;
    }
    case 'vacancy':
      giveDate('vacantFrom', 'Poste vacant à compter du', about.vacantFrom);
      break;
    case 'concertation-opened':
      if (term) {
        facts.push({ label: 'Échéance de la convention', value: formatFrenchDate(term.endDate) });
        facts.push({ label: 'Dénonciation possible jusqu’au', value: formatFrenchDate(term.noticeDeadline) });
      }
      details.action = renewalDecisionAction(context.conventionId);
      break;
    case 'renewal-decided': {
      const renewal = context.renewal;
      details.decision = renewal?.decision ?? null;
      giveDate('decidedOn', 'Décision du', renewal?.decidedOn);
      break;
    }
    case 'denounced': {
      const denunciation = context.denunciation;
      const by = denunciation ? organisations(context, [denunciation.partyId]) : null;
      details.by = by;
      if (by) facts.push({ label: 'Dénoncée par', value: by });
      giveDate('letterSentOn', 'Lettre recommandée du', denunciation?.letterSentOn);
      if (term) facts.push({ label: 'Fin de la convention', value: formatFrenchDate(term.endDate) });
      break;
    }
    case 'terminated': {
      const termination = context.termination;
      details.reason = termination?.reason ?? null;
      giveDate('on', 'Fin le', termination?.on);
      // An end with lines still owed: the convention stays open until they are settled.
      const settling = termination?.closedOn === null;
      const open = settling
        ? unsettledLines(context.ledger).map((item) => ledgerLabel(context, item.id))
        : [];
      details.openLines = open;
      if (open.length > 0) facts.push({ label: 'Échéances restant à solder', value: String(open.length) });
      break;
    }
    case 'settled': {
      const termination = context.termination;
      giveDate('on', 'Fin de la convention', termination?.on);
      giveDate('closedOn', 'Dernière échéance soldée le', termination?.closedOn);
      const writtenOff = context.ledger.filter((item) => item.writeOff);
      details.writtenOff = writtenOff.map((item) => ledgerLabel(context, item.id));
      if (writtenOff.length > 0)
        facts.push({ label: 'Échéances closes sans paiement', value: String(writtenOff.length) });
      break;
    }
  }
  return { ...details, facts };
}

/** A notice to every party of the convention. */
export function noticeMail(
  context: ConventionContext,
  notice: NoticeKind,
  id: string,
  about: Pick<NoticeEffect, 'vacantFrom'> = {},
): MailRequest {
  const details = noticeDetails(context, notice, about);
  return {
    id,
    conventionId: context.conventionId,
    kind: 'notice',
    template: `notices/${notice}`,
    summary: `Avis aux parties — ${NOTICE_SUBJECTS[notice]}`,
    ...addressing(partyRecipients(context, allParties(context)), []),
    data: {
      ...conventionHeader(context),
      notice,
      subject: NOTICE_SUBJECTS[notice],
      action: null,
      ...details,
    },
    ics: null,
  };
}

/**
 * Mail behaviours that changed while conventions were running. The workflow chooses them with
 * `patched()`, so that a convention started under the older code replays as it ran.
 */
export interface MailBehaviour {
  /** The end of a convention at expiry is announced the next business morning, at the set hour
   * (before: at midnight, the instant it ended). */
  endNoticeNextMorning: boolean;
  /**
   * A line of the ledger is reminded under the term it belongs to, so that a line carried into the
   * next term keeps one identity (before: the current term's, which only lines recorded unpaid
   * were carried under). Chosen with the lifecycle's term edges.
   */
  linesKeepTheirTerm: boolean;
}

export const CURRENT_MAIL_BEHAVIOUR: MailBehaviour = { endNoticeNextMorning: true, linesKeepTheirTerm: true };

/**
 * The emails an effect of the machine asks for, addressed to the convention's current contacts.
 * The ANISCG address is the only one outside the parties, for its own effect (art. 3).
 */
export function composeEffectMails(
  effect: Effect,
  context: ConventionContext,
  behaviour: MailBehaviour = CURRENT_MAIL_BEHAVIOUR,
): MailRequest[] {
  const id = mailId(effectKey(context.conventionId, effect));
  const header = conventionHeader(context);
  switch (effect.type) {
    case 'inform-aniscg': {
      const functional = hostServices(context);
      const employer = context.data.employerPartyId;
      return [
        {
          id,
          conventionId: context.conventionId,
          kind: 'aniscg',
          template: 'aniscg',
          summary: 'Information de l’ANISCG du recrutement',
          ...addressing(
            context.data.aniscgEmail ? [{ partyId: null, email: context.data.aniscgEmail }] : [],
            partyRecipients(context, functional),
          ),
          data: {
            ...header,
            reason: effect.reason,
            round: effect.round,
            functional: organisations(context, functional),
            employer: employer ? organisations(context, [employer]) : null,
            facts: [
              { label: 'Site', value: header.title },
              { label: 'Autorité fonctionnelle', value: organisations(context, functional) },
              ...(employer ? [{ label: 'Employeur', value: organisations(context, [employer]) }] : []),
              { label: 'Motif', value: effect.reason === 'creation' ? 'création du poste' : 'poste vacant' },
            ] satisfies Fact[],
            action: null,
          },
          ics: null,
        },
      ];
    }
    case 'notify-parties':
      // An end at expiry is announced by the planner, the next business morning.
      if (behaviour.endNoticeNextMorning && effect.notice === 'terminated' && effect.ending !== 'abandoned')
        return [];
      return [noticeMail(context, effect.notice, id, effect)];
    case 'convene-committee': {
      const year = context.reviews.find((y) => y.term === effect.term && y.termYear === effect.termYear);
      const meeting = year?.meeting;
      if (!year || !meeting) return [];
      const members = committeeMembers(context);
      return [
        {
          id,
          conventionId: context.conventionId,
          kind: 'convocation',
          template: 'convocation',
          summary: `Convocation du comité de suivi — année ${effect.termYear}`,
          ...addressing(partyRecipients(context, members), []),
          data: {
            ...header,
            termYear: effect.termYear,
            deadline: { label: `Comité de suivi de l’année ${effect.termYear}`, ...dated(meeting.date) },
            meeting: { ...dated(meeting.date), time: meeting.time, location: meeting.location },
            reportSubmitted: year.report !== null,
            members: organisations(context, members),
            facts: [
              { label: 'Date', value: formatFrenchDate(meeting.date) },
              { label: 'Heure', value: frenchTime(meeting.time) },
              { label: 'Lieu', value: meeting.location ?? 'à préciser par la préfecture' },
              { label: 'Membres', value: organisations(context, members) },
            ] satisfies Fact[],
            action: null,
          },
          ics: meetingIcs(context, year, meeting, meeting.scheduledAt),
        },
      ];
    }
    case 'send-review-to-procureur': {
      const year = context.reviews.find((y) => y.term === effect.term && y.termYear === effect.termYear);
      const report = year?.report ?? null;
      const review = year?.review ?? null;
      return [
        {
          id,
          conventionId: context.conventionId,
          kind: 'procureur',
          template: 'procureur',
          summary: `Envoi du bilan au procureur — année ${effect.termYear}`,
          ...addressing(
            partyRecipients(context, partiesWithRole(context, 'procureur')),
            partyRecipients(context, partiesWithRole(context, 'etat')),
          ),
          data: {
            ...header,
            termYear: effect.termYear,
            report: report
              ? {
                  submittedOn: dated(report.submittedOn),
                  documentRef: report.documentRef,
                  statistics: Object.entries(report.statistics).map(([name, value]) => ({ name, value })),
                }
              : null,
            recommendations: review?.recommendations ?? [],
            heldOn: review ? dated(review.heldOn) : null,
            minutesRef: review?.minutesRef ?? null,
            facts: [
              ...(review ? [{ label: 'Comité tenu le', value: formatFrenchDate(review.heldOn) }] : []),
              ...(report ? [{ label: 'Bilan remis le', value: formatFrenchDate(report.submittedOn) }] : []),
              ...(report ? [{ label: 'Référence du bilan', value: report.documentRef }] : []),
            ] satisfies Fact[],
            action: null,
          },
          ics: null,
        },
      ];
    }
  }
}
