import { documentAttachments } from '../documents/attachments';
import {
  checkSignedDocument,
  missingDocuments,
  summarize,
  type DocumentRecord,
  type SignedDocumentClaim,
} from '../documents/ledger';
import { requestFingerprint } from '../idempotency';
import type { LifecycleBehaviour } from '../lifecycle/behaviour';
import { nextClockWake } from '../lifecycle/clock';
import {
  decide,
  isTerminated,
  persist,
  restore,
  tick,
  type ConventionSnapshot,
  type Decision,
  type InputRules,
} from '../lifecycle/decide';
import { termKey, type Effect } from '../lifecycle/effects';
import type { ExternalEvent } from '../lifecycle/events';
import { phaseOf } from '../lifecycle/phase';
import type { Refusal } from '../lifecycle/refusal';
import { conventionView } from '../lifecycle/view';
import { mailId } from '../mail/content';
import type { MailOutcome, MailRequest } from '../mail/mail-request';
import { CURRENT_MAIL_BEHAVIOUR, composeEffectMails, type MailBehaviour } from '../mail/notices';
import { planReminders, type ReminderPlan, type Wake } from '../reminders/plan';
import { scheduleWithReminders } from '../reminders/schedule';
import type {
  CarriedState,
  ConventionState,
  DeliveryFailure,
  EventRequest,
  EventResult,
  IdempotencyRecord,
  StateChange,
  SubscribeWebhookRequest,
  WebhookSubscription,
} from '../temporal-contract';
import { eventRequestSchema, shapeRefusal, webhookSubscriptionSchema } from './requests';

const MAX_SUBSCRIPTIONS = 20;

/** Keys are kept seven years, two full terms: a repeat after a renewal still gets its first answer. */
const IDEMPOTENCY_RETENTION_MS = 7 * 366 * 24 * 3600 * 1000;

export interface RuntimeBehaviour {
  /** How the clock and the events apply (the workflow's patches; the current rules by default). */
  lifecycle?: LifecycleBehaviour;
  mail?: MailBehaviour;
  /** Versions of the text, bound to signatures (docs/documents.md); runs recorded before keep none. */
  documents?: boolean;
}

/** What goes out at one instant, and what the loop needs after it. */
export interface Due {
  /** The notices of the pending effects, then the reminders due: each message once, none sent before. */
  mails: MailRequest[];
  /** How many pending effects these notices answer (more may come in while they go out). */
  effects: number;
  plan: ReminderPlan;
}

/**
 * One convention's loop in pure code: the clock, the events, what goes out at an instant and when
 * to wake next, with the bookkeeping a run keeps (idempotency keys, changes for webhook
 * subscribers, delivery failures, versions of the text) and carries into the next. The workflow
 * wires Temporal's timer, updates and activities to it; the simulations and the fault suite's
 * model drive it through time without Temporal. No I/O, no clock of its own: every instant is given.
 */
/** What a convention's first run starts from: its machine's snapshot, nothing sent or answered yet. */
export function firstCarriedState(convention: CarriedState['convention'], runs = 0): CarriedState {
  return {
    convention,
    idempotency: {},
    pendingEffects: [],
    sentMessages: {},
    deliveryFailures: [],
    webhooks: [],
    pendingChanges: [],
    changeSequence: 0,
    runs,
  };
}

export class ConventionRuntime {
  /** Answers given, by idempotency key. No prototype: "constructor" or "__proto__" is a key like any other. */
  readonly idempotency: Record<string, IdempotencyRecord> = Object.create(null) as Record<
    string,
    IdempotencyRecord
  >;
  readonly webhooks: WebhookSubscription[] = [];
  /** Changes of state not yet handed to the webhook deliveries. */
  readonly pendingChanges: StateChange[] = [];
  changeSequence = 0;
  readonly deliveryFailures: DeliveryFailure[] = [];
  /** Runs before this one (each renewal continues as new). */
  runs = 0;
  /** The versions of the text and the yearly reports; the workflow renders them and sets their hash. */
  readonly documents: DocumentRecord[] = [];

  constructor(
    public snapshot: ConventionSnapshot,
    readonly pendingEffects: Effect[] = [],
    readonly sentMessages: Record<string, number> = {},
    private readonly behaviour: RuntimeBehaviour = {},
  ) {}

  /** A run continued from the previous one's carried state. */
  static resume(carried: CarriedState, behaviour: RuntimeBehaviour = {}): ConventionRuntime {
    const runtime = new ConventionRuntime(
      restore(carried.convention),
      [...carried.pendingEffects],
      { ...carried.sentMessages },
      behaviour,
    );
    Object.assign(runtime.idempotency, carried.idempotency);
    runtime.webhooks.push(...carried.webhooks);
    runtime.pendingChanges.push(...carried.pendingChanges);
    runtime.changeSequence = carried.changeSequence;
    runtime.deliveryFailures.push(...carried.deliveryFailures);
    runtime.runs = carried.runs;
    runtime.documents.push(...(carried.documents ?? []));
    return runtime;
  }

  /** What the next run starts from (a renewal, or a history grown long). */
  carry(now: number): CarriedState {
    for (const [key, record] of Object.entries(this.idempotency))
      if (now - record.at > IDEMPOTENCY_RETENTION_MS) delete this.idempotency[key];
    return {
      convention: persist(this.snapshot),
      idempotency: this.idempotency,
      pendingEffects: this.pendingEffects,
      sentMessages: this.sentMessagesToCarry(),
      deliveryFailures: this.deliveryFailures.slice(-50),
      webhooks: this.webhooks,
      pendingChanges: this.pendingChanges,
      changeSequence: this.changeSequence,
      runs: this.runs + 1,
      ...(this.behaviour.documents ? { documents: this.documents } : {}),
    };
  }

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

  /** What goes out at `now`; with documents, a notice carries those it sends. */
  due(now: number): Due {
    const documents = this.behaviour.documents ? this.documents : null;
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

  /**
   * A message's outcome: sent, and what the mail server refused of it, kept on the convention.
   * True when something was refused (the whole message, or some of its recipients).
   */
  recordOutcome(mail: MailRequest, outcome: MailOutcome, at: number): boolean {
    this.markSent(mail, at);
    const recipients = [...mail.to, ...mail.cc];
    const refused =
      outcome.status === 'rejected'
        ? { recipients, reason: outcome.reason }
        : outcome.status === 'sent' && outcome.rejectedRecipients.length > 0
          ? {
              recipients: recipients.filter((r) => outcome.rejectedRecipients.includes(r.email)),
              reason: 'adresse(s) refusée(s) par le serveur de messagerie',
            }
          : null;
    if (!refused) return false;
    this.deliveryFailures.push({
      messageId: outcome.messageId,
      kind: mail.kind,
      at,
      recipients: refused.recipients.map((r) => r.partyId ?? 'externe'),
      reason: refused.reason,
    });
    return true;
  }

  /**
   * Why a request is refused before it touches the history (the update's validator), judged at `now`
   * by the rules `lifecycle` names: its shape, a key used for another request, an ended convention,
   * a SIGN that names another text or one still rendering, then the rules. Null: accepted, or the
   * repeat of a request already answered (it gets its first answer).
   */
  refusalOfRequest(request: EventRequest, now: number, lifecycle: LifecycleBehaviour): Refusal | null {
    const malformed = shapeRefusal(eventRequestSchema, request);
    if (malformed) return malformed;
    const answer = this.answered(request);
    if (answer) return 'conflict' in answer ? answer.conflict : null;
    if (isTerminated(this.snapshot)) return { code: 'refused', message: 'la convention est terminée' };
    if (this.bindsDocument(request, now)) {
      const check = this.documentCheck(request);
      if (check.status === 'refused') return { ...check.refusal, phase: phaseOf(this.snapshot) };
      // Accepted, the SIGN would wait for the rendering, and the workflow's loop with it: refused for
      // now instead (the client library asks again until the text has its hash).
      if (check.status === 'pending')
        return {
          code: 'not_ready',
          field: 'documentVersion',
          message: `la version ${check.version} du document est en cours de rendu: réessayez dans quelques secondes`,
          phase: phaseOf(this.snapshot),
        };
    }
    const decision = decide(
      tick(this.snapshot, now, this.behaviour.lifecycle).snapshot,
      eventOf(request, now),
      lifecycle,
    );
    return decision.ok ? null : decision.refusal;
  }

  /**
   * A request the validator accepted, applied at `now` (the clock advanced first) under the rules
   * it was accepted by when it was recorded; a SIGN carries the version and hash of the text it
   * binds to (`check`). Its change goes to the subscribers and its answer is kept for its repeats.
   */
  accept(
    request: EventRequest,
    now: number,
    check: DocumentCheck | null,
  ): { result: EventResult } | { refusal: Refusal } {
    const previous = this.snapshot;
    const event = eventOf(request, now);
    const decision = this.apply(check?.status === 'ok' ? boundTo(event, check) : event, 'recorded');
    if (!decision.ok) return { refusal: decision.refusal };
    this.recordChange(previous, request.type, now, ledgerItemOf(request.payload));
    const result: EventResult = {
      conventionId: this.snapshot.context.conventionId,
      event: request.type,
      phase: phaseOf(this.snapshot),
      term: this.snapshot.context.term?.number ?? 0,
      appliedAt: now,
      replayed: false,
    };
    this.remember(request, result, now);
    return { result };
  }

  /** The answer already given to this request, or the conflict of a key used for another one. */
  answered(request: EventRequest): { result: EventResult } | { conflict: Refusal } | null {
    if (!request.idempotencyKey) return null;
    const record = this.idempotency[request.idempotencyKey];
    if (!record) return null;
    if (record.fingerprint !== requestFingerprint(request))
      return {
        conflict: {
          code: 'conflict',
          field: 'Idempotency-Key',
          message: `la clé "${request.idempotencyKey}" a déjà servi pour une autre requête`,
        },
      };
    return { result: record.result };
  }

  /** The answer to a request, for its repeats. */
  remember(request: EventRequest, result: EventResult, at: number): void {
    if (request.idempotencyKey)
      this.idempotency[request.idempotencyKey] = { fingerprint: requestFingerprint(request), at, result };
  }

  /** A change of state, for the webhook subscribers (none: nothing to keep). */
  recordChange(previous: ConventionSnapshot, cause: StateChange['cause'], at: number, itemId?: string): void {
    if (this.webhooks.length === 0) return;
    const next = conventionView(this.snapshot, at).nextDeadline;
    this.pendingChanges.push({
      ...(itemId ? { itemId } : {}),
      sequence: ++this.changeSequence,
      conventionId: this.snapshot.context.conventionId,
      occurredAt: at,
      cause,
      phase: phaseOf(this.snapshot),
      previousPhase: phaseOf(previous),
      term: this.snapshot.context.term?.number ?? 0,
      nextDeadline: next ? { kind: next.kind, dueDate: next.dueDate } : null,
    });
  }

  /** The changes to deliver now, handed over once. */
  takeChanges(): StateChange[] {
    return this.pendingChanges.splice(0);
  }

  /** Why a subscription is refused (the update's validator): its shape, or twenty already. */
  refusalOfSubscription(request: SubscribeWebhookRequest): Refusal | null {
    const malformed = shapeRefusal(webhookSubscriptionSchema, request);
    if (malformed) return malformed;
    if (this.webhooks.length >= MAX_SUBSCRIPTIONS && !this.webhooks.some((w) => w.id === request.id))
      return { code: 'refused', message: `${MAX_SUBSCRIPTIONS} abonnements au plus par convention` };
    return null;
  }

  subscribe(request: SubscribeWebhookRequest, at: number): void {
    const existing = this.webhooks.findIndex((w) => w.id === request.id);
    const subscription = { ...request, createdAt: at };
    if (existing >= 0) this.webhooks[existing] = subscription;
    else this.webhooks.push(subscription);
  }

  unsubscribe(id: string): boolean {
    const index = this.webhooks.findIndex((w) => w.id === id);
    if (index >= 0) this.webhooks.splice(index, 1);
    return index >= 0;
  }

  /** Adds the versions the convention's state calls for (docs/documents.md): true if any was. */
  addMissingDocuments(now: number): boolean {
    if (!this.behaviour.documents) return false;
    const added = missingDocuments(this.snapshot.context, phaseOf(this.snapshot), this.documents, now);
    this.documents.push(...added);
    return added.length > 0;
  }

  /** Whether a SIGN binds to the current text: documents have versions, and signatures are awaited. */
  bindsDocument(request: EventRequest, now: number): boolean {
    return (
      !!this.behaviour.documents &&
      request.type === 'SIGN' &&
      phaseOf(tick(this.snapshot, now, this.behaviour.lifecycle).snapshot) === 'signature'
    );
  }

  /** How what a SIGN names of the document (version, hash) stands against the versions of the text. */
  documentCheck(request: EventRequest): DocumentCheck {
    return checkSignedDocument(this.documents, claimOf(request.payload));
  }

  /** The state the API, the CLI and the Web UI read. */
  state(now: number, run: ConventionState['run']): ConventionState {
    const view = conventionView(this.snapshot, now);
    return {
      ...view,
      schedule: scheduleWithReminders(view, this.snapshot, now, this.sentMessages),
      deliveryFailures: this.deliveryFailures,
      webhooks: this.webhooks.map(({ secret: _secret, ...rest }) => rest),
      changeSequence: this.changeSequence,
      sentMessages: Object.keys(this.sentMessages).length,
      run,
      documents: summarize(this.documents),
    };
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

  /**
   * Message identities only matter while they can be planned again: those of the terms before the
   * previous one are dropped, found by how their identities begin (`termKey`).
   */
  sentMessagesToCarry(): Record<string, number> {
    const { conventionId, term } = this.snapshot.context;
    const before = Array.from({ length: Math.max(0, (term?.number ?? 0) - 1) }, (_, past) =>
      mailId(`${termKey(conventionId, past)}/`),
    );
    return Object.fromEntries(
      Object.entries(this.sentMessages).filter(([id]) => !before.some((prefix) => id.startsWith(prefix))),
    );
  }
}

type DocumentCheck = ReturnType<typeof checkSignedDocument>;

function eventOf(request: EventRequest, at: number): ExternalEvent {
  return { type: request.type, payload: request.payload, actor: request.actor, at } as ExternalEvent;
}

/** A SIGN with the version and hash of the text it binds to, unless it names them itself. */
function boundTo(event: ExternalEvent, check: Extract<DocumentCheck, { status: 'ok' }>): ExternalEvent {
  const payload = event.payload as Record<string, unknown>;
  return {
    ...event,
    payload: {
      ...payload,
      documentVersion: payload.documentVersion ?? check.version,
      documentSha256: payload.documentSha256 ?? check.sha256,
    },
  } as ExternalEvent;
}

/** The line a payment, a non-payment or a write-off is about, for the receivers of the change. */
function ledgerItemOf(payload: unknown): string | undefined {
  const itemId = (payload as { itemId?: unknown } | null)?.itemId;
  return typeof itemId === 'string' ? itemId : undefined;
}

/** What a SIGN names of the document it signs; a value of the wrong type is left to the schema. */
function claimOf(payload: unknown): SignedDocumentClaim {
  const p = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>;
  return {
    ...(typeof p.documentVersion === 'number' ? { documentVersion: p.documentVersion } : {}),
    ...(typeof p.documentSha256 === 'string' ? { documentSha256: p.documentSha256 } : {}),
  };
}

function earliest(a: Wake | null, b: Wake | null): Wake | null {
  if (!a) return b;
  if (!b) return a;
  return a.at <= b.at ? a : b;
}
