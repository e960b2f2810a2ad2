import { addDays, type CivilDate } from '../calendar/dates';
import type { DepartementCode } from '../calendar/departements';
import { missingBlanks, type CompleteConventionData } from '../convention/completeness';
import type { PartyRole } from '../convention/schema';
import type { LedgerItem, ReviewYear, Suspension, Term, Termination } from '../lifecycle/context';
import type { Phase } from '../lifecycle/phase';
import { buildLedger, computeTerm } from '../lifecycle/term';
import { reportDueDate, type ConventionView, type Deadline } from '../lifecycle/view';

/**
 * What the national reports read of one convention: a projection of the convention's own view,
 * kept apart from the clock (statuses and "late" are decided when a report is asked, from the
 * line's due date and the day it is in the convention's département). Parties are named by their
 * role and organisation only: no representative, no contact, no candidate, no free text.
 */

export interface FactParty {
  role: PartyRole;
  organisation: string;
}

export interface FactReviewYear {
  term: number;
  termYear: number;
  yearStart: CivilDate;
  yearEnd: CivilDate;
  /** The day the activity report is due, by the convention's own rule. */
  reportDueDate: CivilDate;
  /** Counts only, as the report gives them; never its document reference. */
  report: { submittedOn: CivilDate; statistics: Record<string, number> } | null;
}

export interface ConventionFacts {
  conventionId: string;
  title: string;
  departement: { code: DepartementCode; name: string };
  phase: Phase;
  suspended: boolean;
  postVacant: boolean;
  parties: Record<string, FactParty>;
  employerPartyId: string | null;
  term: Term | null;
  renewal: { decision: 'renew' | 'not_renew'; decidedOn: CivilDate } | null;
  denunciation: { partyId: string; letterSentOn: CivilDate } | null;
  termination: Pick<Termination, 'on' | 'reason'> | null;
  /** The State's and each co-financer's yearly amounts in the data in force (art. 7). */
  annualFinancing: { stateEur: number; coFinancers: Record<string, number> } | null;
  /** Every ledger line the convention holds or held: its current ledger and those of its past terms. */
  ledger: LedgerItem[];
  /** The lines a decided renewal will open, built by the same rule as the convention's own ledger. */
  renewalLedger: LedgerItem[];
  suspensions: Suspension[];
  /** Pending deadlines as the convention lists them (overdue ones included). */
  deadlines: Deadline[];
  /** Every review year of every term, with its activity report's counts. */
  reviews: FactReviewYear[];
}

/** The lines the next term will hold once the renewal is decided: what the renewal at expiry opens. */
function renewalLedger(view: ConventionView): LedgerItem[] {
  const next = view.renewal?.decision === 'renew' ? view.renewal.nextTermData : null;
  if (!next || !view.term || missingBlanks(next).length > 0 || view.denunciation) return [];
  const term = computeTerm(next, view.term.number + 1, addDays(view.term.endDate, 1));
  return buildLedger(next as CompleteConventionData, term);
}

export function conventionFacts(view: ConventionView): ConventionFacts {
  const ledger = new Map<string, LedgerItem>();
  // Past terms first: a line still in the ledger (carried into a later term) is its current state.
  for (const past of view.pastTerms) for (const item of past.ledger ?? []) ledger.set(item.id, item);
  for (const { status: _status, ...item } of view.ledger) ledger.set(item.id, item);

  const reviews = new Map<string, ReviewYear>();
  for (const past of view.pastTerms)
    for (const year of past.reviews ?? []) reviews.set(`${year.term}.${year.termYear}`, year);
  for (const year of view.reviews) reviews.set(`${year.term}.${year.termYear}`, year);

  const financing = view.data.financing;
  return {
    conventionId: view.conventionId,
    title: view.title,
    departement: { code: view.departement.code as DepartementCode, name: view.departement.name },
    phase: view.phase,
    suspended: view.flags.suspended,
    postVacant: view.flags.postVacant,
    parties: Object.fromEntries(
      Object.entries(view.data.parties).map(([id, p]) => [
        id,
        { role: p.role, organisation: p.organisation },
      ]),
    ),
    employerPartyId: view.data.employerPartyId ?? null,
    term: view.term,
    renewal: view.renewal ? { decision: view.renewal.decision, decidedOn: view.renewal.decidedOn } : null,
    denunciation: view.denunciation
      ? { partyId: view.denunciation.partyId, letterSentOn: view.denunciation.letterSentOn }
      : null,
    termination: view.termination ? { on: view.termination.on, reason: view.termination.reason } : null,
    annualFinancing: financing
      ? {
          stateEur: financing.stateAnnualParticipationEur,
          coFinancers: Object.fromEntries(
            Object.entries(financing.coFinancers).map(([id, share]) => [id, share.annualContributionEur]),
          ),
        }
      : null,
    ledger: [...ledger.values()],
    renewalLedger: renewalLedger(view),
    suspensions: view.suspensions,
    deadlines: view.deadlines.map(({ overdue: _overdue, ...deadline }) => deadline),
    reviews: [...reviews.values()].map((year) => ({
      term: year.term,
      termYear: year.termYear,
      yearStart: year.yearStart,
      yearEnd: year.yearEnd,
      reportDueDate: reportDueDate(view, year),
      report: year.report
        ? { submittedOn: year.report.submittedOn, statistics: { ...year.report.statistics } }
        : null,
    })),
  };
}
