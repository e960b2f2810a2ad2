import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { ConventionsClient } from '../conventions';
import { conventionAccess, partiesAccess, type Principal } from '../auth/principal';
import type { ConventionState } from '../../domain/temporal-contract';
import type { ReportsService } from '../reports/service';
import { idempotencyKeySchema } from './schemas';
import { ApiProblem, type ProblemDetail } from './problem';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook on every route but the public ones. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** No key: health, OpenAPI document, docs (counted per address). */
    public?: boolean;
    /** The Web UI's codec server: an operator's access token or key (routes/codec.ts). */
    codec?: boolean;
  }
}

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

export function issuesOf(error: z.ZodError, prefix = ''): ProblemDetail[] {
  return error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
    message: issue.message,
  }));
}

/** Parses with a zod schema; a failure is a 422 naming every bad field. */
export function parseOr422<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const errors = issuesOf(parsed.error, prefix);
  const first = errors[0]!;
  throw new ApiProblem('invalid', first.field ? `${first.field}: ${first.message}` : first.message, {
    field: first.field,
    errors,
  });
}

export function idempotencyKeyOf(request: FastifyRequest): string | undefined {
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
  if (header === undefined) return undefined;
  const parsed = idempotencyKeySchema.safeParse(header);
  if (!parsed.success)
    throw new ApiProblem('invalid', `Idempotency-Key: ${parsed.error.issues[0]!.message}`, {
      field: 'Idempotency-Key',
    });
  return parsed.data;
}
