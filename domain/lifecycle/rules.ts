import { isBusinessDay } from '../calendar/business-days';
import {
  addDays,
  addMonths,
  compareDates,
  formatFrenchDate,
  latestNoticeDate,
  localDate,
  type CivilDate,
} from '../calendar/dates';

import {
  missingBlanks,
  signatoryPartyIds,
  yearlyShareAfterTerm,
  yearlyShareMessage,
  type CompleteConventionData,
  type MissingBlank,
} from '../convention/completeness';
import { applyMergePatch, patchedPaths } from '../convention/merge-patch';
import { conventionDataSchema, type ConventionData } from '../convention/schema';
import { behaviourOf, type LifecycleBehaviour } from './behaviour';
import type { ConventionContext, LedgerItem, ReviewYear } from './context';
import {
  WRITE_OFF_REASON_LABELS,
  type ExternalEvent,
  type ExternalEventType,
  type MachineEvent,
} from './events';
import { invalid, refused, type Refusal } from './refusal';
import { amountPaid, isSettled, NOTICE_MONTHS, unsettledLines } from './term';

/**
 * The rules of the convention, one per guarded act. Each returns why the act is refused, or null.
 * The machine uses them as guards; `explainRefusal` reuses them to tell the sender why.
 */
export type Rule = (context: ConventionContext, event: MachineEvent) => Refusal | null;

type EventOf<T extends ExternalEventType> = Extract<ExternalEvent, { type: T }>;

function rule<T extends ExternalEventType>(
  type: T,
  check: (context: ConventionContext, event: EventOf<T>) => Refusal | null,
): Rule {
  return (context, event) =>
    event.type === type ? check(context, event as EventOf<T>) : refused(`attendu ${type}`);
}

export function today(context: ConventionContext, at: number): CivilDate {
  return localDate(at, context.data.departement);
}

const fr = formatFrenchDate;

function notInFuture(field: string, date: CivilDate, now: CivilDate): Refusal | null {
  return compareDates(date, now) > 0
    ? invalid(field, `le ${fr(date)} est dans le futur (nous sommes le ${fr(now)})`)
    : null;
}

/** Applies a merge patch and checks the result against the schema, naming the first bad field. */
export function patchedData(
  data: ConventionData,
  patch: Record<string, unknown>,
): { data: ConventionData } | { refusal: Refusal } {
  if ('departement' in patch && patch.departement !== data.departement)
    return {
      refusal: invalid(
        'departement',
        'le département fait partie de l’identifiant: créez une nouvelle convention',
      ),
    };
  const parsed = conventionDataSchema.safeParse(applyMergePatch(data, patch));
  if (parsed.success) return { data: parsed.data };
  const details = parsed.error.issues.map((issue) => ({
    field: issue.path.join('.'),
    message: issue.message,
  }));
  const first = details[0] ?? { field: '', message: 'données invalides' };
  return { refusal: { ...invalid(first.field, first.message), details } };
}

/** A blank that came with the term edges: refused only where the behaviour says so. */
const isTermEdgeBlank = (blank: MissingBlank) => blank.field === 'financing.contributionDueMonths';
const blankKey = (blank: MissingBlank) => `${blank.field}|${blank.message}`;

/**
 * The blanks that stop `data`; with `before`, only those the change itself brings (a convention
 * signed under older rules is not blocked from updating its contacts by a rule that came later).
 */
function incomplete(
  data: ConventionData,
  intro: string,
  behaviour: LifecycleBehaviour,
  before?: ConventionData,
): Refusal | null {
  const known = new Set(before ? missingBlanks(before).map(blankKey) : []);
  const missing = missingBlanks(data).filter(
    (blank) => (behaviour.termEdgeRefusals || !isTermEdgeBlank(blank)) && !known.has(blankKey(blank)),
  );
  if (missing.length === 0) return null;
  const list = missing.map((m) => `${m.article} (${m.field}): ${m.message}`).join('; ');
  const first = missing[0]!;
  return { ...invalid(first.field, `${intro}: ${list}`), details: missing };
}

/** After drafting, only who to write to may change; the signed terms change at renewal. */
const AMENDABLE_AFTER_DRAFTING = [
  /^parties\.[a-z0-9-]+\.(contacts|representative)(\.|$)/,
  /^followUpCommittee(\.|$)/,
  /^aniscgEmail$/,
  /^reminders(\.|$)/,
];

export const amendDraft = rule('AMEND', (context, event) => {
  const result = patchedData(context.data, event.payload.patch);
  return 'refusal' in result ? result.refusal : null;
});

export const amendContacts = rule('AMEND', (context, event) => {
  const patch = event.payload.patch;
  for (const path of patchedPaths(patch)) {
    const partyId = /^parties\.([a-z0-9-]+)/.exec(path)?.[1];
    const known = partyId === undefined || context.data.parties[partyId] !== undefined;
    if (!known || !AMENDABLE_AFTER_DRAFTING.some((allowed) => allowed.test(path)))
      return {
        ...refused(
          `"${path}" fait partie des termes de la convention: après la rédaction, seuls les contacts, les représentants, le comité de suivi et les rappels changent; les autres termes changent au renouvellement`,
        ),
        field: path,
      };
  }
  const result = patchedData(context.data, patch);
  if ('refusal' in result) return result.refusal;
  return incomplete(
    result.data,
    'la modification laisserait la convention incomplète',
    behaviourOf(event),
    context.data,
  );
});

export const submitDraft = rule('SUBMIT_DRAFT', (context, event) =>
  incomplete(context.data, 'la rédaction n’est pas terminée', behaviourOf(event)),
);

export const composeSelectionCommittee = rule('COMPOSE_SELECTION_COMMITTEE', (context, event) => {
  const { members } = event.payload;
  const data = context.data;
  for (const [i, member] of members.entries())
    if (!data.parties[member.partyId])
      return invalid(`members.${i}.partyId`, `"${member.partyId}" n’est pas partie à la convention`);
  if (context.recruitment.decision) return refused('le comité a déjà choisi un candidat pour ce recrutement');
  const hierarchical = data.hierarchicalAuthority?.partyId;
  const functional = new Set((data.functionalAuthorities ?? []).map((a) => a.partyId));
  if (!members.some((m) => m.authority === 'hierarchique' && m.partyId === hierarchical))
    return invalid(
      'members',
      `le comité de sélection comprend au moins un représentant de l’autorité hiérarchique ("${hierarchical ?? '?'}") (art. 3)`,
    );
  if (!members.some((m) => m.authority === 'fonctionnelle' && functional.has(m.partyId)))
    return invalid(
      'members',
      `le comité de sélection comprend au moins un représentant de l’autorité fonctionnelle (${[...functional].join(', ') || '?'}) (art. 3)`,
    );
  return null;
});

export const recordApplications = rule('RECORD_APPLICATIONS', (context) => {
  if (!context.recruitment.committee)
    return refused('le comité de sélection doit d’abord être composé (art. 3)');
  if (context.recruitment.decision) return refused('le comité a déjà choisi un candidat pour ce recrutement');
  return null;
});

export const recordRecruitmentDecision = rule('RECORD_RECRUITMENT_DECISION', (context, event) => {
  const { recruitment } = context;
  if (!recruitment.committee) return refused('le comité de sélection doit d’abord être composé (art. 3)');
  if (recruitment.decision) return refused('le comité a déjà choisi un candidat pour ce recrutement');
  if (!recruitment.applications) return refused('les candidatures doivent d’abord être enregistrées');
  const payload = event.payload;
  if (payload.outcome === 'selected') {
    if (recruitment.applications.count === 0) return invalid('outcome', 'aucune candidature n’a été reçue');
    const refs = recruitment.applications.references;
    if (refs.length > 0 && !refs.includes(payload.candidateRef))
      // The reference is not repeated: a candidate is a person, and messages travel (logs, CLI).
      return invalid(
        'candidateRef',
        `cette référence ne figure pas parmi les ${refs.length} candidature(s) enregistrée(s)`,
      );
  }
  return null;
});

export const sign = rule('SIGN', (context, event) => {
  const { partyId, signedOn } = event.payload;
  const party = context.data.parties[partyId];
  if (!party) return invalid('partyId', `"${partyId}" n’est pas partie à la convention`);
  if (!signatoryPartyIds(context.data).includes(partyId))
    return invalid('partyId', `"${partyId}" n’est pas signataire (procureur non associé à la signature)`);
  const existing = context.signatures[partyId];
  if (existing) return refused(`${party.organisation} a déjà signé le ${fr(existing.signedOn)}`);
  return notInFuture('signedOn', signedOn, today(context, event.at));
});

export function allSignedWith(context: ConventionContext, partyId: string): boolean {
  return signatoryPartyIds(context.data).every(
    (id) => id === partyId || context.signatures[id] !== undefined,
  );
}

export function startReached(context: ConventionContext, at: number): boolean {
  return compareDates(today(context, at), context.data.startDate!) >= 0;
}

/** The line of the ledger an act records on, or why it cannot: unknown, or settled already. */
function openItem(context: ConventionContext, itemId: string): LedgerItem | Refusal {
  const item = context.ledger.find((i) => i.id === itemId);
  if (!item)
    return invalid(
      'itemId',
      `échéance "${itemId}" inconnue: voir le tableau de financement de la convention`,
    );
  return settledRefusal(item) ?? item;
}

const isRefusal = (x: object): x is Refusal => 'code' in x && 'message' in x;

/** Why nothing more can be recorded on a settled line, or null while it is open. */
function settledRefusal(item: LedgerItem): Refusal | null {
  if (item.waived) return refused(`l’échéance ${item.id} n’est pas due: le poste était vacant`);
  if (item.writeOff)
    return refused(
      `l’échéance ${item.id} est close sans paiement depuis le ${fr(item.writeOff.decidedOn)} (${WRITE_OFF_REASON_LABELS[item.writeOff.reason]})`,
    );
  if (isSettled(item)) {
    const last = item.payments.at(-1);
    return refused(`l’échéance ${item.id} est déjà réglée${last ? ` (le ${fr(last.paidOn)})` : ''}`);
  }
  return null;
}

export const recordPayment = rule('RECORD_PAYMENT', (context, event) => {
  const item = openItem(context, event.payload.itemId);
  if (isRefusal(item)) return item;
  const future = notInFuture('paidOn', event.payload.paidOn, today(context, event.at));
  if (future) return future;
  if (item.kind !== 'salary') {
    const amount = event.payload.amountEur;
    if (amount === undefined)
      return invalid('amountEur', 'le montant reçu est requis pour une participation');
    const remaining = (item.plannedAmountEur ?? 0) - amountPaid(item);
    if (amount > remaining + 0.005)
      return invalid(
        'amountEur',
        `le montant dépasse le reste dû sur ${item.id} (${remaining.toFixed(2)} €)`,
      );
  }
  return null;
});

export const recordNonPayment = rule('RECORD_NON_PAYMENT', (context, event) => {
  const item = openItem(context, event.payload.itemId);
  if (isRefusal(item)) return item;
  if (item.nonPayment)
    return refused(
      `le non-versement de ${item.id} est déjà constaté depuis le ${fr(item.nonPayment.notedOn)}`,
    );
  // The payer has the whole due day, in the département's own time (art. 9 suspends at once).
  const strict = behaviourOf(event).termEdgeRefusals;
  const now = today(context, event.at);
  const firstDay = strict ? addDays(item.dueDate, 1) : item.dueDate;
  if (compareDates(now, firstDay) < 0)
    return refused(
      strict
        ? `l’échéance ${item.id} tombe le ${fr(item.dueDate)}: le payeur a toute cette journée; un non-versement se constate à partir du ${fr(firstDay)}`
        : `l’échéance ${item.id} tombe le ${fr(item.dueDate)}: un non-versement ne peut être constaté avant`,
    );
  const { notedOn } = event.payload;
  if (compareDates(notedOn, firstDay) < 0)
    return invalid(
      'notedOn',
      strict
        ? `un non-versement se constate au plus tôt le lendemain de l’échéance du ${fr(item.dueDate)}, soit le ${fr(firstDay)}`
        : `le constat ne peut précéder l’échéance du ${fr(item.dueDate)}`,
    );
  return notInFuture('notedOn', notedOn, now);
});

/** An operator closes a line without its payment: any open line, of any term, with a reason. */
export const writeOff = rule('WRITE_OFF', (context, event) => {
  const item = openItem(context, event.payload.itemId);
  if (isRefusal(item)) return item;
  return notInFuture('decidedOn', event.payload.decidedOn, today(context, event.at));
});

export function hasUnsettledLines(context: ConventionContext): boolean {
  return unsettledLines(context.ledger).length > 0;
}

export function hasOutstandingNonPayment(context: ConventionContext): boolean {
  return context.ledger.some((item) => item.nonPayment !== null && !isSettled(item));
}

function reviewYear(context: ConventionContext, termYear: number): ReviewYear | Refusal {
  const year = context.reviews.find((r) => r.termYear === termYear && r.term === context.term?.number);
  return year ?? invalid('termYear', `année ${termYear} inconnue pour la période en cours`);
}

export const submitActivityReport = rule('SUBMIT_ACTIVITY_REPORT', (context, event) => {
  const year = reviewYear(context, event.payload.termYear);
  if (isRefusal(year)) return year;
  const now = today(context, event.at);
  if (compareDates(now, year.yearStart) < 0)
    return refused(`l’année ${year.termYear} de la convention commence le ${fr(year.yearStart)}`);
  if (year.report)
    return refused(`le bilan de l’année ${year.termYear} a déjà été remis le ${fr(year.report.submittedOn)}`);
  return notInFuture('submittedOn', event.payload.submittedOn, now);
});

export const scheduleCommittee = rule('SCHEDULE_COMMITTEE', (context, event) => {
  const year = reviewYear(context, event.payload.termYear);
  if (isRefusal(year)) return year;
  if (year.review) return refused(`le comité de suivi a déjà examiné le bilan de l’année ${year.termYear}`);
  const { meetingDate } = event.payload;
  const now = today(context, event.at);
  if (compareDates(meetingDate, now) < 0) return invalid('meetingDate', `le ${fr(meetingDate)} est passé`);
  if (compareDates(meetingDate, year.yearStart) < 0)
    return invalid('meetingDate', `l’année ${year.termYear} commence le ${fr(year.yearStart)}`);
  if (compareDates(meetingDate, context.term!.endDate) > 0)
    return invalid('meetingDate', `la convention prend fin le ${fr(context.term!.endDate)}`);
  if (!isBusinessDay(context.data.departement, meetingDate))
    return invalid(
      'meetingDate',
      `le ${fr(meetingDate)} n’est pas un jour ouvré dans le département ${context.data.departement}`,
    );
  return null;
});

export const recordCommitteeReview = rule('RECORD_COMMITTEE_REVIEW', (context, event) => {
  const year = reviewYear(context, event.payload.termYear);
  if (isRefusal(year)) return year;
  if (!year.report)
    return refused(`le bilan d’activité de l’année ${year.termYear} n’a pas été remis (art. 8)`);
  if (year.review) return refused(`le comité de suivi a déjà examiné le bilan de l’année ${year.termYear}`);
  const { heldOn } = event.payload;
  if (compareDates(heldOn, year.report.submittedOn) < 0)
    return invalid(
      'heldOn',
      `le comité ne peut se tenir avant la remise du bilan (${fr(year.report.submittedOn)})`,
    );
  return notInFuture('heldOn', heldOn, today(context, event.at));
});

export const declareVacancy = rule('DECLARE_VACANCY', (context, event) => {
  const { vacantFrom } = event.payload;
  const term = context.term!;
  if (compareDates(vacantFrom, term.startDate) < 0)
    return invalid('vacantFrom', `la période en cours commence le ${fr(term.startDate)}`);
  const limit = addMonths(today(context, event.at), 3);
  if (compareDates(vacantFrom, limit) > 0)
    return invalid(
      'vacantFrom',
      `une vacance se déclare au plus trois mois à l’avance (au plus tard le ${fr(limit)})`,
    );
  if (compareDates(vacantFrom, term.endDate) > 0)
    return invalid('vacantFrom', `la convention prend fin le ${fr(term.endDate)}`);
  return null;
});

export const recordRenewalDecision = rule('RECORD_RENEWAL_DECISION', (context, event) => {
  const payload = event.payload;
  const future = notInFuture('decidedOn', payload.decidedOn, today(context, event.at));
  if (future) return future;
  if (payload.decision !== 'renew') return null;
  const behaviour = behaviourOf(event);
  const result = payload.nextTermPatch
    ? patchedData(context.data, payload.nextTermPatch)
    : { data: context.data };
  if ('refusal' in result) {
    const r = result.refusal;
    return { ...r, field: `nextTermPatch.${r.field ?? ''}` };
  }
  const financing = result.data.financing;
  if (behaviour.termEdgeRefusals && financing && context.term) {
    // Said with the next term's own dates, not those of the first term the blank would quote.
    const late = yearlyShareAfterTerm(addDays(context.term.endDate, 1), financing.contributionDueMonths);
    if (late)
      return invalid(
        'nextTermPatch.financing.contributionDueMonths',
        `${yearlyShareMessage(late, financing.contributionDueMonths)} (art. 7 et 9)`,
      );
  }
  if (!payload.nextTermPatch) return null;
  return incomplete(result.data, 'la convention de la période suivante serait incomplète', behaviour);
});

export const renewalConcertationOpen = rule('RECORD_RENEWAL_DECISION', (context, event) => {
  const term = context.term!;
  const denunciation = context.denunciation;
  if (denunciation)
    return refused(
      `la convention a été dénoncée (lettre du ${fr(denunciation.letterSentOn)}): elle prend fin le ${fr(term.endDate)} et ne peut être reconduite`,
    );
  const now = today(context, event.at);
  if (compareDates(now, term.concertationOpensOn) < 0)
    return refused(`la concertation sur la reconduction s’ouvre le ${fr(term.concertationOpensOn)}`);
  return recordRenewalDecision(context, event);
});

export const denounce = rule('DENOUNCE', (context, event) => {
  const { partyId, letterSentOn } = event.payload;
  if (context.denunciation)
    return refused(`la convention est déjà dénoncée (lettre du ${fr(context.denunciation.letterSentOn)})`);
  if (!signatoryPartyIds(context.data).includes(partyId))
    return invalid('partyId', `"${partyId}" n’est pas une partie signataire de la convention`);
  const term = context.term!;
  const future = notInFuture('letterSentOn', letterSentOn, today(context, event.at));
  if (future) return future;
  if (compareDates(letterSentOn, term.startDate) < 0)
    return invalid('letterSentOn', `la période en cours commence le ${fr(term.startDate)}`);
  // Any reading of "trois mois avant la date d'expiration" that accepts the letter accepts it
  // (docs/calendar.md, rule 2), whatever deadline a term computed under older rules stored.
  const deadline = latestNoticeDate(term.endDate, NOTICE_MONTHS);
  if (compareDates(letterSentOn, deadline) > 0)
    return {
      ...refused(
        `dénonciation tardive: la lettre recommandée devait être envoyée au plus tard le ${fr(deadline)} (trois mois avant l’échéance du ${fr(term.endDate)}, art. 9); lettre du ${fr(letterSentOn)}`,
      ),
      field: 'letterSentOn',
    };
  return null;
});

export function concertationReached(context: ConventionContext, at: number): boolean {
  const term = context.term;
  if (!term) return false;
  const now = today(context, at);
  return compareDates(now, term.concertationOpensOn) >= 0 && compareDates(now, term.endDate) <= 0;
}

export function expired(context: ConventionContext, at: number): boolean {
  return context.term !== null && compareDates(today(context, at), context.term.endDate) > 0;
}

export function renewalAgreed(context: ConventionContext): boolean {
  return context.renewal?.decision === 'renew' && context.denunciation === null;
}

/** The data of a convention that left drafting; a rule that came later does not make it incomplete. */
export function requireComplete(data: ConventionData): CompleteConventionData {
  if (missingBlanks(data).some((blank) => !isTermEdgeBlank(blank))) throw new Error('convention incomplète');
  return data as CompleteConventionData;
}
