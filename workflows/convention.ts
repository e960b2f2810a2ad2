import {
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  sleep,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  metricMeter,
  patched,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { ConventionActivities } from '../activities';
import { newConvention, persist } from '../domain/lifecycle/decide';
import type { LifecycleBehaviour } from '../domain/lifecycle/behaviour';
import { phaseOf } from '../domain/lifecycle/phase';
import type { Refusal } from '../domain/lifecycle/refusal';
import type { MailOutcome, MailRequest } from '../domain/mail/mail-request';
import type { MailBehaviour } from '../domain/mail/notices';
import { currentDetails, searchAttributeValues, type SearchAttributeValues } from '../domain/presentation';
import { ConventionRuntime, firstCarriedState, type Due } from '../domain/runtime/convention-runtime';
import { shapeRefusal, webhookUnsubscriptionSchema } from '../domain/runtime/requests';
import type { Wake } from '../domain/reminders/plan';
import {
  applyEventUpdate,
  getDocumentsQuery,
  getStateQuery,
  REFUSED_EMAILS_METRIC,
  searchAttributes,
  subscribeWebhookUpdate,
  unsubscribeWebhookUpdate,
  type SubscribeWebhookRequest,
  type CarriedState,
  type ConventionOutcome,
  type ConventionState,
  type ConventionWorkflowInput,
  type EventRequest,
  type EventResult,
} from '../domain/temporal-contract';
import { DocumentRenders } from './document-renders';
import { WebhookDeliveries } from './webhook-deliveries';

/**
 * Emails go out as one local activity per wake-up, with every message due at that moment: a
 * reminder then costs a marker in the history instead of a scheduled activity and a second
 * workflow task, which keeps a whole term well under a thousand events. Transient SMTP failures
 * (4xx, connection lost) retry with backoff; permanent ones (5xx) come back as `rejected`
 * outcomes, recorded on the convention.
 */
const mailOptions = {
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '1 hour' },
} as const;
/**
 * Every retry waits on a durable timer (each backoff is over the threshold). Retried inside the
 * worker, as runs recorded before are for a minute, a relay down held the workflow task open:
 * transitions sent meanwhile waited for its heartbeats, and those heartbeats are tasks without
 * commands, which the SDK's replay has been known to group with the next task otherwise than the
 * run did (temporalio/sdk-core, workflow task chunking).
 */
const { sendMails } = proxyLocalActivities<ConventionActivities>({
  ...mailOptions,
  localRetryThreshold: '1 second',
});
/** Runs recorded before: retried inside the worker for a minute. */
const { sendMails: sendMailsRetryingInWorker } = proxyLocalActivities<ConventionActivities>({
  ...mailOptions,
  localRetryThreshold: '1 minute',
});

/** Continue-as-new well before Temporal's own limits, even if the server does not suggest it. */
const MAX_HISTORY_EVENTS = 8000;

export const REFUSAL_ERROR_TYPE = 'ConventionRefusal';

function refusalFailure(refusal: Refusal): ApplicationFailure {
  return ApplicationFailure.create({
    type: REFUSAL_ERROR_TYPE,
    message: refusal.field ? `${refusal.field}: ${refusal.message}` : refusal.message,
    details: [refusal],
    nonRetryable: true,
  });
}

/**
 * One convention, for its whole life. External events arrive as updates; time-driven changes and
 * reminders are driven by one timer set to the next instant that matters. Each renewal continues
 * as new, carrying the machine's snapshot and the idempotency keys.
 */
export async function conventionWorkflow(input: ConventionWorkflowInput): Promise<ConventionOutcome> {
  const carried: CarriedState =
    input.carried ??
    firstCarriedState(persist(newConvention(input.create!, input.create!.actor, Date.now())));
  // Decided once per run, before any command: a run recorded before a change keeps its behaviour.
  const endNoticeNextMorning = patched('end-notice-next-morning');
  const termEdges = patched('term-edges');
  const mailBehaviour: MailBehaviour = { endNoticeNextMorning, linesKeepTheirTerm: termEdges };
  // The validator refuses what the current rules refuse; the handler applies again what was
  // accepted, so an update a history recorded before a refusal existed replays as it ran.
  const validating: LifecycleBehaviour = { termEdges, termEdgeRefusals: true };
  const applying: LifecycleBehaviour = { termEdges, termEdgeRefusals: false };
  // Versions of the text, bound to signatures (docs/documents.md); runs recorded before keep none.
  const documentsOn = patched('document-versions');
  // The main loop lets every update handler finish before it records a command of its own. Without
  // it, a replay that delivers a local activity's result in the same activation as an update (the
  // original run got it later, after a worker restart) ran the loop ahead of the handler, and the
  // commands came out in another order than the history's.
  const handlersFirst = patched('handlers-before-loop');
  const handlersSettled = () => (handlersFirst ? condition(allHandlersFinished) : Promise.resolve());
  const send = patched('mail-retries-by-timer') ? sendMails : sendMailsRetryingInWorker;
  const runtime = ConventionRuntime.resume(carried, {
    lifecycle: applying,
    mail: mailBehaviour,
    documents: documentsOn,
  });
  const documents = runtime.documents;
  const webhooks = new WebhookDeliveries(runtime.deliveryFailures, () => Date.now());
  // The term this run lives; a renewal continues as new so that each run holds one term.
  let runTerm = runtime.snapshot.context.term?.number ?? 0;
  let changed = true;
  let publishedAttributes = '';
  // Runs recorded before IscgPartyRoles existed did not upsert it: they start to at their next change.
  let publishesPartyRoles = false;
  const renders = new DocumentRenders(documents, () => {
    changed = true;
  });

  const advanceClock = (now: number) => {
    const previous = runtime.advance(now);
    if (previous) {
      runtime.recordChange(previous, 'CLOCK', now);
      changed = true;
    }
  };

  const state = (): ConventionState =>
    runtime.state(Date.now(), { number: runtime.runs + 1, historyLength: workflowInfo().historyLength });

  /** Adds the versions the convention's state calls for (docs/documents.md) and starts their rendering. */
  const reconcileDocuments = (now: number) => {
    if (!documentsOn) return;
    if (runtime.addMissingDocuments(now)) changed = true;
    renders.renderPending();
  };

  /** The answer given before to the same request (its idempotency key); a key reused otherwise is refused. */
  const knownRequest = (request: EventRequest): EventResult | undefined => {
    const answer = runtime.answered(request);
    if (answer && 'conflict' in answer) throw refusalFailure(answer.conflict);
    return answer?.result;
  };

  setHandler(getStateQuery, state);
  setHandler(getDocumentsQuery, () => documents);

  setHandler(
    applyEventUpdate,
    async (request: EventRequest): Promise<EventResult> => {
      const known = knownRequest(request);
      if (known) return { ...known, replayed: true };
      // A SIGN binds to the current version's hash: wait for the worker to have rendered it.
      let check = runtime.bindsDocument(request, Date.now()) ? runtime.documentCheck(request) : null;
      if (check?.status === 'pending') {
        renders.renderPending();
        await condition(() => runtime.documentCheck(request).status !== 'pending');
        check = runtime.documentCheck(request);
      }
      if (check?.status === 'refused')
        throw refusalFailure({ ...check.refusal, phase: phaseOf(runtime.snapshot) });
      const now = Date.now();
      advanceClock(now);
      // The validator judged the request by today's rules; replayed, it was accepted under its own.
      const accepted = runtime.accept(request, now, check);
      if ('refusal' in accepted) throw refusalFailure(accepted.refusal);
      changed = true;
      reconcileDocuments(now);
      return accepted.result;
    },
    {
      // Synchronous: refuses, without touching the history, what the convention cannot accept.
      validator: (request: EventRequest) => {
        const refusal = runtime.refusalOfRequest(request, Date.now(), validating);
        if (refusal) throw refusalFailure(refusal);
      },
    },
  );

  setHandler(
    subscribeWebhookUpdate,
    (request) => {
      runtime.subscribe(request, Date.now());
      return { subscriptionId: request.id };
    },
    {
      validator: (request: SubscribeWebhookRequest) => {
        const refusal = runtime.refusalOfSubscription(request);
        if (refusal) throw refusalFailure(refusal);
      },
    },
  );

  setHandler(
    unsubscribeWebhookUpdate,
    ({ id }) => {
      const removed = runtime.unsubscribe(id);
      // Before this, deliveries already scheduled kept retrying for a day after an unsubscription.
      if (removed && webhooks.hasPending(id) && patched('stop-deliveries-on-unsubscribe'))
        webhooks.cancel(id);
      return { removed };
    },
    {
      // Without it, a junk argument throws in the handler and fails the workflow task, for good.
      validator: (request: { id: string }) => {
        const malformed = shapeRefusal(webhookUnsubscriptionSchema, request);
        if (malformed) throw refusalFailure(malformed);
      },
    },
  );

  const dispatchChanges = () => webhooks.dispatch(runtime.takeChanges(), runtime.webhooks);

  const refusedEmails = metricMeter.createCounter(
    REFUSED_EMAILS_METRIC,
    'messages',
    'Courriels refusés définitivement par le serveur de messagerie',
  );
  const recordOutcome = (mail: MailRequest, outcome: MailOutcome) => {
    // Not a command: nothing in the history changes, and a replay does not count again.
    if (runtime.recordOutcome(mail, outcome, Date.now())) refusedEmails.add(1, { kind: mail.kind });
  };

  /** Sends, in one local activity, what is due. */
  const deliver = async ({ mails: batch }: Due) => {
    if (batch.length === 0) return;
    const issuedAt = Date.now();
    const outcomes = await send.executeWithOptions({ summary: batchSummary(batch) }, [
      batch.map((mail) => ({ ...mail, issuedAt })),
    ]);
    batch.forEach((mail, i) => recordOutcome(mail, outcomes[i]!));
  };

  const publish = () => {
    const current = state();
    publishesPartyRoles ||= patched('party-roles-attribute');
    const { partyRoles, ...values } = searchAttributeValues(current);
    const published = publishesPartyRoles ? { ...values, partyRoles } : values;
    const serialized = JSON.stringify(published);
    if (serialized !== publishedAttributes) {
      upsertSearchAttributes([
        ...typedAttributes(values),
        ...(publishesPartyRoles ? [{ key: searchAttributes.partyRoles, value: partyRoles }] : []),
      ]);
      publishedAttributes = serialized;
    }
    setCurrentDetails(currentDetails(current));
  };

  const alarm = new Alarm();
  for (;;) {
    await handlersSettled();
    advanceClock(Date.now());
    dispatchChanges();
    reconcileDocuments(Date.now());
    const due = runtime.due(Date.now());
    await deliver(due);
    await handlersSettled();
    runtime.settle(due);
    if (changed || due.plan.due.length > 0) publish();
    changed = false;
    // An ended convention stays until its last planned notice has gone out, and until the notices
    // of an event that came in while this batch was out (an abandon) have gone out as well.
    if (runtime.ended(due)) {
      // Before this guard, such notices were dropped; histories that ended so still replay.
      if (runtime.pendingEffects.length === 0 || !patched('notices-of-last-event')) break;
      continue;
    }

    const currentTerm = runtime.snapshot.context.term?.number ?? 0;
    if (runTerm === 0) runTerm = currentTerm;
    const termChanged = currentTerm !== runTerm;
    const info = workflowInfo();
    if (termChanged || info.continueAsNewSuggested || info.historyLength > MAX_HISTORY_EVENTS) {
      await condition(() => allHandlersFinished() && webhooks.pending === 0 && renders.pending === 0);
      if (runtime.pendingEffects.length === 0 && runtime.pendingChanges.length === 0 && !changed)
        await continueAsNew<typeof conventionWorkflow>({
          carried: runtime.carry(Date.now()),
        });
      continue;
    }

    alarm.setFor(runtime.nextWake(due));
    await Promise.race([
      alarm.rang,
      condition(() => changed || runtime.pendingEffects.length > 0 || runtime.pendingChanges.length > 0),
    ]);
  }
  alarm.setFor(null);

  dispatchChanges();
  await condition(() => allHandlersFinished() && webhooks.pending === 0 && renders.pending === 0);
  log.info('Convention terminée', { conventionId: runtime.snapshot.context.conventionId });
  return {
    conventionId: runtime.snapshot.context.conventionId,
    phase: phaseOf(runtime.snapshot),
    terminationReason: runtime.snapshot.context.termination?.reason ?? null,
    terms: runtime.snapshot.context.term?.number ?? 0,
  };
}

/**
 * One durable timer for the next instant that matters. An update that leaves that instant and
 * its label unchanged keeps the running timer, so the history does not fill with cancelled timers.
 */
class Alarm {
  private target: number | null = null;
  private summary: string | null = null;
  private scope: CancellationScope | null = null;
  rang: Promise<void> = new Promise(() => undefined);

  setFor(wake: Wake | null): void {
    const at = wake ? Math.max(wake.at, Date.now() + 1000) : null;
    const summary = wake?.summary ?? null;
    // Same instant, other label (a party signed): restart it, so the UI says who is still awaited.
    if (at === this.target && summary === this.summary && (at === null || this.isPending)) return;
    this.scope?.cancel();
    this.scope = null;
    this.target = at;
    this.summary = summary;
    this.isPending = at !== null;
    if (at === null || !wake) {
      this.rang = new Promise(() => undefined);
      return;
    }
    const scope = new CancellationScope();
    this.scope = scope;
    this.rang = scope
      .run(() => sleep(at - Date.now(), { summary: wake.summary }))
      .then(
        () => {
          if (this.scope === scope) this.isPending = false;
        },
        (error: unknown) => {
          if (!isCancellation(error)) throw error;
        },
      );
  }

  private isPending = false;
}

/** The local activity's summary in the UI: what goes out, in French, without any address. */
function batchSummary(mails: MailRequest[]): string {
  if (mails.length === 1) return mails[0]!.summary;
  const listed = mails
    .slice(0, 3)
    .map((m) => m.summary)
    .join(' ; ');
  return `${mails.length} courriels: ${listed}${mails.length > 3 ? ' ; …' : ''}`;
}

function typedAttributes(values: Omit<SearchAttributeValues, 'partyRoles'>): SearchAttributeUpdatePair[] {
  const date = (civil: string | null) => (civil ? [new Date(`${civil}T00:00:00Z`)] : []);
  return [
    { key: searchAttributes.phase, value: values.phase },
    { key: searchAttributes.departement, value: values.departement },
    { key: searchAttributes.site, value: values.site },
    { key: searchAttributes.employer, value: values.employer },
    { key: searchAttributes.termNumber, value: values.termNumber },
    { key: searchAttributes.termEnd, value: date(values.termEnd)[0] ?? null },
    { key: searchAttributes.nextDeadline, value: date(values.nextDeadline)[0] ?? null },
    { key: searchAttributes.nextDeadlineKind, value: values.nextDeadlineKind },
    { key: searchAttributes.nextActor, value: values.nextActor },
    { key: searchAttributes.suspended, value: values.suspended },
  ];
}
