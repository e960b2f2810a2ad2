import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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
import {
  accessibleConvention,
  idempotencyKeyOf,
  parseOr422,
  principalOf,
  withTemporal,
  type RouteContext,
} from '../context';
import { ApiProblem } from '../problem';
import { eventResultSchema, genericEventBodySchema, requestSchema } from '../schemas';
import { conventionIdParams, idempotencyHeader, problems } from './docs';

/** Checks the payload here first (a 422 without a round trip), then lets the convention decide. */
export async function sendEvent(
  context: RouteContext,
  request: FastifyRequest,
  reply: FastifyReply,
  conventionId: string,
  type: ExternalEventType,
  payload: unknown,
  idempotencyKey: string | undefined,
): Promise<EventResult> {
  const parsed = parsePayload(type, payload);
  if (!parsed.ok) {
    const r = parsed.refusal;
    throw new ApiProblem('invalid', r.field ? `${r.field}: ${r.message}` : r.message, {
      ...(r.field !== undefined ? { field: r.field } : {}),
      ...(r.details ? { errors: r.details } : {}),
    });
  }
  const result = await withTemporal(context, () =>
    context.conventions.send(conventionId, {
      type,
      // The body as sent: the workflow parses it again, and idempotency compares what clients send.
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

export function eventRoutes(app: FastifyInstance, context: RouteContext): void {
  app.post<{ Params: { id: string } }>(
    '/conventions/:id/events',
    {
      schema: {
        tags: ['événements'],
        summary: 'Envoyer un événement (forme générique)',
        description:
          'Corps `{ "type": "SIGN", "payload": { ... } }`; le `payload` suit le schéma de la route typée de l’événement (`/conventions/{id}/events/<événement>`). L’expéditeur est la clé d’API: il n’est jamais dans le corps.',
        params: conventionIdParams,
        headers: idempotencyHeader,
        body: requestSchema(genericEventBodySchema),
        response: { 200: { description: 'Événement appliqué', ...eventResultSchema }, ...EVENT_ERRORS },
      },
    },
    async (request, reply) => {
      const id = accessibleConvention(request, request.params.id);
      const idempotencyKey = idempotencyKeyOf(request);
      const body = parseOr422(genericEventBodySchema, request.body ?? {});
      return sendEvent(context, request, reply, id, body.type, body.payload, idempotencyKey);
    },
  );

  for (const type of EXTERNAL_EVENT_TYPES) {
    app.post<{ Params: { id: string } }>(
      `/conventions/:id/events/${eventSlug(type)}`,
      {
        schema: {
          tags: ['événements'],
          operationId: eventSlug(type).replace(/-(\w)/g, (_, c: string) => c.toUpperCase()),
          summary: `${EVENT_LABELS[type]} (${type})`,
          description: `Réservé à: ${whoMay(type)}. Sans corps, équivaut à \`{}\`.`,
          params: conventionIdParams,
          headers: idempotencyHeader,
          body: requestSchema(eventPayloadSchemas[type]),
          response: { 200: { description: 'Événement appliqué', ...eventResultSchema }, ...EVENT_ERRORS },
        },
      },
      async (request, reply) => {
        const id = accessibleConvention(request, request.params.id);
        const idempotencyKey = idempotencyKeyOf(request);
        return sendEvent(context, request, reply, id, type, request.body ?? {}, idempotencyKey);
      },
    );
  }
}
