import fc from 'fast-check';

/**
 * Seeded randomness for the fault suites: the same seed gives the same fleet, the same send modes
 * and the same fault schedule (the moments they land on still depend on the machine's speed).
 * Values come from fast-check without its bias towards edge cases, a chunk at a time.
 */
export class SeededRandom {
  private values: number[] = [];
  private chunk = 0;

  constructor(readonly seed: number) {}

  /** A float in [0, 1). */
  next(): number {
    if (this.values.length === 0) {
      this.values = fc.sample(fc.noBias(fc.integer({ min: 0, max: 0x7fffffff })), {
        seed: (this.seed + this.chunk++ * 0x9e3779b1) | 0,
        numRuns: 1024,
      });
    }
    return this.values.pop()! / 0x80000000;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Picks by weight: `{ a: 3, b: 1 }` gives `a` three times in four. */
  weighted<K extends string>(weights: Record<K, number>): K {
    const entries = Object.entries(weights) as [K, number][];
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let roll = this.next() * total;
    for (const [key, weight] of entries) {
      roll -= weight;
      if (roll < 0) return key;
    }
    return entries.at(-1)![0];
  }

  /** An independent stream for one part of the run (one convention, the fault scheduler). */
  fork(label: string): SeededRandom {
    let hash = this.seed ^ 0x811c9dc5;
    for (const char of label) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
    return new SeededRandom(hash | 0);
  }
}

/** The run's seed: FAULTS_SEED when given (to replay a run), else a fresh one, always printed. */
export function runSeed(): number {
  const given = process.env.FAULTS_SEED;
  if (given !== undefined && given.trim() !== '') {
    const seed = Number(given);
    if (!Number.isInteger(seed)) throw new Error(`FAULTS_SEED=${given}: un entier est attendu`);
    return seed;
  }
  return Math.floor(Math.random() * 0x7fffffff);
}
