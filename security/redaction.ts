/**
 * What the Temporal Web UI may show of a decrypted payload. Operators read phases, dates,
 * organisations and amounts there; people's names, email addresses and candidate references stay
 * masked (they are in the API, for the keys entitled to them). Pure, applied by the codec server.
 */

const MASK = '•••';
const EMAIL = /[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+\.)+[A-Za-z]{2,}/g;

/** Keys whose value names or identifies a person (or is a webhook secret) wherever they appear. */
const PERSONAL_KEYS = new Set(['signerName', 'candidateRef', 'references', 'email', 'to', 'cc', 'secret']);

function maskEmail(address: string): string {
  const domain = address.slice(address.indexOf('@') + 1);
  return `${MASK}@${domain}`;
}

/** A webhook receiver's URL may carry a token in its path or query: its origin only. */
function maskUrl(value: unknown): unknown {
  if (typeof value !== 'string') return maskValue(value);
  try {
    return `${new URL(value).origin}/${MASK}`;
  } catch {
    return MASK;
  }
}

function maskValue(value: unknown): unknown {
  if (typeof value === 'string') return value.length > 0 ? MASK : value;
  if (Array.isArray(value)) return value.map(maskValue);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).map((k) => [k, MASK]));
  return value;
}

export function redactPersonalData(value: unknown, parentKey = ''): unknown {
  if (typeof value === 'string') return value.replace(EMAIL, maskEmail);
  if (Array.isArray(value)) return value.map((item) => redactPersonalData(item, parentKey));
  if (!value || typeof value !== 'object') return value;
  const result: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    // A representative's name, a signature's signer, a candidate: personal wherever they sit.
    if (key === 'url') result[key] = maskUrl(inner);
    else if (PERSONAL_KEYS.has(key) || (key === 'name' && parentKey === 'representative')) {
      result[key] = key === 'email' && typeof inner === 'string' ? maskEmail(inner) : maskValue(inner);
    } else result[key] = redactPersonalData(inner, key);
  }
  return result;
}
