import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { newConvention, persist } from '../domain/lifecycle/decide';
import { phaseOf } from '../domain/lifecycle/phase';
import type { Refusal } from '../domain/lifecycle/refusal';
import { ConventionRuntime, firstCarriedState } from '../domain/runtime/convention-runtime';
import { shapeRefusal, webhookUnsubscriptionSchema } from '../domain/runtime/requests';
import {
  applyEventUpdate,
  getDocumentsQuery,
  getStateQuery,
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
import { Alarm } from './alarm';
import { DocumentRenders } from './document-renders';
import { MailDelivery } from './mail-delivery';
import { runBehaviour } from './run-behaviour';
import { Publication } from './search-attributes';
import { WebhookDeliveries } from './webhook-deliveries';

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
  const behaviour = runBehaviour();
  const handlersSettled = () =>
    behaviour.handlersFirst ? condition(allHandlersFinished) : Promise.resolve();
  const runtime = ConventionRuntime.resume(carried, {
    lifecycle: behaviour.applying,
    mail: behaviour.mail,
    documents: behaviour.documents,
  });
  const documents = runtime.documents;
  const webhooks = new WebhookDeliveries(runtime.deliveryFailures, () => Date.now());
  // The term this run lives; a renewal continues as new so that each run holds one term.
  let runTerm = runtime.snapshot.context.term?.number ?? 0;
  let changed = true;
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
    if (!behaviour.documents) return;
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
        const refusal = runtime.refusalOfRequest(request, Date.now(), behaviour.validating);
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

  const mails = new MailDelivery(runtime, behaviour.mailRetriesByTimer);
  const publication = new Publication();

  const alarm = new Alarm();
  for (;;) {
    await handlersSettled();
    advanceClock(Date.now());
    dispatchChanges();
    reconcileDocuments(Date.now());
    const due = runtime.due(Date.now());
    await mails.deliver(due);
    await handlersSettled();
    runtime.settle(due);
    if (changed || due.plan.due.length > 0) publication.publish(state());
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
