import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';
import type { Wake } from '../domain/reminders/plan';

/**
 * One durable timer for the next instant that matters. An update that leaves that instant and
 * its label unchanged keeps the running timer, so the history does not fill with cancelled timers.
 */
export class Alarm {
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
