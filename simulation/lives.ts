import { businessDayOnOrAfter, businessDayOnOrBefore } from '../domain/calendar/business-days';
import {
  addDays,
  addMonths,
  compareDates,
  instantAt,
  latestNoticeDate,
  type CivilDate,
} from '../domain/calendar/dates';
import type { DepartementCode } from '../domain/calendar/departements';
import { signatoryPartyIds } from '../domain/convention/completeness';
import { conventionWorkflowId, type ConventionCreate } from '../domain/convention/schema';
import type { HistoryEntry } from '../domain/lifecycle/context';
import type { Actor, ExternalEventType } from '../domain/lifecycle/events';
import { phaseOf } from '../domain/lifecycle/phase';
import { SimulatedConvention, type SimulatedMail } from '../domain/runtime/simulated-convention';
import { fleetDepartements, simulatedConvention } from './conventions';

/**
 * Whole lives of conventions, three terms each (nine years), written as the partners would live
 * them: drafting, recruitment, signatures spread over a few days, every ledger line paid, every
 * year's committee scheduled, its report submitted and its review recorded, a renewal with a new
 * partner joining, and along the way the incidents the convention provides for: a payment missed
 * then made (suspension and resumption, art. 9), the post falling vacant and a new recruitment,
 * a party denouncing the convention before the last term's end.
 */

export interface LifePlan {
  index: number;
  conventionId: string;
  departement: DepartementCode;
  create: ConventionCreate;
  /** The day the operator creates the draft, and the instant. */
  draftOn: CivilDate;
  createdAt: number;
  /** A co-financer misses a payment in the first term, then makes it. */
  suspension: boolean;
  /** The post falls vacant in the second term and a new recruitment fills it. */
  vacancy: boolean;
  /** One line in seven is paid nine days late. */
  latePayer: boolean;
  /** Another commune joins at the second renewal (an EPCI joins at the first, always). */
  secondNewPartner: boolean;
  /** How the third term ends: a party denounces it, or the partners decide not to renew. */
  ending: 'denounced' | 'not-renewed';
}

/** One transition sent, as an external system or an operator sends it. */
export interface Act {
  at: number;
  type: ExternalEventType;
  payload: Record<string, unknown>;
  actor: Actor;
}

export interface LivedLife {
  plan: LifePlan;
  acts: Act[];
  mails: SimulatedMail[];
  history: HistoryEntry[];
  terms: number;
  phase: string;
  terminationReason: string | null;
  /** Workflow runs: one per term (each renewal continues as new). */
  runs: number;
}

const OPERATOR: Actor = { kind: 'operator' };
const party = (partyId: string): Actor => ({ kind: 'party', partyId });

/** The hour partners record things at; reminders go out at 9, the clock turns at midnight. */
const OFFICE_HOUR = 11;

/**
 * `count` conventions over the fleet's départements, created one after the other over a year
 * from `firstDay`; the incidents are spread so that every kind meets every other.
 */
export function planFleet(count: number, firstDay: CivilDate): LifePlan[] {
  const departements = fleetDepartements();
  return Array.from({ length: count }, (_, index) => {
    const departement = departements[index % departements.length]!;
    const draftOn = businessDayOnOrAfter(departement, addDays(firstDay, Math.floor((index * 365) / count)));
    const startDate = `${addMonths(draftOn, 3).slice(0, 7)}-01`;
    const create = simulatedConvention(departement, index, startDate);
    return {
      index,
      conventionId: conventionWorkflowId(departement, create.slug),
      departement,
      create,
      draftOn,
      createdAt: instantAt(draftOn, departement, 10),
      suspension: index % 4 === 1,
      vacancy: index % 4 === 2,
      latePayer: index % 3 === 0,
      secondNewPartner: index % 2 === 0,
      ending: index % 5 === 4 ? 'denounced' : 'not-renewed',
    };
  });
}

interface Agendum {
  date: CivilDate;
  hour: number;
  /** Sends the act, or nothing when the convention's state makes it moot (a line waived meanwhile). */
  run: () => void;
}

/** A life, lived in pure code to its end. Throws if the rules refuse an act: the plan is wrong. */
export function live(plan: LifePlan): LivedLife {
  const code = plan.departement;
  const sim = new SimulatedConvention(plan.create, plan.createdAt, OPERATOR);
  const acts: Act[] = [];
  const state = () => sim.runtime.context;

  const send = (
    date: CivilDate,
    hour: number,
    type: ExternalEventType,
    payload: Record<string, unknown>,
    actor: Actor,
  ) => {
    const instant = instantAt(date, code, hour);
    if (instant < sim.now)
      throw new Error(`${plan.conventionId}: ${type} le ${date} après ${new Date(sim.now).toISOString()}`);
    sim.runUntil(instant);
    const decision = sim.apply(type, payload, actor);
    if (!decision.ok)
      throw new Error(`${plan.conventionId}: ${type} le ${date} refusé: ${JSON.stringify(decision.refusal)}`);
    acts.push({ at: instant, type, payload, actor });
  };
  const perform = (agenda: Agendum[]) => {
    agenda.sort((a, b) => compareDates(a.date, b.date) || a.hour - b.hour);
    for (const item of agenda) item.run();
  };
  const at = (
    date: CivilDate,
    type: ExternalEventType,
    payload: Record<string, unknown>,
    actor: Actor,
    hour = OFFICE_HOUR,
  ): Agendum => ({
    date,
    hour,
    run: () => send(date, hour, type, payload, actor),
  });

  const recruitment = (from: CivilDate, candidateRef: string, startsOn?: CivilDate): Agendum[] => {
    const day = (n: number) => businessDayOnOrAfter(code, addDays(from, n));
    const force = Object.keys(state().data.parties).find((id) => id === 'police' || id === 'gendarmerie')!;
    return [
      at(
        day(0),
        'COMPOSE_SELECTION_COMMITTEE',
        {
          members: [
            { partyId: 'association', authority: 'hierarchique', title: 'directrice' },
            { partyId: force, authority: 'fonctionnelle', title: 'chef de service' },
          ],
        },
        party('association'),
      ),
      at(
        day(7),
        'RECORD_APPLICATIONS',
        { count: 3, references: [candidateRef, `${candidateRef}-B`, `${candidateRef}-C`] },
        party(force),
      ),
      at(
        day(14),
        'RECORD_RECRUITMENT_DECISION',
        { outcome: 'selected', candidateRef, ...(startsOn ? { startsOn } : {}) },
        OPERATOR,
      ),
    ];
  };

  // Drafting, recruitment and signatures: in force on the start date written in the draft.
  const first = plan.draftOn;
  const signOn = businessDayOnOrAfter(code, addDays(first, 30));
  perform([
    at(first, 'SUBMIT_DRAFT', {}, OPERATOR),
    ...recruitment(addDays(first, 7), `CAND-${plan.index + 1}`),
    ...signatoryPartyIds(plan.create.data).map((partyId, k) => {
      const day = businessDayOnOrAfter(code, addDays(signOn, k % 3));
      return at(
        day,
        'SIGN',
        { partyId, signerName: `Signataire ${partyId}`, signerTitle: 'Représentant', signedOn: day },
        party(partyId),
      );
    }),
  ]);

  for (let term = 1; term <= 3; term++) {
    const start = term === 1 ? plan.create.data.startDate! : addDays(state().term!.endDate, 1);
    sim.runUntil(instantAt(start, code, 8));
    const current = state().term;
    if (!current || current.number !== term || phaseOf(sim.runtime.snapshot) === 'terminated')
      throw new Error(
        `${plan.conventionId}: période ${term} attendue le ${start}, état ${phaseOf(sim.runtime.snapshot)}`,
      );
    perform(dutiesOfTerm(term));
  }
  // The end: every notice of it out, the workflow returned.
  sim.runUntil(instantAt(addDays(state().term!.endDate, 90), code, 12));

  function dutiesOfTerm(term: number): Agendum[] {
    const context = state();
    const agenda: Agendum[] = [];
    const lines = context.ledger.filter((line) => line.term === term);
    const missed =
      plan.suspension && term === 1 ? lines.find((l) => l.kind !== 'salary' && l.termYear === 1) : undefined;
    lines.forEach((line, k) => {
      const payer = line.kind === 'salary' ? party(context.data.employerPartyId!) : party(line.payerPartyId);
      const late = plan.latePayer && k % 7 === 3;
      const paidOn =
        line === missed ? addDays(line.dueDate, 40) : late ? addDays(line.dueDate, 9) : line.dueDate;
      if (line === missed)
        agenda.push(
          at(
            addDays(line.dueDate, 10),
            'RECORD_NON_PAYMENT',
            { itemId: line.id, notedOn: addDays(line.dueDate, 10), reason: 'retard-de-versement' },
            party('association'),
          ),
        );
      agenda.push({
        date: paidOn,
        hour: OFFICE_HOUR,
        run: () => {
          // A line waived by a vacancy, or settled meanwhile, is not paid.
          const current = state().ledger.find((l) => l.id === line.id);
          if (!current || current.waived || current.writeOff || current.payments.length > 0) return;
          send(
            paidOn,
            OFFICE_HOUR,
            'RECORD_PAYMENT',
            {
              itemId: line.id,
              paidOn,
              ...(line.plannedAmountEur ? { amountEur: line.plannedAmountEur } : {}),
            },
            payer,
          );
        },
      });
    });
    for (const year of context.reviews.filter((r) => r.term === term)) {
      const meeting = businessDayOnOrBefore(code, addMonths(year.yearEnd, -1));
      const scheduleOn = businessDayOnOrBefore(code, addMonths(meeting, -2));
      const reportOn = businessDayOnOrBefore(code, addDays(meeting, -14));
      agenda.push(
        at(
          scheduleOn,
          'SCHEDULE_COMMITTEE',
          { termYear: year.termYear, meetingDate: meeting, meetingTime: '14:30', location: 'Préfecture' },
          party('etat'),
        ),
        at(
          reportOn,
          'SUBMIT_ACTIVITY_REPORT',
          {
            termYear: year.termYear,
            submittedOn: reportOn,
            documentRef: `BILAN-T${term}-A${year.termYear}`,
            statistics: { 'personnes-recues': 250 + 10 * year.termYear },
          },
          party('association'),
        ),
        at(
          meeting,
          'RECORD_COMMITTEE_REVIEW',
          {
            termYear: year.termYear,
            heldOn: meeting,
            recommendations: ['Maintenir le poste'],
            minutesRef: `PV-T${term}-A${year.termYear}`,
          },
          party('etat'),
          17,
        ),
      );
    }
    if (plan.vacancy && term === 2) {
      const noticeOn = businessDayOnOrAfter(code, addMonths(context.term!.startDate, 14));
      const vacantFrom = `${addMonths(noticeOn, 1).slice(0, 7)}-01`;
      agenda.push(at(noticeOn, 'DECLARE_VACANCY', { vacantFrom, reason: 'mutation' }, party('association')));
      agenda.push(
        ...recruitment(
          addDays(noticeOn, 42),
          `CAND-${plan.index + 1}-T2`,
          `${addMonths(vacantFrom, 2).slice(0, 7)}-01`,
        ),
      );
    }
    const opens = context.term!.concertationOpensOn;
    if (term < 3)
      agenda.push(
        at(
          businessDayOnOrAfter(code, opens),
          'RECORD_RENEWAL_DECISION',
          { decision: 'renew', decidedOn: businessDayOnOrAfter(code, opens), ...newPartner(term) },
          party('etat'),
        ),
      );
    else if (plan.ending === 'not-renewed')
      agenda.push(
        at(
          businessDayOnOrAfter(code, opens),
          'RECORD_RENEWAL_DECISION',
          {
            decision: 'not_renew',
            decidedOn: businessDayOnOrAfter(code, opens),
            reason: 'financement-non-reconduit',
          },
          party('etat'),
        ),
      );
    else {
      const letterOn = businessDayOnOrBefore(code, addDays(latestNoticeDate(context.term!.endDate), -10));
      agenda.push(
        at(
          letterOn,
          'DENOUNCE',
          { partyId: 'commune', letterSentOn: letterOn, letterReference: `RAR-${plan.index + 1}` },
          party('commune'),
        ),
      );
    }
    return agenda;
  }

  function newPartner(term: number): Record<string, unknown> {
    const joining =
      term === 1
        ? {
            id: 'epci',
            role: 'epci',
            organisation: `Communauté de communes du site ${plan.index + 1}`,
            title: 'Président de la communauté',
          }
        : plan.secondNewPartner
          ? {
              id: 'commune-voisine',
              role: 'commune',
              organisation: `Commune voisine du site ${plan.index + 1}`,
              title: 'Maire',
            }
          : null;
    if (!joining) return {};
    return {
      nextTermPatch: {
        parties: {
          [joining.id]: {
            role: joining.role,
            organisation: joining.organisation,
            representative: { title: joining.title },
            contacts: [{ email: `${joining.id}-${plan.index + 1}@partenaires.example.org` }],
          },
        },
        financing: { coFinancers: { [joining.id]: { annualContributionEur: 4000 } } },
      },
    };
  }

  const context = state();
  return {
    plan,
    acts,
    mails: sim.mails,
    history: context.history,
    terms: context.term?.number ?? 0,
    phase: phaseOf(sim.runtime.snapshot),
    terminationReason: context.termination?.reason ?? null,
    runs: sim.runtime.runs + 1,
  };
}
