import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyRequest,
  FastifySchemaCompiler,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ConventionsClient } from '../conventions';
import { conventionAccess, partiesAccess, type Principal } from '../auth/principal';
import type { ConventionState } from '../../domain/temporal-contract';
import type { ReportsService } from '../reports/service';
import { ApiProblem, type ProblemDetail } from './problem';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook on every route but the public ones. */
    principal: Principal | null;
    /** The body as the client sent it, before its schema parsed it (idempotency compares it). */
    sentBody: unknown;
  }
  interface FastifyContextConfig {
    /** No key: health, OpenAPI document, docs (counted per address). */
    public?: boolean;
    /** The Web UI's codec server: an operator's access token or key (routes/codec.ts). */
    codec?: boolean;
  }
}

/** The API's Fastify instance: each route typed by its zod schemas. */
export type ApiInstance = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** What the routes share: the one Temporal client, and how long a Temporal call may take. */
export interface RouteContext {
  conventions: ConventionsClient;
  temporalTimeoutMs: number;
  webhooks: { allowPrivateDestinations: boolean };
  healthCacheMs: number;
  /** The national reports, read from every convention and kept fresh (client/reports/). */
  reports: ReportsService;
}

/** Runs a Temporal call under a deadline, so an unreachable server becomes a 503, not a hang. */
export function withTemporal<T>(context: RouteContext, fn: () => Promise<T>): Promise<T> {
  return context.conventions.client.connection.withDeadline(Date.now() + context.temporalTimeoutMs, fn);
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new ApiProblem('unauthenticated', 'clé d’API requise');
  return request.principal;
}

/** The convention id of the path, once the key is known to reach it. */
export function accessibleConvention(request: FastifyRequest, conventionId: string): string {
  const principal = principalOf(request);
  const denial = conventionAccess(principal, conventionId);
  if (!denial) return conventionId;
  if (denial.malformed)
    throw new ApiProblem('not_found', `convention ${conventionId} introuvable (${denial.reason})`);
  throw new ApiProblem('forbidden', denial.reason);
}

/**
 * The convention's state, once the key is known to reach it: its département (or list), then its
 * parties (a role held, the key's party a party). Every route that reads or follows a convention
 * goes through here; acts are checked again by the convention itself.
 */
export async function readableConvention(
  context: RouteContext,
  request: FastifyRequest,
  conventionId: string,
): Promise<ConventionState> {
  const id = accessibleConvention(request, conventionId);
  const state = await withTemporal(context, () => context.conventions.get(id));
  const denial = partiesAccess(principalOf(request), id, state.data.parties);
  if (denial) throw new ApiProblem('forbidden', denial.reason);
  return state;
}

/** Each issue of a failed parse, its field as a dotted path. */
export function issuesOf(error: z.ZodError): ProblemDetail[] {
  return error.issues.map((issue) => ({ field: issue.path.map(String).join('.'), message: issue.message }));
}

/** A 422 naming every bad field. */
function invalidProblem(error: z.ZodError, fieldName = (field: string) => field): ApiProblem {
  const errors = issuesOf(error).map((e) => ({ ...e, field: fieldName(e.field) }));
  const first = errors[0]!;
  return new ApiProblem('invalid', first.field ? `${first.field}: ${first.message}` : first.message, {
    field: first.field,
    errors,
  });
}

/** `idempotency-key` as the header is written in the documentation: `Idempotency-Key`. */
const headerName = (name: string) =>
  name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());

/**
 * Fastify validates each part of a request (body, query, path, headers) with the route's zod
 * schema: a failure is the same 422 as everywhere (French messages, every bad field named), and
 * the handler receives what the schema parsed. A request without a body reads as `{}`.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema, httpPart }) => {
  if (!(schema instanceof z.ZodType)) throw new TypeError(`schéma zod attendu pour ${httpPart}`);
  return (data) => {
    const parsed = schema.safeParse(httpPart === 'body' ? (data ?? {}) : data);
    if (parsed.success) return { value: parsed.data };
    return { error: invalidProblem(parsed.error, httpPart === 'headers' ? headerName : undefined) };
  };
};

/**
 * Before any part of a request is judged: the key must reach the convention of the path (403 or
 * 404 first, whatever the body), and an idempotency key must be sent once.
 */
export function checkBeforeValidation(request: FastifyRequest): void {
  request.sentBody = request.body;
  const id = (request.params as { id?: unknown } | undefined)?.id;
  if (typeof id === 'string' && request.routeOptions.url?.startsWith('/conventions/:id'))
    accessibleConvention(request, id);
  if (request.routeOptions.schema?.headers) singleIdempotencyKey(request);
}

function singleIdempotencyKey(request: FastifyRequest): void {
  // Node joins repeated headers with ", ": count them on the raw list to say what is wrong.
  const raw = request.raw.rawHeaders;
  let sent = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === 'idempotency-key') sent++;
  const header = request.headers['idempotency-key'];
  // A proxy may have folded two headers into one list ("a, b"): a key never holds a comma.
  const listed = typeof header === 'string' && header.includes(',') ? header.split(',').length : 1;
  if (sent > 1 || listed > 1)
    throw new ApiProblem(
      'invalid',
      `Idempotency-Key: un seul en-tête par requête (${Math.max(sent, listed)} reçus); une clé identifie une seule requête`,
      { field: 'Idempotency-Key' },
    );
}
