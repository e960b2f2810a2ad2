import { conventionCreateSchema, type ConventionCreate } from '../../domain/convention/schema';
import type { HistoryEntry } from '../../domain/lifecycle/context';
import { decide, isTerminated, tick, type ConventionSnapshot } from '../../domain/lifecycle/decide';
import type { Effect } from '../../domain/lifecycle/effects';
import type { ExternalEvent, ExternalEventType } from '../../domain/lifecycle/events';
import type { MailRequest } from '../../domain/mail/mail-request';
import type { ConventionRuntime } from '../../domain/runtime/convention-runtime';
import { SimulatedConvention } from '../../domain/runtime/simulated-convention';

/**
 * What a convention should have done, recomputed in pure code from what happened to it. The
 * workflow's own history (the state query's `history`) says which events were accepted, when,
 * from whom, in which order; the driver says which payloads it sent. The model re-applies each
 * accepted event with the domain's `decide` at its recorded instant, lets time run between them
 * as the workflow's loop does (`SimulatedConvention`, that loop in pure code), and collects every
 * email the workflow must send: the notices of the effects and the reminders that fell due during
 * the run. So the expected set follows from the domain's rules rather than from a second,
 * hand-written list that could drift from them.
 */

export interface SentStep {
  type: ExternalEventType;
  payload: unknown;
}

export interface ExpectedMail {
  id: string;
  kind: MailRequest['kind'];
  /** Envelope recipients (to and cc), lower-cased, sorted: what the relay must see. */
  recipients: string[];
  /** When the model sends it (workflow time). */
  at: number;
}

export interface ModelOutcome {
  /** For each step of the driver, the positions in the history of the entries it explains. */
  applications: number[][];
  /** History positions no step (or the clock) explains: the first one stops the model. */
  unexplained: { position: number; entry: HistoryEntry; why: string }[];
  mails: ExpectedMail[];
  terminated: boolean;
  /** The model's convention at the end: the same, in pure code, as the workflow's. */
  snapshot: ConventionSnapshot;
}

/** Clock entries carry the instant the workflow woke, which a stopped worker may delay. */
const CLOCK_DELAY_TOLERANCE_MS = 15 * 60_000;

function sameEntry(model: HistoryEntry, actual: HistoryEntry): boolean {
  const { at: modelAt, ...modelRest } = model;
  const { at: actualAt, ...actualRest } = actual;
  if (JSON.stringify(modelRest) !== JSON.stringify(actualRest)) return false;
  if (model.event === 'CLOCK') return actualAt >= modelAt && actualAt - modelAt <= CLOCK_DELAY_TOLERANCE_MS;
  return modelAt === actualAt;
}

class ConventionModel {
  readonly convention: SimulatedConvention;

  constructor(create: ConventionCreate, first: HistoryEntry) {
    this.convention = new SimulatedConvention(conventionCreateSchema.parse(create), first.at, first.actor);
  }

  get runtime(): ConventionRuntime {
    return this.convention.runtime;
  }

  get snapshot(): ConventionSnapshot {
    return this.runtime.snapshot;
  }

  get history(): HistoryEntry[] {
    return this.runtime.context.history;
  }

  /** Every email the loop sent: the mailer answers a message without any address "rejected", sending nothing. */
  get mails(): ExpectedMail[] {
    return this.convention.mails
      .filter((m) => m.delivered)
      .map(({ mail, at }) => ({
        id: mail.id,
        kind: mail.kind,
        recipients: [...new Set([...mail.to, ...mail.cc].map((r) => r.email.toLowerCase()))].sort(),
        at,
      }));
  }

  /** One turn of the workflow's loop at `now`. */
  turn(now: number): void {
    this.convention.turnAt(now);
  }

  /** Lets time run up to `until` (included), waking where the workflow would. */
  runUntil(until: number): void {
    this.convention.runUntil(until);
  }

  /** The event as the update handler would apply it (clock first, then the event), or null. */
  tryApply(step: SentStep, entry: HistoryEntry): { snapshot: ConventionSnapshot; effects: Effect[] } | null {
    const ticked = tick(this.snapshot, entry.at);
    const decision = decide(ticked.snapshot, {
      type: step.type,
      payload: step.payload,
      actor: entry.actor,
      at: entry.at,
    } as ExternalEvent);
    if (!decision.ok) return null;
    return { snapshot: decision.snapshot, effects: [...ticked.effects, ...decision.effects] };
  }

  commit(applied: { snapshot: ConventionSnapshot; effects: Effect[] }, at: number): void {
    this.runtime.snapshot = applied.snapshot;
    this.runtime.pendingEffects.push(...applied.effects);
    this.turn(at);
  }
}

/**
 * Explains a convention's history with the steps the driver sent, and lists the emails it must
 * have sent by `endAt`. A step that explains two entries was applied twice; an entry no step
 * explains is a transition nobody sent (or the model's and the workflow's rules disagree).
 */
export function modelConvention(
  create: ConventionCreate,
  history: HistoryEntry[],
  steps: SentStep[],
  endAt: number,
): ModelOutcome {
  const applications: number[][] = steps.map(() => []);
  const unexplained: ModelOutcome['unexplained'] = [];
  const model = new ConventionModel(create, history[0]!);
  const outcome = (): ModelOutcome => ({
    applications,
    unexplained,
    mails: model.mails,
    terminated: isTerminated(model.snapshot),
    snapshot: model.snapshot,
  });
  const stop = (position: number, why: string): ModelOutcome => {
    unexplained.push({ position, entry: history[position]!, why });
    return outcome();
  };
  if (!sameEntry(model.history[0]!, history[0]!)) return stop(0, 'création différente');

  let position = 1;
  while (position < history.length) {
    const start = position;
    const entry = history[position]!;
    if (entry.event === 'CLOCK') {
      model.runUntil(entry.at);
      if (model.history.length <= position) model.turn(entry.at);
    } else {
      model.runUntil(entry.at);
      // Try unapplied steps first; a step applied already, if it fits again, was applied twice.
      const order = steps
        .map((step, index) => ({ step, index }))
        .filter(({ step }) => step.type === entry.event)
        .sort((a, b) => applications[a.index]!.length - applications[b.index]!.length);
      let matched = -1;
      for (const { step, index } of order) {
        const applied = model.tryApply(step, entry);
        const written = applied?.snapshot.context.history[position];
        if (applied && written && sameEntry(written, entry)) {
          model.commit(applied, entry.at);
          matched = index;
          break;
        }
      }
      if (matched < 0) return stop(position, `aucun envoi du pilote ne produit « ${entry.summary} »`);
      applications[matched]!.push(position);
    }
    // Entries the model wrote (the event's, and what time did around it) must be the recorded ones.
    for (; position < model.history.length; position++) {
      if (position >= history.length) break;
      if (!sameEntry(model.history[position]!, history[position]!))
        return stop(
          position,
          `le modèle attendait « ${model.history[position]!.summary} » (${model.history[position]!.event})`,
        );
    }
    if (position === start) return stop(position, 'entrée que ni le pilote ni le temps n’expliquent');
  }
  model.runUntil(endAt);
  if (model.history.length > history.length)
    unexplained.push({
      position: history.length,
      entry: model.history[history.length]!,
      why: `le modèle attendait encore « ${model.history[history.length]!.summary} »`,
    });
  return outcome();
}
