import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { checkDestination, DestinationError } from '../../../activities/webhooks/destination';
import { SIGNATURE_HEADER, WEBHOOK_EVENT_TYPE } from '../../../activities/webhooks/sender';
import type { ApiInstance, RouteContext } from '../context';
import { principalOf, readableConvention, withTemporal } from '../context';
import { ApiProblem } from '../problem';
import { webhookBodySchema } from '../schemas';
import { conventionIdParams, jsonResponse, noBody, problems } from './docs';

const subscriptionSchema = z.object({
  id: z.string().meta({ example: 'wh-3f2a9c1d0b4e5f60' }),
  url: z.string().meta({ example: 'https://paie.accueil-mediation.example/iscg' }),
  client: z.string().nullable().meta({ example: 'accueil-mediation-lille' }),
});

export function webhookRoutes(app: ApiInstance, context: RouteContext): void {
  app.post(
    '/conventions/:id/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'S’abonner aux changements d’état de la convention',
        description: `Chaque changement (événement ou échéance) est envoyé en POST JSON \`{ id, type: "${WEBHOOK_EVENT_TYPE}", data }\`, signé par l’en-tête \`${SIGNATURE_HEADER}: t=<secondes unix>,v1=<HMAC-SHA256 hex de "<t>.<corps brut>">\` avec le secret renvoyé ici, une seule fois. Réessayé avec un délai croissant tant que le récepteur ne répond pas 2xx (environ une journée). Les destinations privées ou locales sont refusées hors développement.`,
        params: conventionIdParams,
        body: webhookBodySchema,
        response: {
          201: jsonResponse(
            'Abonnement créé: conservez le secret, il ne sera plus affiché',
            subscriptionSchema.extend({
              secret: z.string(),
              events: z.array(z.string()),
              signatureHeader: z.string(),
            }),
          ),
          ...problems('malformed', 'forbidden', 'not_found', 'invalid', 'refused', 'terminated'),
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      let url: URL;
      try {
        url = await checkDestination(request.body.url, context.webhooks);
      } catch (error) {
        if (error instanceof DestinationError)
          throw new ApiProblem('invalid', `url: ${error.message}`, { field: 'url' });
        throw error;
      }
      // What a delivery says is the convention's phase and deadlines: only for keys that read it.
      const { conventionId } = await readableConvention(context, request, request.params.id);
      const id = `wh-${randomBytes(8).toString('hex')}`;
      const secret = `whsec_${randomBytes(32).toString('base64url')}`;
      await withTemporal(context, () =>
        context.conventions.subscribeWebhook(conventionId, {
          id,
          url: url.toString(),
          secret,
          client: principal.keyId,
        }),
      );
      return reply
        .code(201)
        .header('location', `/conventions/${conventionId}/webhooks/${id}`)
        .send({
          id,
          url: url.toString(),
          secret,
          client: principal.keyId,
          events: [WEBHOOK_EVENT_TYPE],
          signatureHeader: SIGNATURE_HEADER,
        });
    },
  );

  app.get(
    '/conventions/:id/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Mes abonnements à cette convention',
        description:
          'Les abonnements créés par la clé appelante, avec leur URL (jamais le secret, montré une seule fois à la création). Ceux des autres clés ne sont pas listés ici (`GET /conventions/{id}` dit seulement qu’ils existent).',
        params: conventionIdParams,
        response: {
          200: jsonResponse(
            'Les abonnements de la clé',
            z.object({
              webhooks: z.array(
                subscriptionSchema.extend({
                  createdAt: z.number().describe('Instant de création (ms depuis 1970, UTC)'),
                }),
              ),
            }),
          ),
          ...problems('forbidden', 'not_found'),
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const state = await readableConvention(context, request, request.params.id);
      return {
        webhooks: state.webhooks
          .filter((w) => w.client === principal.keyId)
          .map(({ id, url, client, createdAt }) => ({ id, url, client, createdAt })),
      };
    },
  );

  app.delete(
    '/conventions/:id/webhooks/:webhookId',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Se désabonner',
        description: 'Seule la clé qui a créé l’abonnement, ou un opérateur, peut le supprimer.',
        params: conventionIdParams.extend({ webhookId: z.string() }),
        response: {
          204: noBody('Abonnement supprimé'),
          ...problems('forbidden', 'not_found', 'terminated'),
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const webhookId = request.params.webhookId;
      const state = await readableConvention(context, request, request.params.id);
      const conventionId = state.conventionId;
      const subscription = state.webhooks.find((w) => w.id === webhookId);
      if (!subscription) throw new ApiProblem('not_found', `abonnement ${webhookId} introuvable`);
      if (subscription.client !== principal.keyId && principal.grant.kind !== 'operator')
        throw new ApiProblem('forbidden', `l’abonnement ${webhookId} appartient à une autre clé`);
      await withTemporal(context, () => context.conventions.unsubscribeWebhook(conventionId, webhookId));
      return reply.code(204).send();
    },
  );
}
