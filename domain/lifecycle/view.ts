import { dueDateByRule } from '../calendar/business-days';
import { addDays, compareDates, localDate, type CivilDate } from '../calendar/dates';
import { departement } from '../calendar/departements';
import {
  missingBlanks,
  partyIdsWithRole,
  signatoryPartyIds,
  type CompleteConventionData,
  type MissingBlank,
} from '../convention/completeness';
import type { ConventionContext, LedgerItem, ReviewYear, Term } from './context';
import { acceptedEvents, type ConventionSnapshot } from './decide';
import {
  CLOSED_DAY_RULE_BY_KIND,
  DEADLINE_LABELS,
  LEDGER_DEADLINE_KIND,
  type DeadlineKind,
} from './deadline-kinds';
import type { ExternalEventType } from './events';
import { inForceRegions, PHASE_LABELS, phaseOf, type Phase } from './phase';
import { buildLedger, computeTerm, isSettled, ledgerStatus, type LedgerStatus } from './term';

export { DEADLINE_KINDS, DEADLINE_LABELS, type DeadlineKind } from './deadline-kinds';

export interface Deadline {
  kind: DeadlineKind;
  /** What the deadline is about: a ledger item, a term year, a party. Unique with `kind`. */
  subject: string;
  dueDate: CivilDate;
  /** Parties expected to act; empty for dates that only inform. */
  partyIds: string[];
  label: string;
  /** The year of the term an activity report or a committee meeting is about. */
  termYear?: number;
}

/** The day the activity report must be in: the day before the meeting, or the year's last day. */
export function reportDueDate(context: Pick<ConventionContext, 'data'>, year: ReviewYear): CivilDate {
  const code = context.data.departement;
  const written = year.meeting ? addDays(year.meeting.date, -1) : year.yearEnd;
  return dueDateByRule(code, written, CLOSED_DAY_RULE_BY_KIND['activity-report']);
}

/** The meeting's day once set (always a business day), else the year's last day. */
export function meetingDueDate(context: ConventionContext, year: ReviewYear): CivilDate {
  const code = context.data.departement;
  return year.meeting
    ? year.meeting.date
    : dueDateByRule(code, year.yearEnd, CLOSED_DAY_RULE_BY_KIND['committee-meeting']);
}

/** Every pending deadline of the convention in its current state, overdue ones included. */
export function deadlines(snapshot: ConventionSnapshot): Deadline[] {
  const context = snapshot.context;
  const phase = phaseOf(snapshot);
  const list: Deadline[] = [];
  const add = (
    kind: DeadlineKind,
    subject: string,
    dueDate: CivilDate,
    partyIds: string[],
    detail?: string,
    termYear?: number,
  ) =>
    list.push({
      kind,
      subject,
      dueDate,
      partyIds,
      label: detail ? `${DEADLINE_LABELS[kind]} — ${detail}` : DEADLINE_LABELS[kind],
      ...(termYear === undefined ? {} : { termYear }),
    });

  if (phase === 'signature' && context.data.startDate) {
    for (const partyId of signatoryPartyIds(context.data))
      if (!context.signatures[partyId])
        add(
          'signature',
          partyId,
          context.data.startDate,
          [partyId],
          context.data.parties[partyId]?.organisation,
        );
  }
  if (phase === 'awaiting_start' && context.data.startDate)
    add('start', 'convention', context.data.startDate, []);

  const regions = inForceRegions(snapshot.value);
  const term = context.term;
  // Every line still owed, of any term, until it is settled: in force, and once ended (settling).
  if ((regions && term) || phase === 'settling')
    for (const item of context.ledger) {
      if (isSettled(item)) continue;
      add(
        LEDGER_DEADLINE_KIND[item.kind],
        item.id,
        item.dueDate,
        [item.payerPartyId],
        item.month ?? `année ${item.termYear}`,
      );
    }
  if (regions && term) {
    const etat = partyIdsWithRole(context.data.parties, 'etat');
    for (const year of context.reviews) {
      if (year.term !== term.number || year.review) continue;
      if (!year.report)
        add(
          'activity-report',
          `annee-${year.termYear}`,
          reportDueDate(context, year),
          [context.data.employerPartyId!],
          `année ${year.termYear}`,
          year.termYear,
        );
      add(
        'committee-meeting',
        `annee-${year.termYear}`,
        meetingDueDate(context, year),
        etat,
        `année ${year.termYear}`,
        year.termYear,
      );
    }
    if (!context.denunciation) {
      add('denunciation-notice', `t${term.number}`, term.noticeDeadline, []);
      if (!context.renewal) add('renewal-decision', `t${term.number}`, term.endDate, etat);
    }
    add('expiry', `t${term.number}`, term.endDate, []);
  }
  return list.sort((a, b) => compareDates(a.dueDate, b.dueDate) || a.kind.localeCompare(b.kind));
}

export interface LedgerLine extends LedgerItem {
  status: LedgerStatus;
}

export interface ConventionView {
  conventionId: string;
  slug: string;
  departement: { code: string; name: string };
  title: string;
  phase: Phase;
  phaseLabel: string;
  today: CivilDate;
  flags: {
    suspended: boolean;
    postVacant: boolean;
    denounced: boolean;
    renewal: 'renew' | 'not_renew' | null;
  };
  data: ConventionContext['data'];
  missingBlanks: MissingBlank[];
  recruitment: ConventionContext['recruitment'];
  post: ConventionContext['post'];
  signatures: { required: string[]; missing: string[]; collected: ConventionContext['signatures'] };
  term: ConventionContext['term'];
  pastTerms: ConventionContext['pastTerms'];
  ledger: LedgerLine[];
  /**
   * Signed, before it takes effect (`awaiting_start`): the first term and its ledger as they will
   * open on the start date, computed from the signed data by the rule that will open them (the
   * lines' ids and due dates are final). Null in every other phase.
   */
  schedule: { term: Term; ledger: LedgerItem[] } | null;
  ledgerSummary: {
    termYear: number;
    due: number;
    paid: number;
    late: number;
    unpaid: number;
    upcoming: number;
  }[];
  suspensions: ConventionContext['suspensions'];
  reviews: ConventionContext['reviews'];
  renewal: ConventionContext['renewal'];
  denunciation: ConventionContext['denunciation'];
  termination: ConventionContext['termination'];
  deadlines: (Deadline & { overdue: boolean })[];
  nextDeadline: (Deadline & { overdue: boolean }) | null;
  acceptedEvents: ExternalEventType[];
  history: ConventionContext['history'];
}

function scheduleOf(context: ConventionContext): ConventionView['schedule'] {
  const data = context.data;
  if (!data.startDate || missingBlanks(data).length > 0) return null;
  const term = computeTerm(data, 1, data.startDate);
  return { term, ledger: buildLedger(data as CompleteConventionData, term) };
}

export function siteTitle(context: ConventionContext): string {
  const site = context.data.site;
  const places = [site?.commissariat, site?.gendarmerieUnit].filter(Boolean).join(' et ');
  return `ISCG ${places || context.slug} (${context.data.departement})`;
}

export function conventionView(snapshot: ConventionSnapshot, now: number): ConventionView {
  const context = snapshot.context;
  const code = context.data.departement;
  const today = localDate(now, code);
  const phase = phaseOf(snapshot);
  const regions = inForceRegions(snapshot.value);
  const ledger = context.ledger.map((item) => ({ ...item, status: ledgerStatus(item, today) }));
  const years = [
    ...new Set(ledger.filter((l) => l.term === context.term?.number).map((l) => l.termYear)),
  ].sort();
  const ledgerSummary = years.map((termYear) => {
    const lines = ledger.filter((l) => l.termYear === termYear && l.term === context.term?.number);
    const n = (s: LedgerStatus) => lines.filter((l) => l.status === s).length;
    return {
      termYear,
      due: n('due'),
      paid: n('paid'),
      late: n('late') + n('partial'),
      unpaid: n('unpaid'),
      upcoming: n('upcoming'),
    };
  });
  const pending = deadlines(snapshot).map((d) => ({ ...d, overdue: compareDates(d.dueDate, today) < 0 }));
  const required = signatoryPartyIds(context.data);
  return {
    conventionId: context.conventionId,
    slug: context.slug,
    departement: { code, name: departement(code).name },
    title: siteTitle(context),
    phase,
    phaseLabel: PHASE_LABELS[phase],
    today,
    flags: {
      suspended: regions?.funding === 'suspended',
      postVacant: regions?.post === 'vacant',
      denounced: context.denunciation !== null,
      renewal: context.renewal?.decision ?? null,
    },
    data: context.data,
    missingBlanks: phase === 'drafting' ? missingBlanks(context.data) : [],
    recruitment: context.recruitment,
    post: context.post,
    signatures: {
      required,
      missing: required.filter((id) => !context.signatures[id]),
      collected: context.signatures,
    },
    term: context.term,
    pastTerms: context.pastTerms,
    ledger,
    schedule: phase === 'awaiting_start' && !context.term ? scheduleOf(context) : null,
    ledgerSummary,
    suspensions: context.suspensions,
    reviews: context.reviews,
    renewal: context.renewal,
    denunciation: context.denunciation,
    termination: context.termination,
    deadlines: pending,
    nextDeadline: pending.find((d) => d.partyIds.length > 0) ?? pending[0] ?? null,
    acceptedEvents: acceptedEvents(snapshot),
    history: context.history,
  };
}
