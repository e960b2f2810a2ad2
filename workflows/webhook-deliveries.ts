import { CancellationScope, isCancellation, proxyActivities } from '@temporalio/workflow';
import type { ConventionActivities } from '../activities';
import type { DeliveryFailure, StateChange, WebhookSubscription } from '../domain/temporal-contract';
import { BesideTheLoop } from './beside-the-loop';

const { deliverWebhook } = proxyActivities<ConventionActivities>({
  startToCloseTimeout: '30 seconds',
  // About a day of attempts; then the failure is recorded on the convention.
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '2 hours',
    maximumAttempts: 16,
  },
});

/**
 * The convention's changes delivered to its webhook subscribers, each as an activity beside the
 * main loop, so that a slow receiver never holds back a reminder. A delivery that gives up is
 * recorded among the convention's delivery failures.
 */
export class WebhookDeliveries extends BesideTheLoop<Promise<void>> {
  /** Each pending delivery's scope, by subscription: an unsubscription cancels them (and their retries). */
  private readonly scopes = new Map<string, Set<CancellationScope>>();

  constructor(
    private readonly failures: DeliveryFailure[],
    private readonly now: () => number,
  ) {
    super();
  }

  hasPending(subscriptionId: string): boolean {
    return this.scopes.has(subscriptionId);
  }

  /** Cancels the subscription's pending deliveries. */
  cancel(subscriptionId: string): void {
    for (const scope of this.scopes.get(subscriptionId) ?? []) scope.cancel();
  }

  dispatch(changes: StateChange[], subscriptions: WebhookSubscription[]): void {
    for (const change of changes)
      for (const subscription of subscriptions) this.deliver(change, subscription);
  }

  private deliver(change: StateChange, subscription: WebhookSubscription): void {
    const scope = new CancellationScope();
    const scopes = this.scopes.get(subscription.id) ?? new Set<CancellationScope>();
    this.scopes.set(subscription.id, scopes.add(scope));
    const delivery = (async () => {
      const deliveryId = `${change.conventionId}.${change.sequence}.${subscription.id}`;
      try {
        await scope.run(() =>
          deliverWebhook.executeWithOptions(
            {
              summary: `Notification webhook — ${subscription.client ?? subscription.id} (#${change.sequence})`,
            },
            [
              {
                deliveryId,
                subscriptionId: subscription.id,
                url: subscription.url,
                secret: subscription.secret,
                change,
              },
            ],
          ),
        );
      } catch (error) {
        // Cancelled by an unsubscription: nothing failed, nobody is waiting for it.
        if (isCancellation(error) && scope.consideredCancelled) return;
        this.failures.push({
          messageId: deliveryId,
          kind: 'webhook',
          at: this.now(),
          recipients: [subscription.client ?? subscription.id],
          reason:
            error instanceof Error
              ? error.cause instanceof Error
                ? error.cause.message
                : error.message
              : String(error),
        });
      }
    })();
    this.track(delivery, delivery, () => {
      scopes.delete(scope);
      if (scopes.size === 0) this.scopes.delete(subscription.id);
    });
  }
}
