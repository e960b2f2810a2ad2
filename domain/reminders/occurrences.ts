import { addDays, localDate, startOfLocalDay, type CivilDate } from '../calendar/dates';
import type { ReminderLadderName } from '../convention/schema';
import type { ConventionContext, ReviewYear } from '../lifecycle/context';
import type { ConventionSnapshot } from '../lifecycle/decide';
import { effectKey, termKey, type NoticeKind } from '../lifecycle/effects';
import { inForceRegions } from '../lifecycle/phase';
import { deadlines, type Deadline } from '../lifecycle/view';
import { conventionHeader, mailId } from '../mail/content';
import type { MailRequest } from '../mail/mail-request';
import { CURRENT_MAIL_BEHAVIOUR, noticeMail, type MailBehaviour } from '../mail/notices';
import { addressing, partiesWithRole } from '../mail/recipients';
import { reportLabel, reportReminder } from '../mail/reminders/activity-report';
import {
  meetingLabel,
  meetingReminder,
  schedulingLabel,
  schedulingReminder,
} from '../mail/reminders/committee';
import type { ReminderBody, ReminderOccasion } from '../mail/reminders/common';
import { paymentLabel, paymentReminder } from '../mail/reminders/payment';
import { signatureLabel, signatureReminder } from '../mail/reminders/signature';
import { START_LABEL, startReminder } from '../mail/reminders/start';
import {
  DENUNCIATION_LABEL,
  denunciationReminder,
  EXPIRY_LABEL,
  expiryReminder,
  RENEWAL_LABEL,
  renewalReminder,
} from '../mail/reminders/term-end';
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

/** One ladder of a deadline: when its rungs go out, and the content module that writes them. */
function ladderOccurrences(
  p: Planning,
  spec: {
    ladder: ReminderLadderName;
    subject: string;
    reference: CivilDate;
    since: number;
    label: (rung: Rung) => string;
    build: (occasion: ReminderOccasion) => ReminderBody;
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
        `${termKey(conventionId, term)}/rappel/${spec.ladder}/${spec.subject}/${rung.name}/${rung.date}`,
      );
      return {
        id,
        rung,
        since: spec.since,
        label: spec.label(rung),
        mail: () => {
          const facts = rungFacts(rung, ladder);
          const body = spec.build({
            context: p.context,
            etat: p.etat,
            term,
            rung,
            escalated: facts.escalated,
          });
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

function deadlineOccurrences(p: Planning, deadline: Deadline): LadderPlan[] {
  const { context } = p;
  switch (deadline.kind) {
    case 'signature':
      return signatureReminders(p, deadline.subject);
    case 'start':
      return ladderOccurrences(p, {
        ladder: 'start',
        subject: 'convention',
        reference: deadline.dueDate,
        since: Math.max(0, ...Object.values(context.signatures).map((s) => s.recordedAt)),
        label: () => START_LABEL,
        build: (o) => startReminder(o, deadline.dueDate),
      });
    case 'salary-payment':
    case 'state-participation':
    case 'co-financing': {
      const item = context.ledger.find((i) => i.id === deadline.subject);
      if (!item) return [];
      return ladderOccurrences(p, {
        ladder: deadline.kind,
        subject: item.id,
        reference: item.dueDate,
        since: p.opened,
        term: p.behaviour.linesKeepTheirTerm ? item.term : p.term,
        label: () => paymentLabel(context, item),
        build: (o) => paymentReminder(o, item),
      });
    }
    case 'activity-report': {
      const year = reviewYear(context, deadline.termYear);
      if (!year) return [];
      return ladderOccurrences(p, {
        ladder: 'activity-report',
        subject: deadline.subject,
        reference: deadline.dueDate,
        since: Math.max(p.opened, year.meeting?.scheduledAt ?? 0),
        label: () => reportLabel(year),
        build: (o) => reportReminder(o, deadline, year),
      });
    }
    case 'committee-meeting': {
      const year = reviewYear(context, deadline.termYear);
      if (!year) return [];
      const meeting = year.meeting;
      if (!meeting)
        return ladderOccurrences(p, {
          ladder: 'committee-scheduling',
          subject: deadline.subject,
          reference: deadline.dueDate,
          since: p.opened,
          label: () => schedulingLabel(year),
          build: (o) => schedulingReminder(o, deadline, year),
        });
      return ladderOccurrences(p, {
        ladder: 'committee-meeting',
        subject: `annee-${year.termYear}`,
        reference: meeting.date,
        since: Math.max(p.opened, meeting.scheduledAt),
        label: (rung) => meetingLabel(year, rung),
        build: (o) => meetingReminder(o, year),
      });
    }
    case 'renewal-decision': {
      const term = context.term!;
      return ladderOccurrences(p, {
        ladder: 'renewal-decision',
        subject: deadline.subject,
        reference: term.endDate,
        since: Math.max(p.opened, startOfLocalDay(term.concertationOpensOn, p.code)),
        label: () => RENEWAL_LABEL,
        build: renewalReminder,
      });
    }
    case 'denunciation-notice':
      // Once non-renewal is decided the convention ends anyway: a reminder to denounce would be noise.
      if (context.renewal?.decision === 'not_renew') return [];
      return ladderOccurrences(p, {
        ladder: 'denunciation-notice',
        subject: deadline.subject,
        reference: context.term!.noticeDeadline,
        since: p.opened,
        label: () => DENUNCIATION_LABEL,
        build: denunciationReminder,
      });
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
  return ladderOccurrences(p, {
    ladder: 'signature',
    subject: partyId,
    reference: opened,
    since: decision.decidedAt,
    label: () => signatureLabel(party.organisation),
    build: (o) => signatureReminder(o, partyId, opened, startDate),
  });
}

function expiryReminders(p: Planning, deadline: Deadline): LadderPlan[] {
  const { context } = p;
  const denunciation = context.denunciation;
  const notRenewed = context.renewal?.decision === 'not_renew' ? context.renewal : null;
  // Only an end that is certain is announced; an undecided renewal has its own reminders.
  if (!denunciation && !notRenewed) return [];
  const decidedAt = Math.max(denunciation?.recordedAt ?? 0, notRenewed?.recordedAt ?? 0);
  return ladderOccurrences(p, {
    ladder: 'expiry',
    subject: deadline.subject,
    reference: context.term!.endDate,
    since: Math.max(p.opened, decidedAt),
    label: () => EXPIRY_LABEL,
    build: expiryReminder,
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
