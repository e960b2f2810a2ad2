/**
 * Activities a convention runs beside its main loop (renderings, webhook deliveries), counted: a run
 * ends or continues as new only once none is pending.
 */
export abstract class BesideTheLoop<K> {
  private readonly running = new Map<K, Promise<void>>();

  /** Activities still running. */
  get pending(): number {
    return this.running.size;
  }

  protected isRunning(key: K): boolean {
    return this.running.has(key);
  }

  /** Counts `work` as pending under `key` until it settles, then runs `settled`. */
  protected track(key: K, work: Promise<void>, settled?: () => void): void {
    this.running.set(key, work);
    void work.finally(() => {
      this.running.delete(key);
      settled?.();
    });
  }
}
