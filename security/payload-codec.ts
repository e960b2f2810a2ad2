import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

/**
 * AES-256-GCM encryption of every Temporal payload (workflow inputs, update arguments, query
 * answers, activity arguments and results). Representatives' names, contacts and candidate
 * references are then unreadable in the Temporal database and UI without a key. Each payload
 * names the key that sealed it, so keys rotate: add a new key, make it current, keep the old
 * ones for decoding.
 */

export const ENCRYPTED_ENCODING = 'binary/encrypted';
const KEY_ID_METADATA = 'encryption-key-id';
/**
 * The convention (workflow id) a payload belongs to, in clear beside it and sealed into it (as
 * authenticated data): the codec server decrypts a payload only for someone who may read that
 * convention, and a payload cannot be passed off as another convention's.
 */
export const CONVENTION_METADATA = 'iscg-convention';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface EncryptionKeys {
  currentKeyId: string;
  keys: Record<string, Buffer>;
}

export class KeyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyConfigError';
  }
}

/** Parses `id1:base64key,id2:base64key` (32-byte keys); the current key is `currentKeyId` or the first. */
export function parseEncryptionKeys(spec: string, currentKeyId?: string): EncryptionKeys {
  const keys: Record<string, Buffer> = {};
  for (const entry of spec
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const separator = entry.indexOf(':');
    if (separator <= 0)
      throw new KeyConfigError(
        'ISCG_ENCRYPTION_KEYS: attendu "identifiant:clé-base64" séparés par des virgules',
      );
    const id = entry.slice(0, separator);
    if (!/^[A-Za-z0-9._-]{1,40}$/.test(id))
      throw new KeyConfigError(`ISCG_ENCRYPTION_KEYS: identifiant de clé invalide "${id}"`);
    const key = Buffer.from(entry.slice(separator + 1), 'base64');
    if (key.length !== 32)
      throw new KeyConfigError(`ISCG_ENCRYPTION_KEYS: la clé "${id}" doit faire 32 octets (AES-256)`);
    keys[id] = key;
  }
  const ids = Object.keys(keys);
  if (ids.length === 0) throw new KeyConfigError('ISCG_ENCRYPTION_KEYS: aucune clé');
  const current = currentKeyId ?? ids[0]!;
  if (!keys[current])
    throw new KeyConfigError(`ISCG_ENCRYPTION_KEY_ID: clé "${current}" absente de ISCG_ENCRYPTION_KEYS`);
  return { currentKeyId: current, keys };
}

export function generateKey(): string {
  return randomBytes(32).toString('base64');
}

const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array | null | undefined) => new TextDecoder().decode(bytes ?? new Uint8Array());

/** Payloads sealed before conventions were bound to them carry the key id alone. */
function additionalData(keyId: string, conventionId: string | undefined): Buffer {
  return Buffer.from(conventionId ? `${keyId}\n${conventionId}` : keyId);
}

/** The convention a sealed payload says it belongs to, or undefined (sealed before, or outside one). */
export function conventionOf(payload: Payload): string | undefined {
  const value = payload.metadata?.[CONVENTION_METADATA];
  return value && value.length > 0 ? decode(value) : undefined;
}

export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(private readonly config: EncryptionKeys) {}

  // async: a bad payload rejects the promise rather than throwing at the call.
  // eslint-disable-next-line @typescript-eslint/require-await
  async encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    const keyId = this.config.currentKeyId;
    const key = this.config.keys[keyId]!;
    const conventionId = context?.workflowId;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(additionalData(keyId, conventionId));
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          encoding: encode(ENCRYPTED_ENCODING),
          [KEY_ID_METADATA]: encode(keyId),
          ...(conventionId ? { [CONVENTION_METADATA]: encode(conventionId) } : {}),
        },
        data: sealed,
      };
    });
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (decode(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload;
      const keyId = decode(payload.metadata?.[KEY_ID_METADATA]);
      const key = this.config.keys[keyId];
      if (!key) throw new Error(`payload chiffré avec la clé inconnue "${keyId}"`);
      const data = Buffer.from(payload.data ?? new Uint8Array());
      if (data.length < IV_BYTES + TAG_BYTES) throw new Error('payload chiffré tronqué');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAAD(additionalData(keyId, conventionOf(payload)));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}
