import * as http from 'node:http';
import type { Socket } from 'node:net';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { ConventionsClient } from '../conventions';
import { ConventionFactsCache, type ConventionSource } from '../reports/cache';
import { ReportsService } from '../reports/service';
import { KeyRing, type ApiKey } from '../auth/keys';
import { principalFromKey } from '../auth/principal';
import { checkBeforeValidation, zodValidatorCompiler, type RouteContext } from './context';
import { ApiProblem, MAX_PARAM_LENGTH, toApiProblem, type Problem } from './problem';
import { registerBodyTimeout, registerJsonParsers } from './json-body';
import { conventionRoutes } from './routes/conventions';
import { eventRoutes } from './routes/events';
import { healthRoutes } from './routes/health';
import { webhookRoutes } from './routes/webhooks';
import { codecAuthenticator, codecRoutes, type CodecRouteOptions } from './routes/codec';
import type { OidcSettings } from '../auth/oidc';
import { documentRoutes } from './routes/documents';
import { documensoRoutes, type DocumensoConfig } from './routes/documenso';
import { createDocumentRenderer, type DocumentRenderer } from '../../activities/documents/render';
import { reportRoutes } from './routes/reports';
import { dashboardRoutes } from './routes/dashboard';
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
  /** A ring the process may refill (the keys file reloaded), or a fixed list. */
  keys: ApiKey[] | KeyRing;
  logger?: FastifyServerOptions['logger'];
  webhooks: { allowPrivateDestinations: boolean };
  /** Default per key, overridden by a key's own `rateLimit`. */
  rateLimit?: { max: number; perSeconds: number };
  /** Per person logged in to the Web UI, for the codec server's calls. */
  codecRateLimit?: { max: number; perSeconds: number };
  /** Per client address, for whatever comes without a valid key: health, documentation, 401s. */
  anonymousRateLimit?: { max: number; perSeconds: number };
  /** How long a request body may take to arrive whole once its headers are in. */
  bodyTimeoutMs?: number;
  /** How long a /healthz answer is reused before Temporal is asked again. */
  healthCacheMs?: number;
  /** How long one Temporal call may take before the request answers 503. */
  temporalTimeoutMs?: number;
  /** Where clients reach the API (OpenAPI `servers`). */
  publicUrl?: string;
  bodyLimit?: number;
  /** Fastify's `trustProxy`: the reverse proxy whose X-Forwarded-For gives the client's address. */
  trustProxy?: boolean | number | string[];
  /** Renders documents on demand; created at the first document asked for when not given. */
  documents?: DocumentRenderer;
  /** The Documenso webhook receiver, when a secret is configured (docs/documents.md). */
  documenso?: DocumensoConfig;
  /** The Temporal UI's codec server, when payloads are encrypted. */
  codec?: { codec: PayloadCodec; token: string | null; corsOrigins: string[]; oidc?: OidcSettings | null };
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

export const DEFAULT_REPORTS_REFRESH_SECONDS = 30;

export const DEFAULT_RATE_LIMIT = { max: 300, perSeconds: 60 };
export const DEFAULT_ANONYMOUS_RATE_LIMIT = { max: 120, perSeconds: 60 };
export const DEFAULT_CODEC_RATE_LIMIT = { max: 3000, perSeconds: 60 };

/** `instance` is the path of a route that matched; an address no route takes is not repeated. */
function sendProblem(instance: string | undefined, reply: FastifyReply, problem: ApiProblem): FastifyReply {
  const headers =
    problem.code === 'unauthenticated' ? { ...UNAUTHENTICATED_HEADERS, ...problem.headers } : problem.headers;
  return reply
    .code(problem.status)
    .headers(headers)
    .type('application/problem+json')
    .send(problem.toProblem(instance));
}

function routedPath(request: FastifyRequest): string | undefined {
  return request.routeOptions.url === undefined ? undefined : request.url.split('?')[0];
}

/**
 * Errors Node's HTTP parser raises before Fastify sees a request (headers or URL over 16 KiB, a
 * request line it cannot read, a request that never completes): a problem, written on the socket.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const problem =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new ApiProblem('headers_too_large', 'en-têtes ou adresse de plus de 16 Kio')
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new ApiProblem('timeout', 'requête incomplète dans le délai')
        : new ApiProblem('malformed', 'requête HTTP illisible');
  const body = JSON.stringify(problem.toProblem() satisfies Problem);
  socket.end(
    `HTTP/1.1 ${problem.status} ${http.STATUS_CODES[problem.status]}\r\n` +
      'Content-Type: application/problem+json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * The schema provider keeps a response's description and content: its headers are put back, and
 * an answer without a body (`content: {}`, e.g. 204, 304) is documented as such.
 */
const withResponseHeaders: typeof jsonSchemaTransform = (route) => {
  const transformed = jsonSchemaTransform(route);
  const responses = (route.schema?.response ?? {}) as Record<
    string,
    { description?: string; headers?: unknown; content?: object }
  >;
  const documented = transformed.schema.response as Record<string, Record<string, unknown>> | undefined;
  for (const [status, response] of Object.entries(responses)) {
    if (!documented?.[status]) continue;
    if (response.content && Object.keys(response.content).length === 0)
      documented[status] = { description: response.description, type: 'null' };
    if (response.headers) documented[status].headers = response.headers;
  }
  return transformed;
};

/**
 * The components the document refers to: the schema provider lists each named schema twice (as
 * sent, `…Input`, and as answered) whether a route uses it or not.
 */
type OpenApiDocument = { components?: { schemas?: Record<string, unknown> } };
function withoutUnusedComponents(document: OpenApiDocument): OpenApiDocument {
  const schemas = document.components?.schemas;
  if (!schemas) return document;
  const kept: Record<string, unknown> = {};
  let reachable = JSON.stringify({ ...document, components: { ...document.components, schemas: {} } });
  for (let grew = true; grew;) {
    grew = false;
    for (const [name, schema] of Object.entries(schemas))
      if (!(name in kept) && reachable.includes(`"#/components/schemas/${name}"`)) {
        kept[name] = schema;
        reachable += JSON.stringify(schema);
        grew = true;
      }
  }
  return { ...document, components: { ...document.components, schemas: kept } };
}

const UNAUTHENTICATED_HEADERS = { 'www-authenticate': 'Bearer realm="iscg"' };

/**
 * The HTTP API as a Fastify instance, built from its dependencies. The process entry
 * (client/api/main.ts) adds configuration and signals; tests build it on their own Temporal.
 */
export async function buildApp(options: ApiOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 256 * 1024,
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy as string[] } : {}),
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Errors raised before routing (bad percent-encoding, a segment too long): problems too.
    frameworkErrors: (error, _request, reply) => {
      void sendProblem(undefined, reply, toApiProblem(error));
    },
    clientErrorHandler: answerClientError,
  }).withTypeProvider<ZodTypeProvider>();
  // Every route's schemas are zod (client/api/schemas.ts): they validate, type, serialise and document.
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('principal', null);
  app.decorateRequest('sentBody', undefined);
  registerJsonParsers(app);
  registerBodyTimeout(app, options.bodyTimeoutMs ?? 10_000);

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
    healthCacheMs: options.healthCacheMs ?? 1_000,
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
    return sendProblem(routedPath(request), reply, problem);
  });
  // The unknown path is not repeated: it may be long, or carry what the caller should not have sent.
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      undefined,
      reply,
      new ApiProblem('not_found', `route inconnue (${request.method}): voir /openapi.json`),
    ),
  );

  const ring = options.keys instanceof KeyRing ? options.keys : new KeyRing(options.keys);
  // A person in the Web UI (an access token, or the embedded UI) decodes a history page by many
  // small calls: their own budget, per person. A key keeps its own, codec calls included.
  const limitOf = (key: string) => {
    const apiKey = ring.key(key);
    if (apiKey) return apiKey.rateLimit ?? options.rateLimit ?? DEFAULT_RATE_LIMIT;
    return key.startsWith('oidc:') || key === 'codec-ui-developpement'
      ? (options.codecRateLimit ?? DEFAULT_CODEC_RATE_LIMIT)
      : DEFAULT_RATE_LIMIT;
  };
  const authenticate = (request: FastifyRequest): void => {
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

  const rateLimited = (max: number, ttlMs: number, who: string) =>
    new ApiProblem(
      'rate_limited',
      `limite de ${max} requêtes atteinte ${who}; réessayez dans ${Math.ceil(ttlMs / 1000)} s`,
      {},
      { 'retry-after': String(Math.ceil(ttlMs / 1000)) },
    );

  await app.register(rateLimit, {
    global: true,
    // After authentication (onRequest), before the body is read.
    hook: 'preParsing',
    keyGenerator: (request) => request.principal?.keyId ?? request.ip,
    allowList: (request) => request.principal === null,
    max: (_request, key) => limitOf(key).max,
    timeWindow: (_request, key) => limitOf(key).perSeconds * 1000,
    errorResponseBuilder: (_request, ctx) => rateLimited(ctx.max, ctx.ttl, 'pour cette clé'),
  });

  // Whatever arrives without a valid key (health, documentation, a wrong or missing key) is
  // counted per client address, before the key is even looked at.
  const anonymous = options.anonymousRateLimit ?? DEFAULT_ANONYMOUS_RATE_LIMIT;
  const anonymousLimit = app.createRateLimit({
    keyGenerator: (request) => `anonyme:${request.ip}`,
    allowList: () => false,
    max: anonymous.max,
    timeWindow: anonymous.perSeconds * 1000,
  });
  const codecOptions: CodecRouteOptions | null = options.codec
    ? { ...options.codec, oidc: options.codec.oidc ?? null, ring }
    : null;
  const codecCaller = codecOptions ? codecAuthenticator(codecOptions) : null;
  const refusals = new WeakMap<FastifyRequest, ApiProblem>();
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    const open = config?.public || request.routeOptions.url?.startsWith('/docs');
    if (!open)
      try {
        if (config?.codec && codecCaller) request.principal = await codecCaller(request);
        else authenticate(request);
      } catch (error) {
        refusals.set(request, toApiProblem(error));
      }
  });
  // After every onRequest hook, the dashboard's cookie sign-in included, and before the body is
  // read: a request still without a key counts against its address, then a refusal is answered.
  app.addHook('preParsing', async (request) => {
    if (request.principal === null) {
      const verdict = await anonymousLimit(request);
      if (!verdict.isAllowed && verdict.isExceeded)
        throw rateLimited(verdict.max, verdict.ttl, 'pour cette adresse sans clé valide');
    }
    const refusal = refusals.get(request);
    if (refusal) throw refusal;
  });
  app.addHook('preValidation', (request, _reply, done) => {
    try {
      checkBeforeValidation(request);
      done();
    } catch (error) {
      done(error as Error);
    }
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
        { name: 'documents', description: 'La convention en PDF et DOCX, signée, et les bilans annuels' },
        { name: 'webhooks', description: 'Notifications signées des changements d’état' },
        {
          name: 'signature électronique',
          description: 'Webhooks entrants d’un service de signature (Documenso)',
        },
        {
          name: 'rapports',
          description:
            'La vue d’ensemble: financement, échéances, activité, sur toutes les conventions lisibles',
        },
        { name: 'service', description: 'Santé et description' },
      ],
    },
    transform: withResponseHeaders,
    transformObject: (document) =>
      withoutUnusedComponents(jsonSchemaTransformObject(document) as OpenApiDocument) as ReturnType<
        typeof jsonSchemaTransformObject
      >,
  });

  healthRoutes(app, context);
  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, () => app.swagger());
  conventionRoutes(app, context);
  eventRoutes(app, context);
  webhookRoutes(app, context);
  let renderer = options.documents ?? null;
  documentRoutes(app, context, () => (renderer ??= createDocumentRenderer()));
  if (options.documenso) documensoRoutes(app, context, options.documenso);
  reportRoutes(app, context);
  await dashboardRoutes(app, context, {
    ring,
    ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
  });
  if (codecOptions) codecRoutes(app, codecOptions);

  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  return app;
}
