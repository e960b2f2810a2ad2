import { jsonDepth } from '../../domain/json-depth';

describe('jsonDepth', () => {
  it('counts objects and arrays, not scalars', () => {
    expect(jsonDepth('text', 8)).toBe(0);
    expect(jsonDepth(null, 8)).toBe(0);
    expect(jsonDepth({}, 8)).toBe(1);
    expect(jsonDepth({ a: [1, { b: 2 }], c: 3 }, 8)).toBe(3);
  });

  it('stops past the limit, at any depth, without recursion', () => {
    let deep: unknown = 0;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(jsonDepth(deep, 32)).toBe(33);
    expect(jsonDepth({ a: { b: { c: {} } } }, 2)).toBeGreaterThan(2);
  });
});
