/**
 * The deepest nesting of objects and arrays in a parsed JSON value, counted without recursion (the
 * value may come from anywhere, nested thousands deep). The count stops as soon as it passes
 * `limit`: the answer is then some depth above `limit`, not the whole depth.
 */
export function jsonDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (level > limit) return level;
    // Scalars are not pushed: a body of many values costs no stack entry for each.
    for (const inner of Object.values(current))
      if (inner !== null && typeof inner === 'object') stack.push([inner, level]);
  }
  return deepest;
}
