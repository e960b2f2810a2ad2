import { businessDayOnOrBefore } from '../../../domain/calendar/business-days';
import { addDays, compareDates, instantAt, type CivilDate } from '../../../domain/calendar/dates';
import type { ConventionCreate } from '../../../domain/convention/schema';
import { newConvention, type ConventionSnapshot } from '../../../domain/lifecycle/decide';
import type { Actor, ExternalEvent, ExternalEventType } from '../../../domain/lifecycle/events';
import type { MailRequest } from '../../../domain/mail/mail-request';
import type { Wake } from '../../../domain/reminders/plan';
import { ConventionRuntime } from '../../../domain/runtime/convention-runtime';

export const OPERATOR: Actor = { kind: 'operator' };
export const party = (partyId: string): Actor => ({ kind: 'party', partyId });

export interface SentMail {
  at: number;
  mail: MailRequest;
}

/**
 * The convention's runtime driven through time as the workflow drives it: wakes at the instant it
 * names, sends what is due, and records what was sent. For unit tests of the planner over whole
 * lives.
 */
export class Simulation {
  readonly runtime: ConventionRuntime;
  now: number;
  readonly mails: SentMail[] = [];

  constructor(
    create: ConventionCreate,
    startOn: CivilDate,
    readonly departement = create.data.departement,
  ) {
    this.now = instantAt(startOn, departement, 10);
    this.runtime = new ConventionRuntime(newConvention(create, OPERATOR, this.now));
    this.step();
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

  /** One turn of the loop at `now`: when it wakes next, or null once the convention is done with. */
  private step(): Wake | null {
    this.runtime.advance(this.now);
    const due = this.runtime.due(this.now);
    for (const mail of due.mails) {
      this.runtime.markSent(mail, this.now);
      this.mails.push({ at: this.now, mail });
    }
    this.runtime.settle(due);
    if (this.runtime.ended(due) && this.runtime.pendingEffects.length === 0) return null;
    return this.runtime.nextWake(due);
  }

  /** Lets time run to `instant`, waking where the workflow would. */
  runUntil(instant: number): this {
    for (let guard = 0; guard < 100_000; guard++) {
      const wake = this.step();
      if (!wake || wake.at > instant) break;
      this.now = Math.max(wake.at, this.now + 1000);
    }
    this.now = Math.max(this.now, instant);
    this.step();
    return this;
  }

  goTo(date: CivilDate, hour = 10): this {
    return this.runUntil(instantAt(date, this.departement, hour));
  }

  send<T extends ExternalEventType>(type: T, payload: unknown, actor: Actor = OPERATOR): this {
    this.step();
    const decision = this.runtime.apply({ type, payload, actor, at: this.now } as ExternalEvent);
    if (!decision.ok) throw new Error(`${type} refusé: ${JSON.stringify(decision.refusal)}`);
    this.step();
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
