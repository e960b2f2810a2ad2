import { addDays, type CivilDate } from '../calendar/dates';
import type { ConventionData } from '../convention/schema';
import type { ConventionContext, ReviewYear, Signature } from '../lifecycle/context';
import { computeTerm } from '../lifecycle/term';

/**
 * What a document is rendered from: plain JSON, frozen when a version is made, so that the same
 * version renders the same bytes whatever happens to the convention afterwards. The workflow keeps
 * sources, never rendered files; the worker and the API render them on demand.
 */

export interface TermDates {
  number: number;
  startDate: CivilDate;
  endDate: CivilDate;
}

/** The convention's text: the template with every blank filled from `data`. */
export interface ConventionDocumentSource {
  kind: 'convention';
  conventionId: string;
  /** Null for a draft that cannot be signed yet (drafting, recruitment): the text says so. */
  version: number | null;
  /** Null while the start date is a blank of the draft. */
  term: TermDates | null;
  data: ConventionData;
  /** A renewal's text names the term it continues and the partners that join. */
  renewal: { previousTerm: TermDates; newPartnerIds: string[] } | null;
  /** The text in force of a convention signed before versions existed: not a draft, yet no version. */
  inForceWithoutVersion?: true;
}

/** The yearly report sent to the procureur (art. 8), as the committee left it. */
export interface ReportDocumentSource {
  kind: 'report';
  conventionId: string;
  term: TermDates;
  year: Pick<ReviewYear, 'termYear' | 'yearStart' | 'yearEnd' | 'meeting' | 'report' | 'review'>;
  data: ConventionData;
}

/** A signature as the signed copy lists it: what the document signed was, null when none was bound. */
export interface SignatureEntry extends Omit<Signature, 'document'> {
  document: NonNullable<Signature['document']> | null;
}

/** The signed convention: the signed version's text, then a certificate page of its signatures. */
export interface SignedDocumentSource {
  kind: 'signed';
  convention: ConventionDocumentSource;
  /** SHA-256 of the signed version's PDF, which every signature names. */
  sha256: string;
  signatures: SignatureEntry[];
}

export type DocumentSource = ConventionDocumentSource | ReportDocumentSource | SignedDocumentSource;

function termDates(term: { number: number; startDate: CivilDate; endDate: CivilDate }): TermDates {
  return { number: term.number, startDate: term.startDate, endDate: term.endDate };
}

/** The text of the first term as the data reads now (a draft when `version` is null). */
export function firstTermSource(
  context: Pick<ConventionContext, 'conventionId' | 'data'>,
  version: number | null,
): ConventionDocumentSource {
  const data = context.data;
  return {
    kind: 'convention',
    conventionId: context.conventionId,
    version,
    term: data.startDate ? termDates(computeTerm(data, 1, data.startDate)) : null,
    data,
    renewal: null,
  };
}

/** The text of the term that follows a renewal decision, with the partners and amounts decided. */
export function renewalSource(context: ConventionContext, version: number): ConventionDocumentSource | null {
  const term = context.term;
  const data = context.renewal?.nextTermData;
  if (!term || !data) return null;
  const next = computeTerm(data, term.number + 1, addDays(term.endDate, 1));
  return {
    kind: 'convention',
    conventionId: context.conventionId,
    version,
    term: termDates(next),
    data,
    renewal: {
      previousTerm: termDates(term),
      newPartnerIds: Object.keys(data.parties).filter((id) => !context.data.parties[id]),
    },
  };
}

/**
 * The text as the data reads now, with no version: a draft before the signature phase, or the term
 * in force of a convention started before versions existed.
 */
export function unversionedSource(
  context: Pick<ConventionContext, 'conventionId' | 'data' | 'term'>,
): ConventionDocumentSource {
  const term = context.term;
  if (!term) return firstTermSource(context, null);
  return {
    kind: 'convention',
    conventionId: context.conventionId,
    version: null,
    term: termDates(term),
    data: context.data,
    renewal: null,
    inForceWithoutVersion: true,
  };
}

export function reportSource(context: ConventionContext, year: ReviewYear): ReportDocumentSource | null {
  const term = context.term;
  if (!term || year.term !== term.number) return null;
  return {
    kind: 'report',
    conventionId: context.conventionId,
    term: termDates(term),
    year: {
      termYear: year.termYear,
      yearStart: year.yearStart,
      yearEnd: year.yearEnd,
      meeting: year.meeting,
      report: year.report,
      review: year.review,
    },
    data: context.data,
  };
}

export function signatureEntries(signatures: Record<string, Signature>): SignatureEntry[] {
  return Object.values(signatures)
    .map((s) => ({
      partyId: s.partyId,
      signerName: s.signerName,
      signerTitle: s.signerTitle,
      signedOn: s.signedOn,
      eSignatureRef: s.eSignatureRef,
      recordedAt: s.recordedAt,
      document: s.document ?? null,
    }))
    .sort((a, b) => a.recordedAt - b.recordedAt || a.partyId.localeCompare(b.partyId));
}
