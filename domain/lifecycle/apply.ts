import { addDays, compareDates, formatFrenchDate, type CivilDate } from '../calendar/dates';
import { behaviourOf, type LifecycleBehaviour } from './behaviour';
import type {
  ConventionContext,
  HistoryEntry,
  LedgerItem,
  PastTerm,
  Recruitment,
  ReviewYear,
  Suspension,
  Term,
} from './context';
import type { Effect, NoticeEffect, NoticeKind } from './effects';
import {
  WRITE_OFF_REASON_LABELS,
  type Actor,
  type ExternalEvent,
  type ExternalEventType,
  type MachineEvent,
} from './events';
import { patchedData, requireComplete, today } from './rules';
import { buildLedger, buildReviews, computeTerm, isSettled, unsettledLines } from './term';

/** What an accepted event does to the context, and the effects it asks for. Pure. */
export interface Applied {
  context: ConventionContext;
  effects: Effect[];
}

type EventOf<T extends ExternalEventType> = Extract<ExternalEvent, { type: T }>;
const SYSTEM: Actor = { kind: 'system' };
const fr = formatFrenchDate;

function withHistory(context: ConventionContext, event: MachineEvent, summary: string): ConventionContext {
  const entry: HistoryEntry = {
    at: event.at,
    event: event.type,
    actor: event.type === 'CLOCK' ? SYSTEM : event.actor,
    summary,
    term: context.term?.number ?? 0,
  };
  return { ...context, history: [...context.history, entry] };
}

function organisation(context: ConventionContext, partyId: string): string {
  return context.data.parties[partyId]?.organisation ?? partyId;
}

function notice(
  context: ConventionContext,
  kind: NoticeKind,
  key: string,
  facts: Pick<NoticeEffect, 'vacantFrom' | 'ending'> = {},
): Effect {
  return { type: 'notify-parties', notice: kind, term: context.term?.number ?? 0, key, ...facts };
}

export function freshRecruitment(reason: Recruitment['reason']): Recruitment {
  return { round: 1, reason, committee: null, applications: null, decision: null, unsuccessfulRounds: 0 };
}

export function amend(context: ConventionContext, event: EventOf<'AMEND'>): Applied {
  const result = patchedData(context.data, event.payload.patch);
  if ('refusal' in result) throw new Error(result.refusal.message);
  const fields = Object.keys(event.payload.patch).join(', ');
  return {
    context: withHistory({ ...context, data: result.data }, event, `Modification: ${fields}`),
    effects: [],
  };
}

export function submitDraft(context: ConventionContext, event: EventOf<'SUBMIT_DRAFT'>): Applied {
  const next = { ...context, recruitment: freshRecruitment('creation') };
  return { context: withHistory(next, event, 'Rédaction terminée: ouverture du recrutement'), effects: [] };
}

export function composeSelectionCommittee(
  context: ConventionContext,
  event: EventOf<'COMPOSE_SELECTION_COMMITTEE'>,
): Applied {
  const firstComposition = context.recruitment.committee === null;
  const recruitment = { ...context.recruitment, committee: event.payload.members };
  const next = withHistory(
    { ...context, recruitment },
    event,
    `Comité de sélection composé (${event.payload.members.length} membres)`,
  );
  // The ANISCG is informed once per recruitment round, when the committee is first composed (art. 3).
  const effects: Effect[] = firstComposition
    ? [
        {
          type: 'inform-aniscg',
          term: context.term?.number ?? 0,
          round: recruitment.round,
          reason: recruitment.reason,
        },
      ]
    : [];
  return { context: next, effects };
}

export function recordApplications(
  context: ConventionContext,
  event: EventOf<'RECORD_APPLICATIONS'>,
): Applied {
  const recruitment = { ...context.recruitment, applications: { ...event.payload } };
  return {
    context: withHistory(
      { ...context, recruitment },
      event,
      `${event.payload.count} candidature(s) enregistrée(s)`,
    ),
    effects: [],
  };
}

export function recordRecruitmentDecision(
  context: ConventionContext,
  event: EventOf<'RECORD_RECRUITMENT_DECISION'>,
): Applied {
  const payload = event.payload;
  const r = context.recruitment;
  const key = `${r.reason}-${r.round}`;
  if (payload.outcome === 'no_suitable_candidate') {
    const recruitment: Recruitment = {
      ...r,
      round: r.round + 1,
      committee: r.committee,
      applications: null,
      unsuccessfulRounds: r.unsuccessfulRounds + 1,
    };
    return {
      context: withHistory(
        { ...context, recruitment },
        event,
        `Aucun candidat retenu: le recrutement est relancé (tour ${recruitment.round})`,
      ),
      effects: [notice(context, 'recruitment-decided', key)],
    };
  }
  const decision = {
    candidateRef: payload.candidateRef,
    startsOn: payload.startsOn ?? null,
    decidedAt: event.at,
  };
  let next: ConventionContext = { ...context, recruitment: { ...r, decision } };
  if (context.term) {
    // A vacancy ends: salaries are due again from the new hire's first day.
    const since = payload.startsOn ?? today(context, event.at);
    next = {
      ...next,
      post: { status: 'filled', since, candidateRef: payload.candidateRef },
      ledger: next.ledger.map((item) =>
        item.waived && item.kind === 'salary' && compareDates(item.contractualDate, since) >= 0
          ? { ...item, waived: null }
          : item,
      ),
    };
  } else {
    next = {
      ...next,
      post: { status: 'filled', since: payload.startsOn ?? null, candidateRef: payload.candidateRef },
    };
  }
  return {
    context: withHistory(next, event, 'Candidat retenu par le comité de sélection'),
    effects: [notice(context, 'recruitment-decided', key)],
  };
}

export function sign(context: ConventionContext, event: EventOf<'SIGN'>): Applied {
  const p = event.payload;
  const signatures = {
    ...context.signatures,
    [p.partyId]: {
      partyId: p.partyId,
      signerName: p.signerName,
      signerTitle: p.signerTitle,
      signedOn: p.signedOn,
      eSignatureRef: p.eSignatureRef ?? null,
      recordedAt: event.at,
      // Set only when the signed version is known: a signature recorded before versions existed has none.
      ...(p.documentVersion !== undefined && p.documentSha256 !== undefined
        ? { document: { version: p.documentVersion, sha256: p.documentSha256 } }
        : {}),
    },
  };
  return {
    context: withHistory({ ...context, signatures }, event, `Signature: ${organisation(context, p.partyId)}`),
    effects: [],
  };
}

export function signaturesComplete(context: ConventionContext): Effect[] {
  return [notice(context, 'signatures-complete', 'toutes')];
}

export function reopenDrafting(context: ConventionContext, event: EventOf<'REOPEN_DRAFTING'>): Applied {
  return {
    context: withHistory(
      { ...context, signatures: {} },
      event,
      `Retour en rédaction; les signatures recueillies sont annulées (${event.payload.reason})`,
    ),
    effects: [],
  };
}

function openTerm(context: ConventionContext, term: Term, behaviour: LifecycleBehaviour): ConventionContext {
  const data = requireComplete(context.data);
  return {
    ...context,
    term,
    ledger: buildLedger(data, term, behaviour),
    reviews: buildReviews(term),
    renewal: null,
    denunciation: null,
  };
}

export function enterFirstTerm(context: ConventionContext, event: MachineEvent): Applied {
  const data = requireComplete(context.data);
  const behaviour = behaviourOf(event);
  const term = computeTerm(data, 1, data.startDate, behaviour);
  const opened = openTerm(
    { ...context, post: { ...context.post, status: 'filled', since: context.post.since ?? data.startDate } },
    term,
    behaviour,
  );
  return {
    context: withHistory(
      opened,
      event,
      `Prise d’effet de la convention (du ${fr(term.startDate)} au ${fr(term.endDate)})`,
    ),
    // Announced by the reminder planner at the first send slot (clockNotices): no effect.
    effects: [],
  };
}

export function openConcertation(context: ConventionContext, event: MachineEvent): Applied {
  const term = context.term!;
  return {
    context: withHistory(
      context,
      event,
      `Ouverture de la concertation sur la reconduction (échéance le ${fr(term.endDate)})`,
    ),
    // Announced by the reminder planner at the first send slot (clockNotices): no effect.
    effects: [],
  };
}

function outstandingNonPayments(ledger: LedgerItem[]): LedgerItem[] {
  return ledger.filter((i) => i.nonPayment && !isSettled(i));
}

/** The day a settled line stopped being owed: its last payment, or the write-off decision. */
function settledOn(item: LedgerItem): CivilDate | null {
  if (item.writeOff) return item.writeOff.decidedOn;
  const paid = item.payments.map((p) => p.paidOn).sort();
  return paid.at(-1) ?? null;
}

const latest = (a: CivilDate, b: CivilDate) => (compareDates(a, b) >= 0 ? a : b);

/**
 * Ends the running suspension once no line recorded unpaid is left open: on the day the last of
 * its lines was settled, as the parties state it (never before the suspension began).
 */
function endSuspension(
  context: ConventionContext,
  event: MachineEvent,
  by: 'payment' | 'write-off',
): { context: ConventionContext; ended: boolean } {
  const open = context.suspensions.find((s) => s.to === null);
  if (!open || outstandingNonPayments(context.ledger).length > 0) return { context, ended: false };
  const days = open.itemIds
    .map((id) => context.ledger.find((item) => item.id === id))
    .map((item) => (item ? settledOn(item) : null))
    .filter((day): day is CivilDate => day !== null);
  const to = days.reduce(latest, open.from);
  const suspensions = context.suspensions.map((s): Suspension =>
    s === open ? { ...s, to, closedAt: event.at, closedBy: by } : s,
  );
  return { context: { ...context, suspensions }, ended: true };
}

export function recordPayment(context: ConventionContext, event: EventOf<'RECORD_PAYMENT'>): Applied {
  const p = event.payload;
  const payment = {
    paidOn: p.paidOn,
    amountEur: p.amountEur ?? null,
    reference: p.reference ?? null,
    recordedAt: event.at,
  };
  const ledger = changeLine(context, p.itemId, (item) => ({
    ...item,
    payments: [...item.payments, payment],
  }));
  const { ended, context: next, effects } = settled(context, ledger, event, 'payment');
  const to = ended ? next.suspensions.find((s) => s.closedAt === event.at)?.to : undefined;
  const summary = `Paiement constaté (${p.itemId}, du ${fr(p.paidOn)})${ended ? `: fin de la suspension${to ? ` le ${fr(to)}` : ''}` : ''}`;
  return { context: withHistory(next, event, summary), effects };
}

/** The ledger with one line changed. */
function changeLine(
  context: ConventionContext,
  itemId: string,
  change: (item: LedgerItem) => LedgerItem,
): LedgerItem[] {
  return context.ledger.map((item) => (item.id === itemId ? change(item) : item));
}

/**
 * A line just settled: the suspension it held up ends if it was the last unpaid one, and the
 * resumption is noticed, unless the convention has ended (nothing resumes then).
 */
function settled(
  context: ConventionContext,
  ledger: LedgerItem[],
  event: MachineEvent,
  by: 'payment' | 'write-off',
): { ended: boolean; context: ConventionContext; effects: Effect[] } {
  const ended = endSuspension({ ...context, ledger }, event, by);
  const effects: Effect[] =
    ended.ended && !context.termination
      ? [notice(ended.context, 'resumed', `${ended.context.suspensions.length}`)]
      : [];
  return { ...ended, effects };
}

/**
 * A non-payment suspends the convention from the day it was noted (art. 9), not the day it was
 * typed in. Suspensions never overlap: one noted while an earlier one ran, but recorded after that
 * one ended, starts where the earlier one ended.
 */
export function recordNonPayment(context: ConventionContext, event: EventOf<'RECORD_NON_PAYMENT'>): Applied {
  const p = event.payload;
  const nonPayment = { notedOn: p.notedOn, reason: p.reason ?? null, recordedAt: event.at };
  const ledger = changeLine(context, p.itemId, (item) => ({ ...item, nonPayment }));
  const open = context.suspensions.find((s) => s.to === null);
  const noted = `Non-versement constaté (${p.itemId}, le ${fr(p.notedOn)})`;
  if (open) {
    const suspensions = context.suspensions.map((s): Suspension =>
      s === open ? { ...s, from: earliest(s.from, p.notedOn), itemIds: [...s.itemIds, p.itemId] } : s,
    );
    return {
      context: withHistory({ ...context, ledger, suspensions }, event, `${noted}; la suspension continue`),
      effects: [],
    };
  }
  // Once the convention has ended there is nothing left to suspend: the line stays owed.
  if (context.termination)
    return {
      context: withHistory(
        { ...context, ledger },
        event,
        `${noted}; la convention ayant pris fin, elle n’est pas suspendue`,
      ),
      effects: [],
    };
  const previousEnd = context.suspensions
    .map((s) => s.to)
    .filter((to): to is CivilDate => to !== null)
    .reduce<CivilDate | null>((a, b) => (a === null ? b : latest(a, b)), null);
  const from = previousEnd ? latest(p.notedOn, previousEnd) : p.notedOn;
  const suspensions: Suspension[] = [
    ...context.suspensions,
    { from, to: null, itemIds: [p.itemId], openedAt: event.at, closedAt: null, closedBy: null },
  ];
  const next = withHistory(
    { ...context, ledger, suspensions },
    event,
    `${noted}: convention suspendue à compter du ${fr(from)} (art. 9)`,
  );
  return { context: next, effects: [notice(next, 'suspended', `${suspensions.length}`)] };
}

const earliest = (a: CivilDate, b: CivilDate) => (compareDates(a, b) <= 0 ? a : b);

/** An operator closes a line without its payment; if it was the last unpaid one, the suspension ends. */
export function writeOff(context: ConventionContext, event: EventOf<'WRITE_OFF'>): Applied {
  const p = event.payload;
  const decision = {
    reason: p.reason,
    decidedOn: p.decidedOn,
    decisionRef: p.decisionRef ?? null,
    recordedAt: event.at,
  };
  const ledger = changeLine(context, p.itemId, (item) => ({ ...item, writeOff: decision }));
  const { ended, context: next, effects } = settled(context, ledger, event, 'write-off');
  const summary = `Échéance ${p.itemId} close sans paiement (${WRITE_OFF_REASON_LABELS[p.reason]}, décision du ${fr(p.decidedOn)})${ended ? ': fin de la suspension' : ''}`;
  return { context: withHistory(next, event, summary), effects };
}

type ReviewEvent = EventOf<'SUBMIT_ACTIVITY_REPORT' | 'SCHEDULE_COMMITTEE' | 'RECORD_COMMITTEE_REVIEW'>;

/** Records one part of the event's review year (its report, meeting or review), with its history line. */
function recordOnReview(
  context: ConventionContext,
  event: ReviewEvent,
  part: Partial<Pick<ReviewYear, 'report' | 'meeting' | 'review'>>,
  summary: string,
  effects: Effect[] = [],
): Applied {
  const { termYear } = event.payload;
  const next = {
    ...context,
    reviews: context.reviews.map((y) =>
      y.termYear === termYear && y.term === context.term?.number ? { ...y, ...part } : y,
    ),
  };
  return { context: withHistory(next, event, summary), effects };
}

export function submitActivityReport(
  context: ConventionContext,
  event: EventOf<'SUBMIT_ACTIVITY_REPORT'>,
): Applied {
  const { termYear, submittedOn, documentRef, statistics } = event.payload;
  const report = { submittedOn, documentRef, statistics, recordedAt: event.at };
  return recordOnReview(context, event, { report }, `Bilan d’activité de l’année ${termYear} remis`);
}

export function scheduleCommittee(context: ConventionContext, event: EventOf<'SCHEDULE_COMMITTEE'>): Applied {
  const { termYear, meetingDate: date, meetingTime: time } = event.payload;
  const meeting = { date, time, location: event.payload.location ?? null, scheduledAt: event.at };
  const convene: Effect = {
    type: 'convene-committee',
    term: context.term!.number,
    termYear,
    meetingDate: date,
    key: `${date}T${time}`,
  };
  const summary = `Comité de suivi de l’année ${termYear} convoqué le ${fr(date)}`;
  return recordOnReview(context, event, { meeting }, summary, [convene]);
}

export function recordCommitteeReview(
  context: ConventionContext,
  event: EventOf<'RECORD_COMMITTEE_REVIEW'>,
): Applied {
  const { termYear, heldOn, recommendations } = event.payload;
  const review = {
    heldOn,
    recommendations,
    minutesRef: event.payload.minutesRef ?? null,
    recordedAt: event.at,
  };
  const summary = `Bilan de l’année ${termYear} examiné par le comité de suivi (${recommendations.length} préconisation(s))`;
  // Art. 8: report and recommendations go to the procureur.
  const toProcureur: Effect = { type: 'send-review-to-procureur', term: context.term!.number, termYear };
  return recordOnReview(context, event, { review }, summary, [toProcureur]);
}

export function declareVacancy(context: ConventionContext, event: EventOf<'DECLARE_VACANCY'>): Applied {
  const from = event.payload.vacantFrom;
  const ledger = context.ledger.map((item) =>
    item.kind === 'salary' &&
    !isSettled(item) &&
    !item.nonPayment &&
    compareDates(item.contractualDate, from) >= 0
      ? { ...item, waived: 'poste-vacant' as const }
      : item,
  );
  const next: ConventionContext = {
    ...context,
    ledger,
    post: { status: 'vacant', since: from, candidateRef: null },
    recruitment: freshRecruitment('vacance'),
  };
  return {
    context: withHistory(next, event, `Poste vacant à compter du ${fr(from)}: nouveau recrutement`),
    effects: [notice(next, 'vacancy', from, { vacantFrom: from })],
  };
}

export function recordRenewalDecision(
  context: ConventionContext,
  event: EventOf<'RECORD_RENEWAL_DECISION'>,
): Applied {
  const p = event.payload;
  let nextTermData = null;
  if (p.decision === 'renew') {
    const result = p.nextTermPatch ? patchedData(context.data, p.nextTermPatch) : { data: context.data };
    if ('refusal' in result) throw new Error(result.refusal.message);
    nextTermData = result.data;
  }
  const renewal = {
    decision: p.decision,
    decidedOn: p.decidedOn,
    nextTermData,
    reason: p.decision === 'not_renew' ? (p.reason ?? null) : null,
    recordedAt: event.at,
  };
  const summary =
    p.decision === 'renew'
      ? `Reconduction décidée pour trois ans à compter du ${fr(addDays(context.term!.endDate, 1))}`
      : `Non-reconduction décidée: fin le ${fr(context.term!.endDate)}`;
  return {
    context: withHistory({ ...context, renewal }, event, summary),
    effects: [notice(context, 'renewal-decided', `${p.decision}-${p.decidedOn}`)],
  };
}

export function denounce(context: ConventionContext, event: EventOf<'DENOUNCE'>): Applied {
  const p = event.payload;
  const denunciation = { ...p, recordedAt: event.at };
  return {
    context: withHistory(
      { ...context, denunciation },
      event,
      `Dénonciation par ${organisation(context, p.partyId)} (lettre du ${fr(p.letterSentOn)}): fin le ${fr(context.term!.endDate)}`,
    ),
    effects: [notice(context, 'denounced', p.partyId)],
  };
}

function pastTerm(
  context: ConventionContext,
  outcome: 'renewed' | 'ended',
  archived: { ledger: LedgerItem[]; reviews: ReviewYear[] },
): PastTerm {
  const term = context.term!;
  const items = context.ledger.filter((i) => i.term === term.number && !i.waived);
  return {
    ...term,
    outcome,
    itemsDue: items.length,
    itemsPaid: items.filter(isSettled).length,
    reviewsHeld: context.reviews.filter((y) => y.term === term.number && y.review).length,
    ledger: archived.ledger,
    reviews: archived.reviews,
  };
}

export function renewTerm(context: ConventionContext, event: MachineEvent): Applied {
  const previous = context.term!;
  const behaviour = behaviourOf(event);
  const data = context.renewal?.nextTermData ?? context.data;
  const joined = Object.keys(data.parties).filter((id) => !context.data.parties[id]);
  const term = computeTerm(data, previous.number + 1, addDays(previous.endDate, 1), behaviour);
  // Every line still owed follows into the new term, under its own identity, with its reminders;
  // those recorded unpaid keep the convention suspended. (Before the term edges, only those.)
  const carried = behaviour.termEdges
    ? unsettledLines(context.ledger)
    : outstandingNonPayments(context.ledger);
  // What does not follow stays with the term it belongs to, for the reports (docs/reports.md).
  const left = {
    ledger: context.ledger.filter((item) => !carried.includes(item)),
    reviews: context.reviews.filter((year) => year.term === previous.number),
  };
  const opened = openTerm(
    { ...context, data, pastTerms: [...context.pastTerms, pastTerm(context, 'renewed', left)] },
    term,
    behaviour,
  );
  const next = { ...opened, ledger: [...carried, ...opened.ledger] };
  const joinedText = joined.length
    ? `; nouveaux partenaires: ${joined.map((id) => organisation(next, id)).join(', ')}`
    : '';
  return {
    context: withHistory(
      next,
      event,
      `Période ${term.number} ouverte (du ${fr(term.startDate)} au ${fr(term.endDate)})${joinedText}`,
    ),
    // Announced by the reminder planner at the first send slot (clockNotices): no effect.
    effects: [],
  };
}

export function terminate(
  context: ConventionContext,
  event: MachineEvent,
  reason: 'abandoned' | 'denounced' | 'not_renewed' | 'no_renewal_decision',
  detail: string | null,
): Applied {
  const on = reason === 'abandoned' ? today(context, event.at) : context.term!.endDate;
  // Lines still owed keep an ended convention open until they are settled (the settling phase).
  const open = behaviourOf(event).termEdges ? unsettledLines(context.ledger) : [];
  const labels = {
    abandoned: 'Abandon',
    denounced: `Fin à l’échéance après dénonciation par ${context.denunciation ? organisation(context, context.denunciation.partyId) : '?'}`,
    not_renewed: 'Fin à l’échéance: non-reconduction décidée',
    no_renewal_decision: 'Fin à l’échéance: aucune reconduction décidée',
  };
  const pastTerms = context.term
    ? [...context.pastTerms, pastTerm(context, 'ended', { ledger: [], reviews: [] })]
    : context.pastTerms;
  const settling = open.length > 0 ? `; ${open.length} échéance(s) restent à solder` : '';
  const next = withHistory(
    { ...context, pastTerms, termination: { on, reason, detail, closedOn: open.length > 0 ? null : on } },
    event,
    `${detail ? `${labels[reason]} (${detail})` : labels[reason]}${settling}`,
  );
  return { context: next, effects: [notice(next, 'terminated', reason, { ending: reason })] };
}

/** The last line of an ended convention is settled: it closes, and the parties are told. */
export function closeSettlement(context: ConventionContext, event: MachineEvent): Applied {
  const closedOn = today(context, event.at);
  const termination = context.termination ? { ...context.termination, closedOn } : null;
  const next = withHistory(
    { ...context, termination },
    event,
    `Dernière échéance soldée: la convention est close le ${fr(closedOn)}`,
  );
  return { context: next, effects: [notice(next, 'settled', closedOn)] };
}
