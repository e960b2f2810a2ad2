import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { ConventionsClient } from '../conventions';
import { ConventionFactsCache, type ConventionSource } from '../reports/cache';
import { ReportsService } from '../reports/service';
import { KeyRing, type ApiKey } from '../auth/keys';
import { principalFromKey } from '../auth/principal';
import type { RouteContext } from './context';
import { ApiProblem, toApiProblem } from './problem';
import { problemSchema } from './schemas';
import { conventionRoutes } from './routes/conventions';
import { eventRoutes } from './routes/events';
import { healthRoutes } from './routes/health';
import { webhookRoutes } from './routes/webhooks';
import { reportRoutes } from './routes/reports';
import { dashboardRoutes } from './routes/dashboard';
import { codecRoutes } from './routes/codec';
import type { PayloadCodec } from '@temporalio/common';

export interface ReportsOptions {
  /** Seconds between two readings of every convention (the figures' freshness); default 30. */
  refreshSeconds?: number;
  /** The instant reports are computed at; default now. Tests on the time-skipping server pass its clock. */
  clock?: () => number | Promise<number>;
  /** Where conventions are read; default the API's own Temporal client. */
  source?: ConventionSource;
}

export interface ApiOptions {
  /** The one Temporal client of the process, shared by every request. */
  conventions: ConventionsClient;
  keys: ApiKey[];
  logger?: FastifyServerOptions['logger'];
  webhooks: { allowPrivateDestinations: boolean };
  /** Default per key, overridden by a key's own `rateLimit`. */
  rateLimit?: { max: number; perSeconds: number };
  /** How long one Temporal call may take before the request answers 503. */
  temporalTimeoutMs?: number;
  /** Where clients reach the API (OpenAPI `servers`). */
  publicUrl?: string;
  bodyLimit?: number;
  /** The Temporal UI's codec server, when payloads are encrypted. */
  codec?: { codec: PayloadCodec; token: string | null; corsOrigins: string[] };
  reports?: ReportsOptions;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The reports' cache of every convention: `main` starts it at once, tests on first use. */
    reports: ReportsService;
  }
}

/** Reads conventions for the reports through the API's Temporal client, each call under a deadline. */
function temporalSource(conventions: ConventionsClient, timeoutMs: number): ConventionSource {
  const within = <T>(fn: () => Promise<T>) =>
    conventions.client.connection.withDeadline(Date.now() + timeoutMs, fn);
  return {
    runs: () => within(() => conventions.runs()),
    run: (id) => within(() => conventions.run(id)),
    state: (id) => within(() => conventions.get(id)),
  };
}

export const DEFAULT_RATE_LIMIT = { max: 300, perSeconds: 60 };
export const DEFAULT_REPORTS_REFRESH_SECONDS = 30;

const UNAUTHENTICATED_HEADERS = { 'www-authenticate': 'Bearer realm="iscg"' };

/**
 * The HTTP API as a Fastify instance, built from its dependencies. The process entry
 * (client/api/main.ts) adds configuration and signals; tests build it on their own Temporal.
 */
export async function buildApp(options: ApiOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 256 * 1024,
  });
  // Bodies are validated with the domain's zod schemas (French messages, same rules as the
  // workflow); the JSON Schemas given to routes only document them.
  app.setValidatorCompiler(() => (data: unknown) => ({ value: data }));
  // Responses are the workflow's own objects: no schema-driven serializer that could drop fields.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.decorateRequest('principal', null);
  app.addContentTypeParser(
    'application/merge-patch+json',
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );

  const temporalTimeoutMs = options.temporalTimeoutMs ?? 20_000;
  const facts = new ConventionFactsCache(
    options.reports?.source ?? temporalSource(options.conventions, temporalTimeoutMs),
    {
      refreshMs: (options.reports?.refreshSeconds ?? DEFAULT_REPORTS_REFRESH_SECONDS) * 1000,
      onError: (error, what) =>
        app.log.warn({ reason: error instanceof Error ? error.message : String(error) }, `rapports: ${what}`),
    },
  );
  const reports = new ReportsService(facts, {
    clock: options.reports?.clock ?? (() => Date.now()),
    waitMs: temporalTimeoutMs,
  });
  app.decorate('reports', reports);
  app.addHook('onClose', () => facts.stop());
  const context: RouteContext = {
    conventions: options.conventions,
    temporalTimeoutMs,
    webhooks: options.webhooks,
    reports,
  };

  app.setErrorHandler((error, request, reply) => {
    const problem = toApiProblem(error);
    if (problem.code === 'unavailable')
      request.log.warn(
        { reason: error instanceof Error ? error.message : String(error) },
        'Temporal injoignable',
      );
    else if (problem.status >= 500) request.log.error({ err: error }, 'erreur interne');
    const headers =
      problem.code === 'unauthenticated'
        ? { ...UNAUTHENTICATED_HEADERS, ...problem.headers }
        : problem.headers;
    return reply
      .code(problem.status)
      .headers(headers)
      .type('application/problem+json')
      .send(problem.toProblem(request.url.split('?')[0]));
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .type('application/problem+json')
      .send(
        new ApiProblem(
          'not_found',
          `route inconnue: ${request.method} ${request.url.split('?')[0]}`,
        ).toProblem(),
      ),
  );

  const ring = new KeyRing(options.keys);
  const limits = new Map(
    options.keys.map((k) => [k.id, k.rateLimit ?? options.rateLimit ?? DEFAULT_RATE_LIMIT]),
  );
  const authenticate = (request: FastifyRequest): void => {
    if (request.routeOptions.config?.public || request.routeOptions.url?.startsWith('/docs')) return;
    const header = request.headers.authorization;
    const token = typeof header === 'string' ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header)?.[1] : undefined;
    if (!token)
      throw new ApiProblem(
        'unauthenticated',
        'en-tête « Authorization: Bearer <clé d’API> » requis',
        {},
        UNAUTHENTICATED_HEADERS,
      );
    const key = ring.authenticate(token);
    if (!key)
      throw new ApiProblem(
        'unauthenticated',
        'clé d’API inconnue ou révoquée',
        {},
        { 'www-authenticate': 'Bearer realm="iscg", error="invalid_token"' },
      );
    request.principal = principalFromKey(key);
  };
  app.addHook('onRequest', (request, _reply, done) => {
    try {
      authenticate(request);
      done();
    } catch (error) {
      done(error as Error);
    }
  });

  await app.register(rateLimit, {
    global: true,
    // After authentication (onRequest), before the body is read.
    hook: 'preParsing',
    keyGenerator: (request) => request.principal?.keyId ?? request.ip,
    allowList: (request) => request.principal === null,
    max: (_request, key) => limits.get(key)?.max ?? DEFAULT_RATE_LIMIT.max,
    timeWindow: (_request, key) => (limits.get(key)?.perSeconds ?? DEFAULT_RATE_LIMIT.perSeconds) * 1000,
    errorResponseBuilder: (_request, ctx) =>
      new ApiProblem(
        'rate_limited',
        `limite de ${ctx.max} requêtes atteinte pour cette clé; réessayez dans ${Math.ceil(ctx.ttl / 1000)} s`,
        {},
        {
          'retry-after': String(Math.ceil(ctx.ttl / 1000)),
        },
      ),
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'API des conventions ISCG',
        version: '1',
        description:
          'Conventions de partenariat ISCG (intervenant social en commissariat et gendarmerie), chacune conduite par un workflow Temporal. Authentification: `Authorization: Bearer <clé d’API>`. Erreurs: `application/problem+json`.',
      },
      ...(options.publicUrl ? { servers: [{ url: options.publicUrl }] } : {}),
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearerAuth: [] }],
      tags: [
        { name: 'conventions', description: 'Créer, lire, rechercher, modifier' },
        { name: 'événements', description: 'Les actes du cycle de vie, un par route' },
        { name: 'webhooks', description: 'Notifications signées des changements d’état' },
        {
          name: 'rapports',
          description:
            'La vue d’ensemble: financement, échéances, activité, sur toutes les conventions lisibles',
        },
        { name: 'service', description: 'Santé et description' },
      ],
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
  });
  app.addSchema({ $id: 'Problem', ...problemSchema });

  healthRoutes(app, context);
  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, () => app.swagger());
  conventionRoutes(app, context);
  eventRoutes(app, context);
  webhookRoutes(app, context);
  reportRoutes(app, context);
  await dashboardRoutes(app, context, {
    ring,
    ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
  });
  if (options.codec) codecRoutes(app, { ...options.codec, ring });

  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  return app;
}
