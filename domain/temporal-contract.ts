import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { ConventionCreate } from './convention/schema';
import type { DocumentRecord, DocumentSummary, RenderedDocument } from './documents/ledger';
import type { DocumentSource } from './documents/sources';
import type { PersistedConvention } from './lifecycle/decide';
import type { Effect } from './lifecycle/effects';
import type { Actor, ExternalEventType } from './lifecycle/events';
import type { Phase } from './lifecycle/phase';
import type { ConventionView } from './lifecycle/view';
import type { ScheduleWithReminders } from './reminders/schedule';

/**
 * The Temporal contract of a convention: workflow type, task queue, update and query names and
 * their arguments, search attributes. The API, the CLI and the worker import this module; none of
 * them imports workflow code. Raw Temporal access (CLI, UI) uses the same names: see docs/temporal.md.
 */

export const TASK_QUEUE = 'iscg-conventions';
export const CONVENTION_WORKFLOW_TYPE = 'conventionWorkflow';
/** Emails the mail server refused for good, whole or for some recipients: counted by the workflow. */
export const REFUSED_EMAILS_METRIC = 'iscg_emails_refused';

export interface EventRequest {
  type: ExternalEventType;
  payload: unknown;
  actor: Actor;
  idempotencyKey?: string;
}

export interface EventResult {
  conventionId: string;
  event: ExternalEventType;
  phase: Phase;
  term: number;
  appliedAt: number;
  /** True when this answer is the stored one of an earlier request with the same idempotency key. */
  replayed: boolean;
}

export interface IdempotencyRecord {
  fingerprint: string;
  at: number;
  result: EventResult;
}

/** A message that could not be delivered for good (SMTP 5xx): kept on the convention for operators. */
export interface DeliveryFailure {
  messageId: string;
  kind: string;
  at: number;
  recipients: string[];
  reason: string;
}

/** A client system's subscription to this convention's state changes. */
export interface WebhookSubscription {
  id: string;
  url: string;
  /** HMAC-SHA256 key shared with the receiver; encrypted at rest with the payload codec. */
  secret: string;
  client: string | null;
  createdAt: number;
}

/** One state change as sent to webhook receivers: identifiers and phases, never personal data. */
export interface StateChange {
  sequence: number;
  conventionId: string;
  occurredAt: number;
  cause: ExternalEventType | 'CLOCK';
  /** The ledger line of a RECORD_PAYMENT, RECORD_NON_PAYMENT or WRITE_OFF (`ledger[].id`). */
  itemId?: string;
  phase: Phase;
  previousPhase: Phase;
  term: number;
  nextDeadline: { kind: string; dueDate: string } | null;
}

export interface WebhookDelivery {
  deliveryId: string;
  subscriptionId: string;
  url: string;
  secret: string;
  change: StateChange;
}

export type WebhookOutcome =
  { status: 'delivered'; httpStatus: number; attempts: number } | { status: 'refused'; reason: string };

/** What one run hands to the next at continue-as-new. Plain JSON only. */
export interface CarriedState {
  convention: PersistedConvention;
  idempotency: Record<string, IdempotencyRecord>;
  pendingEffects: Effect[];
  sentMessages: Record<string, number>;
  deliveryFailures: DeliveryFailure[];
  webhooks: WebhookSubscription[];
  pendingChanges: StateChange[];
  changeSequence: number;
  runs: number;
  /** Absent in runs started before documents had versions. */
  documents?: DocumentRecord[];
}

export interface ConventionWorkflowInput {
  create?: ConventionCreate & { actor: Actor };
  carried?: CarriedState;
}

export interface ConventionOutcome {
  conventionId: string;
  phase: Phase;
  terminationReason: string | null;
  terms: number;
}

export interface ConventionState extends ConventionView {
  /** The view's schedule, with the first reminders it plans (domain/reminders/schedule.ts). */
  schedule: ScheduleWithReminders | null;
  deliveryFailures: DeliveryFailure[];
  webhooks: Omit<WebhookSubscription, 'secret'>[];
  changeSequence: number;
  sentMessages: number;
  run: { number: number; historyLength: number };
  /** The versions of the convention's text and its yearly reports, with their SHA-256 (no sources). */
  documents: DocumentSummary[];
}

/** What the worker renders to learn a document's hash: the frozen source, nothing else. */
export interface RenderDocumentRequest {
  source: DocumentSource;
}
export type RenderDocumentResult = RenderedDocument;

/** Every external event: an Update whose validator refuses what the convention cannot accept. */
export const applyEventUpdate = defineUpdate<EventResult, [EventRequest]>('applyEvent');
/** A subscription's id, as the API makes it (`wh-` and 8 random bytes in hex); the worker refuses any other. */
export const WEBHOOK_ID_PATTERN = /^wh-[0-9a-f]{16}$/;

export interface SubscribeWebhookRequest {
  id: string;
  url: string;
  secret: string;
  client: string | null;
}
/** Subscribes a client system to the convention's state changes (signed deliveries, retried). */
export const subscribeWebhookUpdate = defineUpdate<{ subscriptionId: string }, [SubscribeWebhookRequest]>(
  'subscribeWebhook',
);
export const unsubscribeWebhookUpdate = defineUpdate<{ removed: boolean }, [{ id: string }]>(
  'unsubscribeWebhook',
);

/** The whole public state: phase, parties, signatures, ledger, deadlines, history. */
export const getStateQuery = defineQuery<ConventionState>('getState');
/** Every document version with the source it renders from: the API renders documents from it. */
export const getDocumentsQuery = defineQuery<DocumentRecord[]>('getDocuments');

export const searchAttributes = {
  phase: defineSearchAttributeKey('IscgPhase', SearchAttributeType.KEYWORD),
  departement: defineSearchAttributeKey('IscgDepartement', SearchAttributeType.KEYWORD),
  site: defineSearchAttributeKey('IscgSite', SearchAttributeType.KEYWORD),
  employer: defineSearchAttributeKey('IscgEmployer', SearchAttributeType.KEYWORD),
  termNumber: defineSearchAttributeKey('IscgTermNumber', SearchAttributeType.INT),
  termEnd: defineSearchAttributeKey('IscgTermEnd', SearchAttributeType.DATETIME),
  nextDeadline: defineSearchAttributeKey('IscgNextDeadline', SearchAttributeType.DATETIME),
  nextDeadlineKind: defineSearchAttributeKey('IscgNextDeadlineKind', SearchAttributeType.KEYWORD),
  /** Every organisation expected to act next: a list, so a filter on one of them matches. */
  nextActor: defineSearchAttributeKey('IscgNextActor', SearchAttributeType.KEYWORD_LIST),
  suspended: defineSearchAttributeKey('IscgSuspended', SearchAttributeType.BOOL),
  /** The roles the convention's parties hold: what a key bound to a role may list and reach. */
  partyRoles: defineSearchAttributeKey('IscgPartyRoles', SearchAttributeType.KEYWORD_LIST),
} as const;

export const SEARCH_ATTRIBUTE_KEYS = Object.values(searchAttributes);

/** The `--search-attribute` flags of `temporal server start-dev`, and names for `operator search-attribute create`. */
export const SEARCH_ATTRIBUTE_CLI_TYPES: Record<string, string> = Object.fromEntries(
  SEARCH_ATTRIBUTE_KEYS.map((key) => [
    key.name,
    {
      KEYWORD: 'Keyword',
      KEYWORD_LIST: 'KeywordList',
      INT: 'Int',
      DATETIME: 'Datetime',
      BOOL: 'Bool',
      TEXT: 'Text',
      DOUBLE: 'Double',
    }[key.type as string] ?? 'Keyword',
  ]),
);
