/** JSON Merge Patch (RFC 7386): how a draft is amended piece by piece. Arrays are replaced whole. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (FORBIDDEN_KEYS.has(key)) continue;
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

/** Every leaf path a patch touches, as dotted paths ("parties.cd59.contacts"). */
export function patchedPaths(patch: unknown, prefix = ''): string[] {
  if (!isPlainObject(patch)) return [prefix];
  const paths: string[] = [];
  for (const [key, value] of Object.entries(patch)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(value) && Object.keys(value).length > 0) paths.push(...patchedPaths(value, path));
    else paths.push(path);
  }
  return paths;
}
