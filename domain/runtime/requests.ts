import { IDEMPOTENCY_KEY_PATTERN } from '../idempotency';
import type { Refusal } from '../lifecycle/refusal';
import { WEBHOOK_ID_PATTERN } from '../temporal-contract';

/**
 * What an update must look like before a convention reads it: raw Temporal access reaches the
 * workflow without the API's schemas, so the shapes are checked here, field by field.
 */

/** What no convention can even read: not a request object, or an idempotency key out of its pattern. */
export function malformedRequest(request: unknown): Refusal | null {
  if (typeof request !== 'object' || request === null || Array.isArray(request))
    return {
      code: 'invalid',
      field: '',
      message: 'requête attendue: { type, payload, actor, idempotencyKey? }',
    };
  const key = (request as { idempotencyKey?: unknown }).idempotencyKey;
  if (key !== undefined && !(typeof key === 'string' && IDEMPOTENCY_KEY_PATTERN.test(key)))
    return {
      code: 'invalid',
      field: 'idempotencyKey',
      message: '8 à 128 caractères parmi A-Z a-z 0-9 . _ : -',
    };
  return null;
}

/** A subscription as the API builds it; raw Temporal access must not store anything else. */
export function malformedSubscription(request: unknown): Refusal | null {
  if (typeof request !== 'object' || request === null || Array.isArray(request))
    return { code: 'invalid', field: '', message: 'abonnement attendu: { id, url, secret, client }' };
  const { id, url, secret, client } = request as Record<string, unknown>;
  if (typeof id !== 'string' || !WEBHOOK_ID_PATTERN.test(id))
    return {
      code: 'invalid',
      field: 'id',
      message: 'identifiant d’abonnement attendu: « wh- » et 16 chiffres hexadécimaux',
    };
  if (typeof url !== 'string' || !/^https?:\/\/[^\s]+$/.test(url))
    return { code: 'invalid', field: 'url', message: 'URL http(s) attendue' };
  if (typeof secret !== 'string' || secret.length < 16)
    return { code: 'invalid', field: 'secret', message: '16 caractères au moins' };
  if (client !== null && client !== undefined && typeof client !== 'string')
    return { code: 'invalid', field: 'client', message: 'nom du client attendu' };
  return null;
}

/** An unsubscription names the subscription it ends. */
export function malformedUnsubscription(request: unknown): Refusal | null {
  if (typeof request !== 'object' || request === null || typeof (request as { id?: unknown }).id !== 'string')
    return { code: 'invalid', field: 'id', message: 'identifiant d’abonnement attendu' };
  return null;
}
