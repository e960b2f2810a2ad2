import type { CivilDate } from '../calendar/dates';
import type { ConventionData } from '../convention/schema';
import type { Actor, ExternalEventType, WriteOffReason } from './events';

/** Everything the machine knows. Plain JSON only: it crosses payloads and continue-as-new. */
export interface ConventionContext {
  conventionId: string;
  slug: string;
  data: ConventionData;
  recruitment: Recruitment;
  signatures: Record<string, Signature>;
  term: Term | null;
  pastTerms: PastTerm[];
  post: Post;
  ledger: LedgerItem[];
  suspensions: Suspension[];
  reviews: ReviewYear[];
  renewal: RenewalDecision | null;
  denunciation: Denunciation | null;
  termination: Termination | null;
  history: HistoryEntry[];
}

export interface Recruitment {
  /** Counts the recruitment rounds of the current post opening; a "no suitable candidate" reopens. */
  round: number;
  reason: 'creation' | 'vacance';
  committee: SelectionCommitteeMember[] | null;
  applications: { count: number; references: string[] } | null;
  decision: { candidateRef: string; startsOn: CivilDate | null; decidedAt: number } | null;
  unsuccessfulRounds: number;
}

export interface SelectionCommitteeMember {
  partyId: string;
  authority: 'hierarchique' | 'fonctionnelle' | 'autre';
  title: string;
}

export interface Signature {
  partyId: string;
  signerName: string;
  signerTitle: string;
  signedOn: CivilDate;
  eSignatureRef: string | null;
  recordedAt: number;
  /** The version of the document signed and the SHA-256 of its PDF (absent before versions existed). */
  document?: { version: number; sha256: string } | null;
}

export interface Term {
  number: number;
  startDate: CivilDate;
  endDate: CivilDate;
  noticeDeadline: CivilDate;
  concertationOpensOn: CivilDate;
}

export interface PastTerm extends Term {
  outcome: 'renewed' | 'ended';
  itemsPaid: number;
  itemsDue: number;
  reviewsHeld: number;
  /**
   * What left the convention when a renewal opened the next term: the ledger lines that did not
   * follow into it and the term's review years, as they stood, so that the money and the activity
   * of past years stay in the convention's own state. Empty when the convention ended (its ledger
   * and reviews stay); absent on terms that ended before the convention kept them.
   */
  ledger?: LedgerItem[];
  reviews?: ReviewYear[];
}

export interface Post {
  status: 'vacant' | 'filled';
  since: CivilDate | null;
  candidateRef: string | null;
}

export const LEDGER_KINDS = ['salary', 'state-participation', 'co-financing'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export interface Payment {
  paidOn: CivilDate;
  amountEur: number | null;
  reference: string | null;
  recordedAt: number;
}

export interface LedgerItem {
  id: string;
  kind: LedgerKind;
  term: number;
  /** The year of the term (1..3) for annual items; for salaries, the month 'YYYY-MM'. */
  termYear: number;
  month: string | null;
  payerPartyId: string;
  /** The day written in the convention (payment day of the month, anniversary + delay). */
  contractualDate: CivilDate;
  /** The day by which the act is due: the contractual day, or the next business day (calendar rule 1). */
  dueDate: CivilDate;
  plannedAmountEur: number | null;
  payments: Payment[];
  nonPayment: { notedOn: CivilDate; reason: string | null; recordedAt: number } | null;
  waived: 'poste-vacant' | null;
  /** Closed without its payment by an operator (absent from lines recorded before it existed). */
  writeOff?: WriteOff | null;
}

export interface WriteOff {
  reason: WriteOffReason;
  decidedOn: CivilDate;
  decisionRef: string | null;
  recordedAt: number;
}

/**
 * A suspension of the convention for non-payment (art. 9): from the day the first of its lines was
 * noted unpaid to the day the last of them was settled, as the parties state those days; when
 * each was recorded is kept beside them (absent from suspensions recorded before).
 */
export interface Suspension {
  from: CivilDate;
  to: CivilDate | null;
  itemIds: string[];
  /** When the non-payment that opened it was recorded. */
  openedAt?: number;
  /** When the act that ended it was recorded, and which: the last payment, or a write-off. */
  closedAt?: number | null;
  closedBy?: 'payment' | 'write-off' | null;
}

export interface ReviewYear {
  term: number;
  termYear: number;
  yearStart: CivilDate;
  yearEnd: CivilDate;
  meeting: { date: CivilDate; time: string; location: string | null; scheduledAt: number } | null;
  report: {
    submittedOn: CivilDate;
    documentRef: string;
    statistics: Record<string, number>;
    recordedAt: number;
  } | null;
  review: {
    heldOn: CivilDate;
    recommendations: string[];
    minutesRef: string | null;
    recordedAt: number;
  } | null;
}

export interface RenewalDecision {
  decision: 'renew' | 'not_renew';
  decidedOn: CivilDate;
  nextTermData: ConventionData | null;
  reason: string | null;
  recordedAt: number;
}

export interface Denunciation {
  partyId: string;
  letterSentOn: CivilDate;
  letterReference: string;
  recordedAt: number;
}

export type TerminationReason = 'abandoned' | 'denounced' | 'not_renewed' | 'no_renewal_decision';

export interface Termination {
  on: CivilDate;
  reason: TerminationReason;
  detail: string | null;
  /**
   * The day the convention closed: its end, or, when lines of its ledger were still open then, the
   * day the last of them was settled (the `settling` phase in between). Absent before it existed.
   */
  closedOn?: CivilDate | null;
}

/** The decision history: who did what, when. Summaries never carry personal data. */
export interface HistoryEntry {
  at: number;
  event: ExternalEventType | 'CLOCK' | 'CREATED';
  actor: Actor;
  summary: string;
  term: number;
}
