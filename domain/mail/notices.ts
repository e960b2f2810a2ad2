import { formatFrenchDate } from '../calendar/dates';
import { zoneOf } from '../calendar/departements';
import type { ConventionContext } from '../lifecycle/context';
import { effectKey, type Effect, type NoticeKind } from '../lifecycle/effects';
import { siteTitle } from '../lifecycle/view';
import type { MailRequest, Recipient } from './mail-request';

export const NOTICE_SUBJECTS: Record<NoticeKind, string> = {
  'recruitment-opened': 'Ouverture du recrutement',
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
};

export function partyRecipients(context: ConventionContext, partyIds: string[]): Recipient[] {
  return partyIds.flatMap((partyId) =>
    (context.data.parties[partyId]?.contacts ?? []).map((contact) => ({ partyId, email: contact.email })),
  );
}

function allParties(context: ConventionContext): string[] {
  return Object.keys(context.data.parties).sort();
}

export function mailId(key: string): string {
  return key.replace(/[^A-Za-z0-9.-]+/g, '.');
}

/** The emails an effect of the machine asks for, addressed to the convention's current contacts. */
export function composeEffectMails(effect: Effect, context: ConventionContext): MailRequest[] {
  const id = mailId(effectKey(context.conventionId, effect));
  const title = siteTitle(context);
  const base = {
    id,
    conventionId: context.conventionId,
    cc: [],
    ics: null,
    data: { conventionId: context.conventionId, title },
  };
  switch (effect.type) {
    case 'inform-aniscg': {
      const functional = (context.data.functionalAuthorities ?? []).map((a) => a.partyId);
      const to: Recipient[] = context.data.aniscgEmail
        ? [{ partyId: null, email: context.data.aniscgEmail }]
        : [];
      return [
        {
          ...base,
          kind: 'aniscg',
          template: 'aniscg',
          summary: 'Information de l’ANISCG du recrutement',
          to,
          cc: partyRecipients(context, functional),
          data: { ...base.data, reason: effect.reason, round: effect.round },
        },
      ];
    }
    case 'notify-parties':
      return [
        {
          ...base,
          kind: 'notice',
          template: `notice/${effect.notice}`,
          summary: `Avis aux parties — ${NOTICE_SUBJECTS[effect.notice]}`,
          to: partyRecipients(context, allParties(context)),
          data: {
            ...base.data,
            notice: effect.notice,
            subject: NOTICE_SUBJECTS[effect.notice],
            term: context.term,
          },
        },
      ];
    case 'convene-committee': {
      const year = context.reviews.find((y) => y.term === effect.term && y.termYear === effect.termYear);
      const members = [...new Set((context.data.followUpCommittee ?? []).map((m) => m.partyId))];
      const zone = zoneOf(context.data.departement);
      return [
        {
          ...base,
          kind: 'convocation',
          template: 'convocation',
          summary: `Convocation du comité de suivi — année ${effect.termYear}`,
          to: partyRecipients(context, members),
          data: {
            ...base.data,
            termYear: effect.termYear,
            meetingDate: effect.meetingDate,
            meetingDateText: formatFrenchDate(effect.meetingDate),
            time: year?.meeting?.time ?? null,
            location: year?.meeting?.location ?? null,
          },
          ics: {
            uid: `${id}@iscg`,
            date: effect.meetingDate,
            time: year?.meeting?.time ?? '10:00',
            durationMinutes: 120,
            zone,
            title: `Comité de suivi — ${title}`,
            location: year?.meeting?.location ?? null,
          },
        },
      ];
    }
    case 'send-review-to-procureur': {
      const year = context.reviews.find((y) => y.term === effect.term && y.termYear === effect.termYear);
      const withRole = (role: string) =>
        Object.entries(context.data.parties)
          .filter(([, p]) => p.role === role)
          .map(([pid]) => pid);
      return [
        {
          ...base,
          kind: 'procureur',
          template: 'procureur',
          summary: `Envoi du bilan au procureur — année ${effect.termYear}`,
          to: partyRecipients(context, withRole('procureur')),
          cc: partyRecipients(context, withRole('etat')),
          data: {
            ...base.data,
            termYear: effect.termYear,
            report: year?.report ?? null,
            recommendations: year?.review?.recommendations ?? [],
            heldOn: year?.review?.heldOn ?? null,
          },
        },
      ];
    }
  }
}
