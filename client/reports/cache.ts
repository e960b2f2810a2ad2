import { conventionFacts, type ConventionFacts } from '../../domain/reports/facts';
import type { ConventionState } from '../../domain/temporal-contract';
import type { ConventionRun } from '../conventions';

/**
 * The reports' view of every convention, computed from Temporal on demand and kept in memory.
 *
 * Each sweep lists the conventions (visibility), then asks the server for each running one how
 * long its history is (DescribeWorkflowExecution: the server's own record, no worker, no replay);
 * a convention whose history has grown, or whose run changed, is queried again (its `getState`
 * query, as `GET /conventions/{id}` does) and projected to its facts. Every accepted event and every
 * change the clock makes lengthens the history, so a sweep every `refreshMs` keeps the figures true
 * within that time; an event sent through this API marks its convention at once. An ended
 * convention never changes: it is read once. Nothing is stored but here: Temporal is the store, and
 * a new process rebuilds all of it with its first sweep.
 */

export interface ConventionSource {
  /** Every convention, by its latest run (`historyLength` may be unknown there: 0). */
  runs(): Promise<ConventionRun[]>;
  /** The latest run of one convention, with its history's length as the server has it now. */
  run(conventionId: string): Promise<ConventionRun>;
  state(conventionId: string): Promise<ConventionState>;
}

interface Entry {
  runId: string;
  historyLength: number;
  closed: boolean;
  /** The run number and history length the state was read at: a late answer never overwrites a newer one. */
  order: [number, number];
  facts: ConventionFacts;
}

export interface CacheStatus {
  /** When the last complete sweep started: every figure is at least as recent. Null before the first. */
  asOf: number | null;
  conventions: number;
  sweeps: number;
  lastSweep: { startedAt: number; durationMs: number; described: number; queried: number } | null;
  /** Conventions the last sweep could not read (their previous figures are kept). */
  unreadable: { conventionId: string; reason: string }[];
  lastError: string | null;
}

export interface CacheOptions {
  refreshMs: number;
  /** Temporal calls in flight at once during a sweep. */
  concurrency?: number;
  /** After this many failures in a row a sweep gives up: Temporal is most likely unreachable. */
  giveUpAfter?: number;
  onError?: (error: unknown, context: string) => void;
}

export class FactsUnavailableError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'FactsUnavailableError';
  }
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function newer(a: [number, number], b: [number, number]): boolean {
  return a[0] > b[0] || (a[0] === b[0] && a[1] >= b[1]);
}

export class ConventionFactsCache {
  private readonly entries = new Map<string, Entry>();
  private readonly dirty = new Set<string>();
  private sweeping: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private firstSweep: Promise<void> | null = null;
  private stopped = false;
  private state: CacheStatus = {
    asOf: null,
    conventions: 0,
    sweeps: 0,
    lastSweep: null,
    unreadable: [],
    lastError: null,
  };

  constructor(
    private readonly source: ConventionSource,
    private readonly options: CacheOptions,
  ) {}

  /** Starts sweeping (the first sweep at once); idempotent. */
  start(): void {
    if (this.timer || this.stopped) return;
    this.firstSweep = this.sweep();
    const loop = () => {
      this.timer = setTimeout(() => {
        void this.sweep().finally(() => {
          if (!this.stopped) loop();
        });
      }, this.options.refreshMs);
      this.timer.unref();
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.sweeping?.catch(() => undefined);
  }

  /** The convention changed through this process: read it again before the next report. */
  invalidate(conventionId: string): void {
    this.dirty.add(conventionId);
  }

  /** What the last sweeps read, without waiting nor reading anything again (the metrics' view). */
  current(): ConventionFacts[] {
    return [...this.entries.values()].map((e) => e.facts);
  }

  status(): CacheStatus {
    return { ...this.state, conventions: this.entries.size };
  }

  /**
   * The facts of every convention, as of `status().asOf` at worst, and of every convention this
   * process changed, read again now. Waits for the first sweep at most `waitMs`.
   */
  async facts(waitMs: number): Promise<ConventionFacts[]> {
    this.start();
    if (this.state.asOf === null) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), waitMs);
      });
      const first = await Promise.race([this.firstSweep!.then(() => 'done' as const), timeout]);
      clearTimeout(timer);
      if (this.state.asOf === null)
        throw new FactsUnavailableError(
          first === 'timeout'
            ? 'les rapports se préparent: la première lecture des conventions n’est pas finie'
            : `les conventions n’ont pas pu être lues: ${this.state.lastError ?? 'raison inconnue'}`,
        );
    }
    if (this.dirty.size > 0) {
      const ids = [...this.dirty];
      this.dirty.clear();
      await this.pool(ids, async (id) => {
        try {
          await this.read(id, await this.source.run(id));
        } catch (error) {
          // Left for the next sweep; the figures say how old they are.
          this.options.onError?.(error, `relecture de ${id}`);
        }
      });
    }
    return [...this.entries.values()].map((e) => e.facts);
  }

  /** One pass over every convention; concurrent callers share it. */
  sweep(): Promise<void> {
    this.sweeping ??= this.runSweep().finally(() => {
      this.sweeping = null;
    });
    return this.sweeping;
  }

  private async runSweep(): Promise<void> {
    const startedAt = Date.now();
    let runs: ConventionRun[];
    try {
      runs = await this.source.runs();
    } catch (error) {
      this.state.lastError = reasonOf(error);
      this.options.onError?.(error, 'liste des conventions');
      return;
    }
    const unreadable: CacheStatus['unreadable'] = [];
    let described = 0;
    let queried = 0;
    let failuresInARow = 0;
    const giveUpAfter = this.options.giveUpAfter ?? 5;
    await this.pool(runs, async (listed) => {
      if (failuresInARow >= giveUpAfter) {
        unreadable.push({ conventionId: listed.conventionId, reason: 'lecture abandonnée' });
        return;
      }
      try {
        const known = this.entries.get(listed.conventionId);
        // An ended run is final: once read, it is never asked again.
        if (known?.closed && listed.closed && known.runId === listed.runId) return;
        const run = listed.closed ? listed : await this.source.run(listed.conventionId);
        if (!listed.closed) described += 1;
        if (known && known.runId === run.runId && known.historyLength === run.historyLength && !run.closed)
          return;
        await this.read(listed.conventionId, run);
        queried += 1;
        failuresInARow = 0;
      } catch (error) {
        failuresInARow += 1;
        unreadable.push({ conventionId: listed.conventionId, reason: reasonOf(error) });
        this.options.onError?.(error, `lecture de ${listed.conventionId}`);
      }
    });
    if (failuresInARow >= giveUpAfter) {
      this.state.lastError = unreadable.at(-1)?.reason ?? 'échecs répétés';
      return;
    }
    const listedIds = new Set(runs.map((r) => r.conventionId));
    for (const id of this.entries.keys()) if (!listedIds.has(id)) this.entries.delete(id);
    this.state = {
      asOf: startedAt,
      conventions: this.entries.size,
      sweeps: this.state.sweeps + 1,
      lastSweep: { startedAt, durationMs: Date.now() - startedAt, described, queried },
      unreadable,
      lastError: null,
    };
  }

  private async read(conventionId: string, run: ConventionRun): Promise<void> {
    const state = await this.source.state(conventionId);
    const order: [number, number] = [state.run.number, state.run.historyLength];
    const known = this.entries.get(conventionId);
    if (known && !newer(order, known.order)) return;
    this.entries.set(conventionId, {
      runId: run.runId,
      historyLength: run.historyLength,
      closed: run.closed,
      order,
      facts: conventionFacts(state),
    });
  }

  private async pool<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const workers = Array.from(
      { length: Math.min(this.options.concurrency ?? 8, items.length) },
      async () => {
        while (next < items.length) await fn(items[next++]!);
      },
    );
    await Promise.all(workers);
  }
}
