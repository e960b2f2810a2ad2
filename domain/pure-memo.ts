/**
 * Answers of a pure function kept by key, for code the workflow runs: every convention of a worker
 * thread shares a module's memo (see workflows/shared-modules.ts), which is safe only because the
 * answer for a key never depends on what was asked before. Emptied when it reaches `limit` entries,
 * so a long-lived worker's memory stays bounded.
 */
export class PureMemo<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly limit = Number.POSITIVE_INFINITY) {}

  get(key: string, compute: () => V): V {
    const known = this.entries.get(key);
    if (known !== undefined || this.entries.has(key)) return known as V;
    if (this.entries.size >= this.limit) this.entries.clear();
    const answer = compute();
    this.entries.set(key, answer);
    return answer;
  }
}
