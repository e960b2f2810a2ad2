import { z } from 'zod';
import type { ApiInstance, RouteContext } from '../context';
import { ApiProblem } from '../problem';
import { jsonResponse, problemResponse } from './docs';

const HEALTH_TIMEOUT_MS = 2_000;

interface Health {
  status: 'ok';
  temporal: { namespace: string; serverVersion: string };
}

export function healthRoutes(app: ApiInstance, context: RouteContext): void {
  // One question to Temporal per period, whatever the number of callers: probes and load
  // balancers poll this route, and anyone may call it.
  let cached: { at: number; answer: Promise<Health> } | null = null;
  const askTemporal = async (): Promise<Health> => {
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
  };

  app.get(
    '/healthz',
    {
      config: { public: true },
      schema: {
        tags: ['service'],
        summary: 'État du service: 200 seulement si Temporal répond',
        security: [],
        response: {
          200: jsonResponse(
            'Temporal répond',
            z.object({
              status: z.enum(['ok']),
              temporal: z.object({ namespace: z.string(), serverVersion: z.string() }),
            }),
          ),
          503: problemResponse('Temporal ne répond pas'),
        },
      },
    },
    async () => {
      const now = Date.now();
      if (!cached || now - cached.at >= context.healthCacheMs) {
        const answer = askTemporal();
        // A failure is cached for the period as well; the promise must not reject unobserved.
        answer.catch(() => undefined);
        cached = { at: now, answer };
      }
      return cached.answer;
    },
  );
}
