import { addDays, formatFrenchDate, localDate, startOfLocalDay, type CivilDate } from '../calendar/dates';
import { zoneOf } from '../calendar/departements';
import type { ReminderLadderName } from '../convention/schema';
import type { ConventionContext, LedgerItem, ReviewYear } from '../lifecycle/context';
import type { ConventionSnapshot } from '../lifecycle/decide';
import { effectKey, type NoticeKind } from '../lifecycle/effects';
import { inForceRegions } from '../lifecycle/phase';
import { amountPaid, computeTerm } from '../lifecycle/term';
import { DEADLINE_LABELS, deadlines, type Deadline } from '../lifecycle/view';
import { mailAction, type MailAction } from '../mail/actions';
import { meetingIcs } from '../mail/calendar-entries';
import {
  conventionHeader,
  dated,
  formatEuros,
  frenchMonth,
  frenchTime,
  mailId,
  ofFrenchMonth,
  type Fact,
} from '../mail/content';
import type { IcsEvent, MailRequest, Recipient } from '../mail/mail-request';
import { CURRENT_MAIL_BEHAVIOUR, noticeMail, type MailBehaviour } from '../mail/notices';
import {
  addressing,
  allParties,
  committeeMembers,
  hostServices,
  organisations,
  partiesWithRole,
  partyRecipients,
  signatories,
} from '../mail/recipients';
import { reminderPolicy, type Ladder, type ReminderPolicy } from './policy';
import { earliestRungDate, ladderRungs, noticeRung, type Rung } from './slots';

/**
 * Every reminder the convention's current state calls for, each with its send instant and its
 * identity. Only pending deadlines have ladders, so a reminder stops by itself once its event is
 * recorded; recipients and wording are read from the state when the message is built.
 */
export interface Occurrence {
  id: string;
  rung: Rung;
  /** The moment its ladder began to apply: a rung planned before it never goes out. */
  since: number;
  /** For the workflow's timer: "versement du salaire de mars 2027". */
  label: string;
  mail(): MailRequest;
}

/** One ladder, computed only when the planner needs it. */
export interface LadderPlan {
  /** No occurrence of this ladder is sent before this local date. */
  earliest: CivilDate;
  occurrences(): Occurrence[];
}

type Body = Pick<MailRequest, 'template' | 'summary' | 'to' | 'cc' | 'data' | 'ics'>;

interface Planning {
  context: ConventionContext;
  code: ConventionContext['data']['departement'];
  policy: ReminderPolicy;
  now: number;
  /** The term number in every identity: t0 before the convention is in force. */
  term: number;
  behaviour: MailBehaviour;
  etat: string[];
  /** When the current term began to apply (0 before the convention is in force). */
  opened: number;
}

export function reminderLadders(
  snapshot: ConventionSnapshot,
  now: number,
  behaviour: MailBehaviour = CURRENT_MAIL_BEHAVIOUR,
): LadderPlan[] {
  const context = snapshot.context;
  const planning: Planning = {
    context,
    code: context.data.departement,
    policy: reminderPolicy(context.data.reminders),
    now,
    term: context.term?.number ?? 0,
    behaviour,
    etat: partiesWithRole(context, 'etat'),
    opened: context.term ? termOpenedAt(context) : 0,
  };
  const list: LadderPlan[] = [];
  for (const deadline of deadlines(snapshot)) list.push(...deadlineOccurrences(planning, deadline));
  list.push(...clockNotices(planning, snapshot, behaviour));
  return list;
}

/** Every occurrence at once, for tests and documentation. */
export function reminderOccurrences(snapshot: ConventionSnapshot, now: number): Occurrence[] {
  return reminderLadders(snapshot, now).flatMap((ladder) => ladder.occurrences());
}

/** When the current term began to apply: its first day, or the last signature if it came later. */
export function termOpenedAt(context: ConventionContext): number {
  const term = context.term!;
  const code = context.data.departement;
  const first = startOfLocalDay(term.startDate, code);
  if (term.number > 1) return first;
  const signed = Object.values(context.signatures).map((s) => s.recordedAt);
  return Math.max(first, ...signed);
}

function rungFacts(rung: Rung, ladder: Ladder) {
  return {
    name: rung.name,
    overdue: rung.offset > 0,
    businessDays: Math.abs(rung.offset),
    escalated: ladder.escalateAfter !== null && rung.offset >= ladder.escalateAfter,
  };
}

function tag(rung: Rung, escalated: boolean): string {
  const offset = rung.offset < 0 ? `J-${-rung.offset}` : `J+${rung.offset}`;
  return escalated ? `${offset}, copie préfecture` : offset;
}

function ladderOccurrences(
  p: Planning,
  spec: {
    ladder: ReminderLadderName;
    subject: string;
    reference: CivilDate;
    since: number;
    label: (rung: Rung) => string;
    build: (rung: Rung, escalated: boolean) => Body;
    /** The term in the identity, when not the current one (a line carried from its own term). */
    term?: number;
  },
): LadderPlan[] {
  const ladder = p.policy.ladders[spec.ladder];
  const conventionId = p.context.conventionId;
  const term = spec.term ?? p.term;
  const occurrences = () =>
    ladderRungs(p.code, spec.reference, ladder, p.policy.hour, p.now).map((rung): Occurrence => {
      const id = mailId(
        `${conventionId}/t${term}/rappel/${spec.ladder}/${spec.subject}/${rung.name}/${rung.date}`,
      );
      return {
        id,
        rung,
        since: spec.since,
        label: spec.label(rung),
        mail: () => {
          const facts = rungFacts(rung, ladder);
          const body = spec.build(rung, facts.escalated);
          // Escalated means the préfecture is really copied: not when it is the awaited party itself.
          facts.escalated = body.cc.some((r) => r.partyId !== null && p.etat.includes(r.partyId));
          return {
            id,
            conventionId,
            kind: 'reminder',
            ...body,
            ...addressing(body.to, body.cc),
            data: { ...conventionHeader(p.context), rung: facts, ...body.data },
          };
        },
      };
    });
  return [{ earliest: earliestRungDate(spec.reference, ladder), occurrences }];
}

/** An all-day calendar entry on the due date. */
function deadlineIcs(
  p: Planning,
  uidKey: string,
  date: CivilDate,
  title: string,
  rung: Rung,
  term = p.term,
): IcsEvent {
  return {
    uid: mailId(`${p.context.conventionId}/t${term}/echeance/${uidKey}`),
    date,
    start: null,
    durationMinutes: 24 * 60,
    zone: zoneOf(p.code),
    title: `${title.charAt(0).toUpperCase()}${title.slice(1)} — ${conventionHeader(p.context).title}`,
    description: null,
    location: null,
    sequence: Math.floor(rung.at / 60_000),
    stamp: rung.at,
  };
}

function copies(p: Planning, escalated: boolean, actorIds: string[]): Recipient[] {
  if (!escalated || actorIds.some((id) => p.etat.includes(id))) return [];
  return partyRecipients(p.context, p.etat);
}

function deadlineOccurrences(p: Planning, deadline: Deadline): LadderPlan[] {
  const { context } = p;
  switch (deadline.kind) {
    case 'signature':
      return signatureReminders(p, deadline.subject);
    case 'start':
      return startReminders(p, deadline);
    case 'salary-payment':
    case 'state-participation':
    case 'co-financing': {
      const item = context.ledger.find((i) => i.id === deadline.subject);
      return item ? paymentReminders(p, deadline, item) : [];
    }
    case 'activity-report': {
      const year = reviewYear(context, deadline.termYear);
      return year ? reportReminders(p, deadline, year) : [];
    }
    case 'committee-meeting': {
      const year = reviewYear(context, deadline.termYear);
      if (!year) return [];
      return year.meeting ? meetingReminders(p, year) : schedulingReminders(p, deadline, year);
    }
    case 'renewal-decision':
      return renewalReminders(p, deadline);
    case 'denunciation-notice':
      return denunciationReminders(p, deadline);
    case 'expiry':
      return expiryReminders(p, deadline);
  }
}

function reviewYear(context: ConventionContext, termYear: number | undefined): ReviewYear | undefined {
  return context.reviews.find((y) => y.term === context.term?.number && y.termYear === termYear);
}

function signatureReminders(p: Planning, partyId: string): LadderPlan[] {
  const { context } = p;
  const decision = context.recruitment.decision;
  const party = context.data.parties[partyId];
  const startDate = context.data.startDate;
  if (!decision || !party || !startDate) return [];
  const opened = localDate(decision.decidedAt, p.code);
  const signed = Object.keys(context.signatures).sort();
  const pending = signatories(context).filter((id) => !context.signatures[id]);
  return ladderOccurrences(p, {
    ladder: 'signature',
    subject: partyId,
    reference: opened,
    since: decision.decidedAt,
    label: () => `signature de ${party.organisation}`,
    build: (_rung, escalated) => {
      const cc = copies(p, escalated, [partyId]);
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
    },
  });
}

function startReminders(p: Planning, deadline: Deadline): LadderPlan[] {
  const { context } = p;
  const signedAt = Object.values(context.signatures).map((s) => s.recordedAt);
  const term = computeTerm(context.data, 1, deadline.dueDate);
  const hosts = hostServices(context);
  const employer = context.data.employerPartyId;
  const addressees = employer ? [...hosts, employer] : hosts;
  return ladderOccurrences(p, {
    ladder: 'start',
    subject: 'convention',
    reference: deadline.dueDate,
    since: Math.max(0, ...signedAt),
    label: () => 'prise d’effet de la convention',
    build: (rung) => ({
      template: 'reminders/start',
      summary: `Rappel: prise d’effet le ${formatFrenchDate(deadline.dueDate)}`,
      to: partyRecipients(context, addressees),
      cc: [],
      data: {
        deadline: { label: DEADLINE_LABELS.start, ...dated(deadline.dueDate) },
        endDate: dated(term.endDate),
        hosts: organisations(context, hosts),
        site: context.data.site ?? {},
        facts: [
          { label: 'Prise d’effet', value: formatFrenchDate(deadline.dueDate) },
          { label: 'Fin de la première période', value: formatFrenchDate(term.endDate) },
          { label: 'Service d’accueil', value: organisations(context, hosts) },
        ] satisfies Fact[],
        action: null,
      },
      ics: deadlineIcs(p, 'prise-d-effet', deadline.dueDate, 'Prise d’effet de la convention ISCG', rung),
    }),
  });
}

function paymentLabel(context: ConventionContext, item: LedgerItem): string {
  if (item.kind === 'salary') return `versement du salaire ${ofFrenchMonth(item.month ?? '')}`;
  if (item.kind === 'state-participation') return `participation de l’État, année ${item.termYear}`;
  const payer = context.data.parties[item.payerPartyId]?.organisation ?? item.payerPartyId;
  return `contribution de ${payer}, année ${item.termYear}`;
}

function paymentReminders(p: Planning, deadline: Deadline, item: LedgerItem): LadderPlan[] {
  const { context } = p;
  const payer = item.payerPartyId;
  const employer = context.data.employerPartyId;
  const label = paymentLabel(context, item);
  const paid = amountPaid(item);
  const suspended = context.suspensions.find((s) => s.to === null) ?? null;
  const salary = item.kind === 'salary';
  const remaining = item.plannedAmountEur === null ? null : Math.max(item.plannedAmountEur - paid, 0);
  const term = p.behaviour.linesKeepTheirTerm ? item.term : p.term;
  return ladderOccurrences(p, {
    ladder: deadline.kind,
    subject: item.id,
    reference: item.dueDate,
    since: p.opened,
    term,
    label: () => label,
    build: (rung, escalated) => {
      const action: MailAction = mailAction(context.conventionId, 'RECORD_PAYMENT', {
        itemId: item.id,
        paidOn: 'AAAA-MM-JJ',
        ...(salary ? {} : { amountEur: remaining }),
      });
      const facts: Fact[] = [
        { label: 'Échéance', value: formatFrenchDate(item.dueDate) },
        { label: 'Attendu de', value: organisations(context, [payer]) },
        { label: 'Référence de l’échéance', value: item.id },
      ];
      if (item.plannedAmountEur !== null)
        facts.push({ label: 'Montant prévu', value: formatEuros(item.plannedAmountEur) });
      if (paid > 0) facts.push({ label: 'Déjà reçu', value: formatEuros(paid) });
      const escalation = copies(p, escalated, [payer]);
      return {
        template: salary ? 'reminders/salary-payment' : 'reminders/contribution',
        summary: `${rung.offset > 0 ? 'Relance' : 'Rappel'}: ${label} (${tag(rung, escalation.length > 0)})`,
        to: partyRecipients(context, [payer]),
        cc: [
          ...(!salary && employer && employer !== payer ? partyRecipients(context, [employer]) : []),
          ...escalation,
        ],
        data: {
          deadline: { label, ...dated(item.dueDate) },
          item: {
            id: item.id,
            kind: item.kind,
            month: item.month ? frenchMonth(item.month) : null,
            termYear: item.termYear,
            plannedAmountEur: item.plannedAmountEur,
            paidEur: paid,
            remainingEur: remaining,
            nonPaymentNotedOn: item.nonPayment ? formatFrenchDate(item.nonPayment.notedOn) : null,
          },
          payer: organisations(context, [payer]),
          employer: employer ? organisations(context, [employer]) : null,
          suspendedSince: suspended ? formatFrenchDate(suspended.from) : null,
          facts,
          action,
        },
        ics: deadlineIcs(p, item.id, item.dueDate, label, rung, term),
      };
    },
  });
}

function reportReminders(p: Planning, deadline: Deadline, year: ReviewYear): LadderPlan[] {
  const { context } = p;
  const employer = deadline.partyIds;
  const label = `bilan d’activité de l’année ${year.termYear}`;
  return ladderOccurrences(p, {
    ladder: 'activity-report',
    subject: deadline.subject,
    reference: deadline.dueDate,
    since: Math.max(p.opened, year.meeting?.scheduledAt ?? 0),
    label: () => label,
    build: (rung, escalated) => {
      const cc = copies(p, escalated, employer);
      return {
        template: 'reminders/activity-report',
        summary: `${rung.offset > 0 ? 'Relance' : 'Rappel'}: ${label} (${tag(rung, cc.length > 0)})`,
        to: partyRecipients(context, employer),
        cc,
        data: {
          deadline: { label: `Bilan d’activité de l’année ${year.termYear}`, ...dated(deadline.dueDate) },
          termYear: year.termYear,
          year: { start: dated(year.yearStart), end: dated(year.yearEnd) },
          meeting: year.meeting ? { ...dated(year.meeting.date), time: year.meeting.time } : null,
          employer: organisations(context, employer),
          facts: [
            { label: 'À remettre au plus tard le', value: formatFrenchDate(deadline.dueDate) },
            { label: 'Attendu de', value: organisations(context, employer) },
            {
              label: 'Année de la convention',
              value: `${year.termYear} (du ${formatFrenchDate(year.yearStart)} au ${formatFrenchDate(year.yearEnd)})`,
            },
          ] satisfies Fact[],
          action: mailAction(context.conventionId, 'SUBMIT_ACTIVITY_REPORT', {
            termYear: year.termYear,
            submittedOn: 'AAAA-MM-JJ',
            documentRef: 'REFERENCE-DU-BILAN',
            statistics: { 'personnes-recues': 0 },
          }),
        },
        ics: deadlineIcs(p, deadline.subject + '-bilan', deadline.dueDate, `Bilan d’activité ISCG`, rung),
      };
    },
  });
}

function schedulingReminders(p: Planning, deadline: Deadline, year: ReviewYear): LadderPlan[] {
  const { context } = p;
  const label = `convocation du comité de suivi de l’année ${year.termYear}`;
  return ladderOccurrences(p, {
    ladder: 'committee-scheduling',
    subject: deadline.subject,
    reference: deadline.dueDate,
    since: p.opened,
    label: () => label,
    build: (rung) => ({
      template: 'reminders/committee-scheduling',
      summary: `${rung.offset > 0 ? 'Relance' : 'Rappel'}: ${label} (${tag(rung, false)})`,
      to: partyRecipients(context, deadline.partyIds),
      cc: [],
      data: {
        deadline: { label: `Comité de suivi de l’année ${year.termYear}`, ...dated(deadline.dueDate) },
        termYear: year.termYear,
        year: { start: dated(year.yearStart), end: dated(year.yearEnd) },
        reportSubmitted: year.report !== null,
        members: organisations(context, committeeMembers(context)),
        facts: [
          { label: 'Réunion à tenir au plus tard le', value: formatFrenchDate(deadline.dueDate) },
          { label: 'Membres du comité', value: organisations(context, committeeMembers(context)) },
          { label: 'Bilan d’activité', value: year.report ? 'remis' : 'pas encore remis' },
        ] satisfies Fact[],
        action: mailAction(context.conventionId, 'SCHEDULE_COMMITTEE', {
          termYear: year.termYear,
          meetingDate: 'AAAA-MM-JJ',
          meetingTime: '10:00',
          location: 'LIEU DE LA RÉUNION',
        }),
      },
      ics: null,
    }),
  });
}

function meetingReminders(p: Planning, year: ReviewYear): LadderPlan[] {
  const { context } = p;
  const meeting = year.meeting!;
  const members = committeeMembers(context);
  const meetingFacts: Fact[] = [
    { label: 'Date', value: formatFrenchDate(meeting.date) },
    { label: 'Heure', value: frenchTime(meeting.time) },
    { label: 'Lieu', value: meeting.location ?? 'à préciser par la préfecture' },
    { label: 'Bilan d’activité', value: year.report ? 'remis' : 'pas encore remis' },
  ];
  return ladderOccurrences(p, {
    ladder: 'committee-meeting',
    subject: `annee-${year.termYear}`,
    reference: meeting.date,
    since: Math.max(p.opened, meeting.scheduledAt),
    label: (rung) =>
      rung.offset < 0
        ? `comité de suivi du ${formatFrenchDate(meeting.date)}`
        : `compte rendu du comité de suivi de l’année ${year.termYear}`,
    build: (rung) =>
      rung.offset < 0
        ? {
            template: 'reminders/committee-meeting',
            summary: `Rappel: comité de suivi de l’année ${year.termYear} (${tag(rung, false)})`,
            to: partyRecipients(context, members),
            cc: [],
            data: {
              deadline: { label: `Comité de suivi de l’année ${year.termYear}`, ...dated(meeting.date) },
              termYear: year.termYear,
              meeting: { ...dated(meeting.date), time: meeting.time, location: meeting.location },
              reportSubmitted: year.report !== null,
              facts: meetingFacts,
              action: null,
            },
            ics: meetingIcs(context, year, meeting, rung.at),
          }
        : {
            template: 'reminders/committee-review',
            summary: `Relance: compte rendu du comité de l’année ${year.termYear} (${tag(rung, false)})`,
            to: partyRecipients(context, p.etat),
            cc: [],
            data: {
              deadline: { label: `Comité de suivi de l’année ${year.termYear}`, ...dated(meeting.date) },
              termYear: year.termYear,
              meeting: { ...dated(meeting.date), time: meeting.time, location: meeting.location },
              reportSubmitted: year.report !== null,
              facts: meetingFacts,
              action: mailAction(context.conventionId, 'RECORD_COMMITTEE_REVIEW', {
                termYear: year.termYear,
                heldOn: meeting.date,
                recommendations: ['PRÉCONISATION DU COMITÉ'],
                minutesRef: 'REFERENCE-DU-COMPTE-RENDU',
              }),
            },
            ics: null,
          },
  });
}

function renewalReminders(p: Planning, deadline: Deadline): LadderPlan[] {
  const { context } = p;
  const term = context.term!;
  const others = signatories(context).filter((id) => !p.etat.includes(id));
  return ladderOccurrences(p, {
    ladder: 'renewal-decision',
    subject: deadline.subject,
    reference: term.endDate,
    since: Math.max(p.opened, startOfLocalDay(term.concertationOpensOn, p.code)),
    label: () => 'décision sur la reconduction',
    build: (rung) => ({
      template: 'reminders/renewal-decision',
      summary: `Rappel: décision sur la reconduction (${tag(rung, false)})`,
      to: partyRecipients(context, p.etat),
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
      ics: deadlineIcs(p, 'echeance', term.endDate, 'Échéance de la convention ISCG', rung),
    }),
  });
}

function denunciationReminders(p: Planning, deadline: Deadline): LadderPlan[] {
  const { context } = p;
  const term = context.term!;
  // Once non-renewal is decided the convention ends anyway: a reminder to denounce would be noise.
  if (context.renewal?.decision === 'not_renew') return [];
  return ladderOccurrences(p, {
    ladder: 'denunciation-notice',
    subject: deadline.subject,
    reference: term.noticeDeadline,
    since: p.opened,
    label: () => 'échéance du préavis de dénonciation',
    build: (rung) => ({
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
      ics: deadlineIcs(p, 'preavis', term.noticeDeadline, 'Fin du préavis de dénonciation ISCG', rung),
    }),
  });
}

function expiryReminders(p: Planning, deadline: Deadline): LadderPlan[] {
  const { context } = p;
  const term = context.term!;
  const denunciation = context.denunciation;
  const notRenewed = context.renewal?.decision === 'not_renew' ? context.renewal : null;
  // Only an end that is certain is announced; an undecided renewal has its own reminders.
  if (!denunciation && !notRenewed) return [];
  const decidedAt = Math.max(denunciation?.recordedAt ?? 0, notRenewed?.recordedAt ?? 0);
  return ladderOccurrences(p, {
    ladder: 'expiry',
    subject: deadline.subject,
    reference: term.endDate,
    since: Math.max(p.opened, decidedAt),
    label: () => 'fin de la convention',
    build: (rung) => ({
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
      ics: deadlineIcs(p, 'echeance', term.endDate, 'Fin de la convention ISCG', rung),
    }),
  });
}

/**
 * Notices the clock triggers (start of a term, opening of the concertation) would otherwise go
 * out at midnight: they are sent at the first send slot after the moment, like reminders. Their
 * identity is the effect's, so a notice is never sent by both paths.
 */
function clockNotices(p: Planning, snapshot: ConventionSnapshot, behaviour: MailBehaviour): LadderPlan[] {
  const { context } = p;
  const term = context.term;
  const regions = inForceRegions(snapshot.value);
  const list: { notice: NoticeKind; key: string; since: number; label: string }[] = [];
  const ended = context.termination;
  // The end at expiry is known at midnight: announced on the next business morning.
  if (behaviour.endNoticeNextMorning && term && ended && ended.reason !== 'abandoned')
    list.push({
      notice: 'terminated',
      key: ended.reason,
      since: startOfLocalDay(addDays(ended.on, 1), p.code),
      label: 'avis de fin de la convention',
    });
  if (!term || !regions) return list.map((n) => clockNotice(p, n));
  const opened = p.opened;
  list.push(
    term.number === 1
      ? { notice: 'in-force', key: `t${term.number}`, since: opened, label: 'avis de prise d’effet' }
      : { notice: 'renewed', key: `t${term.number}`, since: opened, label: 'avis de reconduction' },
  );
  if (regions.term === 'concertation' && !context.denunciation)
    list.push({
      notice: 'concertation-opened',
      key: `t${term.number}`,
      since: Math.max(opened, startOfLocalDay(term.concertationOpensOn, p.code)),
      label: 'avis d’ouverture de la concertation',
    });
  return list.map((n) => clockNotice(p, n));
}

function clockNotice(
  p: Planning,
  { notice, key, since, label }: { notice: NoticeKind; key: string; since: number; label: string },
): LadderPlan {
  const { context } = p;
  const term = context.term!;
  const id = mailId(
    effectKey(context.conventionId, { type: 'notify-parties', notice, term: term.number, key }),
  );
  const rung = noticeRung(p.code, since, p.policy.hour);
  const occurrence: Occurrence = {
    id,
    rung,
    since,
    label,
    mail: () => noticeMail(context, notice, id),
  };
  return { earliest: rung.date, occurrences: () => [occurrence] };
}
