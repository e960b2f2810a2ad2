import { documentAttachments } from '../documents/attachments';
import type { DocumentRecord } from '../documents/ledger';
import type { LifecycleBehaviour } from '../lifecycle/behaviour';
import { nextClockWake } from '../lifecycle/clock';
import {
  decide,
  isTerminated,
  tick,
  type ConventionSnapshot,
  type Decision,
  type InputRules,
} from '../lifecycle/decide';
import type { Effect } from '../lifecycle/effects';
import type { ExternalEvent } from '../lifecycle/events';
import type { MailRequest } from '../mail/mail-request';
import { CURRENT_MAIL_BEHAVIOUR, composeEffectMails, type MailBehaviour } from '../mail/notices';
import { planReminders, type ReminderPlan, type Wake } from '../reminders/plan';

/**
 * One convention's loop in pure code: the clock, the events, what goes out at an instant and when
 * to wake next. The workflow wires Temporal's timer, updates and local activity to it; the
 * simulations and the fault suite's model drive it through time without Temporal. No I/O, no
 * clock of its own: every instant is given.
 */

export interface RuntimeBehaviour {
  /** How the clock and the events apply (the workflow's patches; the current rules by default). */
  lifecycle?: LifecycleBehaviour;
  mail?: MailBehaviour;
}

/** What goes out at one instant, and what the loop needs after it. */
export interface Due {
  /** The notices of the pending effects, then the reminders due: each message once, none sent before. */
  mails: MailRequest[];
  /** How many pending effects these notices answer (more may come in while they go out). */
  effects: number;
  plan: ReminderPlan;
}

export class ConventionRuntime {
  constructor(
    public snapshot: ConventionSnapshot,
    readonly pendingEffects: Effect[] = [],
    readonly sentMessages: Record<string, number> = {},
    private readonly behaviour: RuntimeBehaviour = {},
  ) {}

  get context() {
    return this.snapshot.context;
  }

  /** Lets the time-driven transitions happen up to `now`: the snapshot before them, if any did. */
  advance(now: number): ConventionSnapshot | null {
    const result = tick(this.snapshot, now, this.behaviour.lifecycle);
    if (result.snapshot === this.snapshot) return null;
    const previous = this.snapshot;
    this.snapshot = result.snapshot;
    this.pendingEffects.push(...result.effects);
    return previous;
  }

  /** An external event at its instant (the clock advanced first by the caller): applied unless refused. */
  apply(event: ExternalEvent, rules: InputRules = 'current'): Decision {
    const decision = decide(this.snapshot, event, this.behaviour.lifecycle, rules);
    if (decision.ok) {
      this.snapshot = decision.snapshot;
      this.pendingEffects.push(...decision.effects);
    }
    return decision;
  }

  /** What goes out at `now`; with `documents`, a notice carries the documents it sends. */
  due(now: number, documents: readonly DocumentRecord[] | null = null): Due {
    const mailBehaviour = this.behaviour.mail ?? CURRENT_MAIL_BEHAVIOUR;
    const effects = this.pendingEffects.length;
    const notices = this.pendingEffects.flatMap((effect) => {
      const mails = composeEffectMails(effect, this.snapshot.context, mailBehaviour);
      const attachments = documents ? documentAttachments(effect, this.snapshot.context, documents) : [];
      return attachments.length > 0 ? mails.map((mail) => ({ ...mail, attachments })) : mails;
    });
    const plan = planReminders(this.snapshot, now, this.sentMessages, mailBehaviour);
    const all = [...notices, ...plan.due];
    const mails = all.filter(
      (mail, i) => this.sentMessages[mail.id] === undefined && all.findIndex((m) => m.id === mail.id) === i,
    );
    return { mails, effects, plan };
  }

  markSent(mail: MailRequest, at: number): void {
    this.sentMessages[mail.id] = at;
  }

  /** The effects whose notices went out are done with. */
  settle(due: Due): void {
    this.pendingEffects.splice(0, due.effects);
  }

  /** Ended, with no notice left to plan: the loop may stop (once no effect is pending). */
  ended(due: Due): boolean {
    return isTerminated(this.snapshot) && due.plan.next === null;
  }

  /** The next instant that matters: a time-driven transition or a reminder. */
  nextWake(due: Due): Wake | null {
    return earliest(nextClockWake(this.snapshot), due.plan.next);
  }

  /** Message identities only matter while they can be planned again: those of past terms are dropped. */
  sentMessagesToCarry(): Record<string, number> {
    const term = this.snapshot.context.term?.number ?? 0;
    return Object.fromEntries(
      Object.entries(this.sentMessages).filter(
        ([id]) => !/\.t(\d+)\./.test(id) || Number(/\.t(\d+)\./.exec(id)![1]) >= term - 1,
      ),
    );
  }
}

export function earliest(a: Wake | null, b: Wake | null): Wake | null {
  if (!a) return b;
  if (!b) return a;
  return a.at <= b.at ? a : b;
}
