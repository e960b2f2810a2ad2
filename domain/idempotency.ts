import { z } from 'zod';

/**
 * Idempotency keys: a transition sent twice with the same key takes effect once. The fingerprint
 * tells a true repeat (same body) from a reuse of the key for another request. Pure code: it runs
 * inside the workflow sandbox, so no crypto module; cyrb53 is plenty to compare two bodies.
 */

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** 53-bit string hash (cyrb53), as 14 hex digits. */
export function hash53(text: string, seed = 0): string {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
}

export function requestFingerprint(request: { type: string; payload: unknown; actor: unknown }): string {
  return hash53(canonicalJson({ type: request.type, payload: request.payload ?? {}, actor: request.actor }));
}

export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

/** The key as the API's header and the workflow's update validator both check it. */
export const idempotencyKeySchema = z
  .string({ message: 'clé d’idempotence attendue (texte)' })
  .regex(IDEMPOTENCY_KEY_PATTERN, {
    message: '8 à 128 caractères parmi lettres, chiffres, « . », « _ », « : » et « - »',
  });
