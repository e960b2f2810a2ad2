/** Order statistics on small samples; percentiles interpolate between ranks. */

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (sorted.length - 1) * q;
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);

/** A figure repeated across rounds: its median, and the spread (min and max) the reader must weigh it with. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** Values that could not be measured (NaN) are left out; none left gives NaN (null in JSON). */
export function spread(values: readonly number[]): Spread {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 };
  return {
    median: median(finite),
    min: Math.min(...finite),
    max: Math.max(...finite),
    n: finite.length,
  };
}

export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function roundSpread(s: Spread, digits = 3): Spread {
  return { median: round(s.median, digits), min: round(s.min, digits), max: round(s.max, digits), n: s.n };
}

/** The spread of each arm's samples (the convention's and the bare baseline's), rounded. */
export function armSpreads(samples: { convention: number[]; bare: number[] }, digits = 3) {
  return {
    convention: roundSpread(spread(samples.convention), digits),
    bare: roundSpread(spread(samples.bare), digits),
  };
}

/** Runs `fn` over `items` with at most `concurrency` calls in flight. */
export async function pool<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  });
  await Promise.all(lanes);
  return results;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Rotates the order of the arms each round, so that no arm always runs first (warm-up, drift). */
export function rotated<T>(arms: readonly T[], roundIndex: number): T[] {
  const k = roundIndex % arms.length;
  return [...arms.slice(k), ...arms.slice(0, k)];
}
