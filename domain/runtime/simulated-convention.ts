import type { ConventionCreate } from '../convention/schema';
import { newConvention, type Decision } from '../lifecycle/decide';
import type { Actor, ExternalEvent, ExternalEventType } from '../lifecycle/events';
import { NO_RECIPIENT_REASON, type MailRequest } from '../mail/mail-request';
import type { Wake } from '../reminders/plan';
import { ConventionRuntime, type RuntimeBehaviour } from './convention-runtime';

export interface SimulatedMail {
  /** When the workflow sends it: the instant of the wake (or of the event) that made it due. */
  at: number;
  mail: MailRequest;
  /** False for a message with no address to send to: the mailer refuses it, the convention records it. */
  delivered: boolean;
}

/** The workflow's timer is set at least a second ahead (`Alarm`, workflows/alarm.ts). */
const MIN_TIMER_MS = 1000;

/**
 * One convention driven through time in pure code, turn for turn as the workflow drives it: a turn
 * at each wake it names and after each accepted event, every message due sent at that turn, a new
 * run (continue-as-new, carried state) when a renewal starts the next term. The simulations use
 * it (`npm run simulate`, the planner's unit tests, the fault suite's model); the workflow is the
 * same loop with Temporal's timer, updates and activities around it.
 */
export class SimulatedConvention {
  runtime: ConventionRuntime;
  now: number;
  readonly mails: SimulatedMail[] = [];
  /** When the workflow's timer rings next; null once the convention is done with. */
  wake: Wake | null;
  private runTerm: number;
  private done = false;

  constructor(
    create: ConventionCreate,
    at: number,
    actor: Actor,
    private readonly behaviour: RuntimeBehaviour = {},
  ) {
    this.now = at;
    this.runtime = new ConventionRuntime(newConvention(create, actor, at), [], {}, behaviour);
    this.runTerm = this.term;
    this.wake = this.turn();
  }

  get term(): number {
    return this.runtime.context.term?.number ?? 0;
  }

  /** One turn of the workflow's loop at `now`: when it wakes next, or null once it has returned. */
  private turn(): Wake | null {
    const runtime = this.runtime;
    runtime.advance(this.now);
    const due = runtime.due(this.now);
    for (const mail of due.mails) {
      // The mailer refuses a message without any address; the convention records the refusal.
      const delivered = mail.to.length > 0;
      if (delivered) runtime.markSent(mail, this.now);
      else
        runtime.recordOutcome(
          mail,
          { status: 'rejected', messageId: mail.id, reason: NO_RECIPIENT_REASON },
          this.now,
        );
      this.mails.push({ at: this.now, mail, delivered });
    }
    runtime.settle(due);
    if (runtime.ended(due)) {
      this.done = true;
      return null;
    }
    if (this.runTerm === 0) this.runTerm = this.term;
    if (this.term !== this.runTerm) {
      // A renewal continues as new: the next run starts from what this one carries, at once.
      this.runtime = ConventionRuntime.resume(runtime.carry(this.now), this.behaviour);
      this.runTerm = this.term;
      return this.turn();
    }
    return runtime.nextWake(due);
  }

  /** Lets time run to `instant`: every wake up to it (included) turns the loop, as the timer would. */
  runUntil(instant: number): this {
    while (this.wake && !this.done) {
      const at = Math.max(this.wake.at, this.now + MIN_TIMER_MS);
      if (at > instant) break;
      this.now = at;
      this.wake = this.turn();
    }
    this.now = Math.max(this.now, instant);
    return this;
  }

  /**
   * A turn of the loop at `instant` (not before the current one), wake or not: the workflow's turn
   * after an update, or after a wake a stopped worker delayed.
   */
  turnAt(instant: number): this {
    this.now = Math.max(this.now, instant);
    if (!this.done) this.wake = this.turn();
    return this;
  }

  /**
   * An event at the current instant, judged as the update's validator judges it (the current
   * rules); accepted, the loop turns at once, as the workflow's does after an update.
   */
  apply(type: ExternalEventType, payload: unknown, actor: Actor): Decision {
    if (this.done) return { ok: false, refusal: { code: 'refused', message: 'la convention est terminée' } };
    this.runtime.advance(this.now);
    const decision = this.runtime.apply({ type, payload, actor, at: this.now } as ExternalEvent);
    if (decision.ok) this.wake = this.turn();
    return decision;
  }
}
