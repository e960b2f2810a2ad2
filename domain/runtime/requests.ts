import { z } from 'zod';
import { idempotencyKeySchema } from '../idempotency';
import type { Refusal } from '../lifecycle/refusal';
import { WEBHOOK_ID_PATTERN } from '../temporal-contract';

/**
 * What an update must look like before a convention reads it: raw Temporal access reaches the
 * workflow without the API's routes, so the update validators parse with these schemas too.
 * The event's type, payload and actor are judged afterwards, by the rules (`decide`).
 */

export const eventRequestSchema = z.looseObject(
  { idempotencyKey: idempotencyKeySchema.optional() },
  { message: 'requête attendue: { type, payload, actor, idempotencyKey? }' },
);

/** A subscription as the API builds it; raw Temporal access must not store anything else. */
export const webhookSubscriptionSchema = z.object(
  {
    // A copy: zod resets a pattern's lastIndex, and the workflow sandbox freezes the contract's.
    id: z.string().regex(new RegExp(WEBHOOK_ID_PATTERN), {
      message: 'identifiant d’abonnement attendu: « wh- » et 16 chiffres hexadécimaux',
    }),
    url: z.string().regex(/^https?:\/\/[^\s]+$/, { message: 'URL http(s) attendue' }),
    secret: z.string({ message: '16 caractères au moins' }).min(16, { message: '16 caractères au moins' }),
    client: z.string({ message: 'nom du client attendu' }).nullish(),
  },
  { message: 'abonnement attendu: { id, url, secret, client }' },
);

/** An unsubscription names the subscription it ends. */
export const webhookUnsubscriptionSchema = z.looseObject(
  { id: z.string({ message: 'identifiant d’abonnement attendu' }) },
  { message: 'identifiant d’abonnement attendu' },
);

/** The first thing wrong with an update's argument, as the refusal its validator throws. */
export function shapeRefusal(schema: z.ZodType, request: unknown): Refusal | null {
  const parsed = schema.safeParse(request);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0]!;
  return { code: 'invalid', field: issue.path.join('.'), message: issue.message };
}
