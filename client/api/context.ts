import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { ConventionsClient } from '../conventions';
import type { ReportsService } from '../reports/service';
import { conventionAccess, type Principal } from '../auth/principal';
import { idempotencyKeySchema } from './schemas';
import { ApiProblem, type ProblemDetail } from './problem';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook on every route but the public ones. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** No authentication, no rate limit: health, OpenAPI document, docs. */
    public?: boolean;
  }
}

/** What the routes share: the one Temporal client, and how long a Temporal call may take. */
export interface RouteContext {
  conventions: ConventionsClient;
  temporalTimeoutMs: number;
  webhooks: { allowPrivateDestinations: boolean };
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
  const header = request.headers['idempotency-key'];
  if (header === undefined) return undefined;
  const parsed = idempotencyKeySchema.safeParse(header);
  if (!parsed.success)
    throw new ApiProblem(
      'invalid',
      `Idempotency-Key: ${Array.isArray(header) ? 'un seul en-tête attendu' : parsed.error.issues[0]!.message}`,
      { field: 'Idempotency-Key' },
    );
  return parsed.data;
}
