import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context';
import { ApiProblem } from '../problem';
import { PROBLEM_REF } from './docs';

const HEALTH_TIMEOUT_MS = 2_000;

export function healthRoutes(app: FastifyInstance, context: RouteContext): void {
  app.get(
    '/healthz',
    {
      config: { public: true },
      schema: {
        tags: ['service'],
        summary: 'État du service: 200 seulement si Temporal répond',
        security: [],
        response: {
          200: {
            description: 'Temporal répond',
            type: 'object',
            properties: {
              status: { type: 'string', enum: ['ok'] },
              temporal: {
                type: 'object',
                properties: { namespace: { type: 'string' }, serverVersion: { type: 'string' } },
              },
            },
          },
          503: {
            description: 'Temporal ne répond pas',
            content: { 'application/problem+json': { schema: PROBLEM_REF } },
          },
        },
      },
    },
    async () => {
      const connection = context.conventions.client.connection;
      try {
        const info = await connection.withDeadline(Date.now() + HEALTH_TIMEOUT_MS, () =>
          connection.workflowService.getSystemInfo({}),
        );
        return {
          status: 'ok',
          temporal: {
            namespace: context.conventions.client.options.namespace,
            serverVersion: info.serverVersion ?? '',
          },
        };
      } catch {
        throw new ApiProblem('unavailable', 'Temporal ne répond pas', {}, { 'retry-after': '5' });
      }
    },
  );
}
