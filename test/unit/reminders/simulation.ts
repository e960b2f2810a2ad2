import { businessDayOnOrBefore } from '../../../domain/calendar/business-days';
import { addDays, compareDates, instantAt, type CivilDate } from '../../../domain/calendar/dates';
import type { ConventionCreate } from '../../../domain/convention/schema';
import type { ConventionSnapshot } from '../../../domain/lifecycle/decide';
import type { Actor, ExternalEventType } from '../../../domain/lifecycle/events';
import type { ConventionRuntime } from '../../../domain/runtime/convention-runtime';
import { SimulatedConvention, type SimulatedMail } from '../../../domain/runtime/simulated-convention';

export const OPERATOR: Actor = { kind: 'operator' };
export const party = (partyId: string): Actor => ({ kind: 'party', partyId });

export type SentMail = SimulatedMail;

/**
 * The convention driven through time as the workflow drives it (`SimulatedConvention`), with the
 * helpers unit tests of the planner use over whole lives: days and hours, refusals as errors.
 */
export class Simulation {
  private readonly convention: SimulatedConvention;

  constructor(
    create: ConventionCreate,
    startOn: CivilDate,
    readonly departement = create.data.departement,
  ) {
    this.convention = new SimulatedConvention(create, instantAt(startOn, departement, 10), OPERATOR);
  }

  get runtime(): ConventionRuntime {
    return this.convention.runtime;
  }

  get now(): number {
    return this.convention.now;
  }

  get mails(): SentMail[] {
    return this.convention.mails;
  }

  get snapshot(): ConventionSnapshot {
    return this.runtime.snapshot;
  }

  get context() {
    return this.runtime.context;
  }

  get sent(): Record<string, number> {
    return this.runtime.sentMessages;
  }

  /** Lets time run to `instant`, waking where the workflow would. */
  runUntil(instant: number): this {
    this.convention.runUntil(instant);
    return this;
  }

  goTo(date: CivilDate, hour = 10): this {
    return this.runUntil(instantAt(date, this.departement, hour));
  }

  send<T extends ExternalEventType>(type: T, payload: unknown, actor: Actor = OPERATOR): this {
    const decision = this.convention.apply(type, payload, actor);
    if (!decision.ok) throw new Error(`${type} refusé: ${JSON.stringify(decision.refusal)}`);
    return this;
  }

  reminders(): SentMail[] {
    return this.mails.filter((m) => m.mail.kind === 'reminder');
  }
}

/** Drafting to the selected candidate: the signatures open at the simulation's current time. */
export function openSignatures(s: Simulation): Simulation {
  return s
    .send('SUBMIT_DRAFT', {})
    .send('COMPOSE_SELECTION_COMMITTEE', {
      members: [
        { partyId: 'association', authority: 'hierarchique', title: 'directrice' },
        { partyId: 'police', authority: 'fonctionnelle', title: 'chef de service' },
      ],
    })
    .send('RECORD_APPLICATIONS', { count: 2, references: ['CAND-1', 'CAND-2'] })
    .send('RECORD_RECRUITMENT_DECISION', { outcome: 'selected', candidateRef: 'CAND-1' });
}

export function signAll(s: Simulation, on: CivilDate, except: string[] = []): Simulation {
  s.goTo(on);
  for (const partyId of Object.keys(s.context.data.parties).sort())
    if (!except.includes(partyId) && !s.context.signatures[partyId] && s.snapshot.value === 'signature')
      s.send(
        'SIGN',
        { partyId, signerName: 'Signataire', signerTitle: 'Représentant', signedOn: on },
        party(partyId),
      );
  return s;
}

/**
 * The fixture's first term lived to its end: every ledger item paid on its due date (or, with
 * `late`, one in seven paid nine days late), a committee each year set 80 days before the year's
 * end, the report twelve days before the meeting, non-renewal decided on 3 December 2029.
 */
export function fullTerm(create: ConventionCreate, late: boolean): Simulation {
  const code = create.data.departement;
  const s = openSignatures(new Simulation(create, '2027-01-04'));
  signAll(s, '2027-01-12');
  s.goTo('2027-03-01', 12);
  const acts: { date: CivilDate; hour: number; run: () => void }[] = [];
  s.context.ledger.forEach((item, i) => {
    const paidOn = late && i % 7 === 3 ? addDays(item.dueDate, 9) : item.dueDate;
    acts.push({
      date: paidOn,
      hour: 11,
      run: () =>
        s.send('RECORD_PAYMENT', {
          itemId: item.id,
          paidOn,
          ...(item.kind === 'salary' ? {} : { amountEur: item.plannedAmountEur }),
        }),
    });
  });
  for (const year of s.context.reviews) {
    const meeting = businessDayOnOrBefore(code, addDays(year.yearEnd, -20));
    const reportOn = addDays(meeting, -12);
    acts.push(
      {
        date: addDays(year.yearEnd, -80),
        hour: 11,
        run: () =>
          s.send('SCHEDULE_COMMITTEE', {
            termYear: year.termYear,
            meetingDate: meeting,
            meetingTime: '14:30',
            location: 'Préfecture',
          }),
      },
      {
        date: reportOn,
        hour: 11,
        run: () =>
          s.send('SUBMIT_ACTIVITY_REPORT', {
            termYear: year.termYear,
            submittedOn: reportOn,
            documentRef: `BILAN-${year.termYear}`,
            statistics: { 'personnes-recues': 100 },
          }),
      },
      {
        date: meeting,
        hour: 17,
        run: () =>
          s.send('RECORD_COMMITTEE_REVIEW', {
            termYear: year.termYear,
            heldOn: meeting,
            recommendations: [],
          }),
      },
    );
  }
  acts.push({
    date: '2029-12-03',
    hour: 11,
    run: () => s.send('RECORD_RENEWAL_DECISION', { decision: 'not_renew', decidedOn: '2029-12-03' }),
  });
  acts.sort((a, b) => compareDates(a.date, b.date) || a.hour - b.hour);
  for (const act of acts) {
    s.goTo(act.date, act.hour);
    act.run();
  }
  return s.goTo(addDays(s.context.term?.endDate ?? '2030-02-28', 5));
}
