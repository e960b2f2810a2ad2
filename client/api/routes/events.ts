import type { FastifyReply, FastifyRequest } from 'fastify';
import { ACTING_ROLE_LABELS, ACTS_BY_EVENT } from '../../../domain/lifecycle/authorization';
import { parsePayload } from '../../../domain/lifecycle/decide';
import {
  EVENT_LABELS,
  EXTERNAL_EVENT_TYPES,
  eventPayloadSchemas,
  eventSlug,
  type ExternalEventType,
} from '../../../domain/lifecycle/events';
import type { EventResult } from '../../../domain/temporal-contract';
import { actorOf } from '../../auth/principal';
import { principalOf, withTemporal, type ApiInstance, type RouteContext } from '../context';
import { ApiProblem } from '../problem';
import { eventResultSchema, genericEventBodySchema } from '../schemas';
import { conventionIdParams, idempotencyHeader, jsonResponse, problems } from './docs';

/**
 * Sends an event whose payload its route's schema accepted. `payload` is what the client sent:
 * the workflow parses it again, and idempotency compares it.
 */
export async function sendEvent(
  context: RouteContext,
  request: FastifyRequest,
  reply: FastifyReply,
  conventionId: string,
  type: ExternalEventType,
  payload: unknown,
): Promise<EventResult> {
  const idempotencyKey = request.headers['idempotency-key'] as string | undefined;
  const result = await withTemporal(context, () =>
    context.conventions.send(conventionId, {
      type,
      payload: payload ?? {},
      actor: actorOf(principalOf(request)),
      ...(idempotencyKey ? { idempotencyKey } : {}),
    }),
  );
  if (idempotencyKey) reply.header('idempotent-replayed', String(result.replayed));
  // Reports show it at once, not only at the next reading of every convention.
  context.reports.cache.invalidate(conventionId);
  return result;
}

const EVENT_ERRORS = problems(
  'malformed',
  'forbidden',
  'not_found',
  'invalid',
  'refused',
  'conflict',
  'terminated',
);

function whoMay(type: ExternalEventType): string {
  return ACTS_BY_EVENT[type].map((role) => ACTING_ROLE_LABELS[role]).join(', ');
}

const EVENT_APPLIED = jsonResponse('Événement appliqué', eventResultSchema);

export function eventRoutes(app: ApiInstance, context: RouteContext): void {
  app.post(
    '/conventions/:id/events',
    {
      schema: {
        tags: ['événements'],
        summary: 'Envoyer un événement (forme générique)',
        description:
          'Corps `{ "type": "SIGN", "payload": { ... } }`; le `payload` suit le schéma de la route typée de l’événement (`/conventions/{id}/events/<événement>`). L’expéditeur est la clé d’API: il n’est jamais dans le corps.',
        params: conventionIdParams,
        headers: idempotencyHeader,
        body: genericEventBodySchema,
        response: { 200: EVENT_APPLIED, ...EVENT_ERRORS },
      },
    },
    async (request, reply) => {
      // The payload's schema depends on the type: checked here, a 422 without a round trip.
      const { type } = request.body;
      const payload = (request.sentBody as { payload?: unknown }).payload;
      const parsed = parsePayload(type, payload);
      if (!parsed.ok) {
        const r = parsed.refusal;
        throw new ApiProblem('invalid', r.field ? `${r.field}: ${r.message}` : r.message, {
          ...(r.field !== undefined ? { field: r.field } : {}),
          ...(r.details ? { errors: r.details } : {}),
        });
      }
      return sendEvent(context, request, reply, request.params.id, type, payload);
    },
  );

  for (const type of EXTERNAL_EVENT_TYPES) {
    app.post(
      `/conventions/:id/events/${eventSlug(type)}`,
      {
        schema: {
          tags: ['événements'],
          operationId: eventSlug(type).replace(/-(\w)/g, (_, c: string) => c.toUpperCase()),
          summary: `${EVENT_LABELS[type]} (${type})`,
          description: `Réservé à: ${whoMay(type)}. Sans corps, équivaut à \`{}\`.`,
          params: conventionIdParams,
          headers: idempotencyHeader,
          body: eventPayloadSchemas[type],
          response: { 200: EVENT_APPLIED, ...EVENT_ERRORS },
        },
      },
      async (request, reply) =>
        sendEvent(context, request, reply, request.params.id, type, request.sentBody ?? {}),
    );
  }
}
