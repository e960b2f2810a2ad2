import { isGrpcServiceError, ServiceError } from '@temporalio/client';
import { ConventionError, type ConventionErrorCode } from '../conventions';

/**
 * Every error answer is an RFC 9457 problem (`application/problem+json`) with a stable `code`.
 * Client mistakes are always 4xx; 503 means Temporal could not be reached; 500 is a bug.
 */

export const PROBLEM_CODES = {
  malformed: { status: 400, title: 'Requête illisible' },
  unauthenticated: { status: 401, title: 'Authentification requise' },
  forbidden: { status: 403, title: 'Action non autorisée' },
  not_found: { status: 404, title: 'Introuvable' },
  timeout: { status: 408, title: 'Requête incomplète dans le délai' },
  refused: { status: 409, title: 'Refusé dans l’état actuel de la convention' },
  conflict: { status: 409, title: 'Clé d’idempotence déjà utilisée pour une autre requête' },
  exists: { status: 409, title: 'La convention existe déjà' },
  terminated: { status: 409, title: 'La convention est terminée' },
  payload_too_large: { status: 413, title: 'Corps de requête trop volumineux' },
  uri_too_long: { status: 414, title: 'Adresse trop longue' },
  unsupported_media_type: { status: 415, title: 'Type de contenu non pris en charge' },
  invalid: { status: 422, title: 'Données invalides' },
  rate_limited: { status: 429, title: 'Trop de requêtes' },
  headers_too_large: { status: 431, title: 'En-têtes trop volumineux' },
  internal: { status: 500, title: 'Erreur interne' },
  unavailable: { status: 503, title: 'Service temporairement indisponible' },
} as const;

export type ProblemCode = keyof typeof PROBLEM_CODES;

/** Fastify's `maxParamLength`: a longer path segment matches no route (414). */
export const MAX_PARAM_LENGTH = 100;

export interface ProblemDetail {
  field: string;
  message: string;
  article?: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  field?: string;
  phase?: string;
  errors?: ProblemDetail[];
  instance?: string;
}

export const PROBLEM_TYPE_PREFIX = 'urn:iscg:problem:';

export class ApiProblem extends Error {
  readonly status: number;

  constructor(
    readonly code: ProblemCode,
    detail: string,
    readonly extra: { field?: string; phase?: string; errors?: ProblemDetail[] } = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'ApiProblem';
    this.status = PROBLEM_CODES[code].status;
  }

  toProblem(instance?: string): Problem {
    return {
      type: `${PROBLEM_TYPE_PREFIX}${this.code}`,
      title: PROBLEM_CODES[this.code].title,
      status: this.status,
      detail: this.message,
      code: this.code,
      ...(this.extra.field !== undefined ? { field: this.extra.field } : {}),
      ...(this.extra.phase !== undefined ? { phase: this.extra.phase } : {}),
      ...(this.extra.errors && this.extra.errors.length > 0 ? { errors: this.extra.errors } : {}),
      ...(instance ? { instance } : {}),
    };
  }
}

const CONVENTION_CODES: Record<ConventionErrorCode, ProblemCode> = {
  invalid: 'invalid',
  forbidden: 'forbidden',
  refused: 'refused',
  conflict: 'conflict',
  not_ready: 'unavailable',
  not_found: 'not_found',
  exists: 'exists',
  terminated: 'terminated',
};

export function problemFromConventionError(error: ConventionError): ApiProblem {
  const r = error.refusal;
  return new ApiProblem(
    CONVENTION_CODES[r.code],
    r.message,
    {
      ...(r.field !== undefined ? { field: r.field } : {}),
      ...(r.phase !== undefined ? { phase: r.phase } : {}),
      ...(r.details ? { errors: r.details } : {}),
    },
    r.code === 'not_ready' ? { 'retry-after': '2' } : undefined,
  );
}

/** gRPC codes that mean "Temporal did not answer": UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED. */
const UNREACHABLE_GRPC_CODES = new Set([14, 4, 1]);

export function isTemporalUnreachable(error: unknown): boolean {
  let cause: unknown = error;
  for (let depth = 0; cause && depth < 8; depth++) {
    if (isGrpcServiceError(cause) && UNREACHABLE_GRPC_CODES.has(cause.code)) return true;
    if (cause instanceof ServiceError && /deadline|unavailable|connect/i.test(cause.message)) return true;
    if (cause instanceof Error && /ECONNREFUSED|ECONNRESET|Failed to connect/i.test(cause.message))
      return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message?: string;
}

const UNREADABLE_JSON = 'JSON illisible: le corps n’est pas un document JSON valide (RFC 8259)';

/** Fastify's errors about a request, as the problem the client sees: its words, none of the request's. */
const FASTIFY_PROBLEMS: Record<string, [ProblemCode, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    'unsupported_media_type',
    'envoyez du JSON (Content-Type: application/json, ou application/merge-patch+json pour PATCH)',
  ],
  FST_ERR_CTP_BODY_TOO_LARGE: ['payload_too_large', 'le corps de la requête dépasse la taille permise'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['malformed', 'corps JSON vide: envoyez un objet JSON (au moins {})'],
  FST_ERR_CTP_INVALID_JSON_BODY: ['malformed', UNREADABLE_JSON],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['malformed', 'en-tête Content-Length incohérent avec le corps'],
  FST_ERR_BAD_URL: ['malformed', 'adresse illisible: encodage « % » invalide'],
  FST_ERR_MAX_PARAM_LENGTH: [
    'uri_too_long',
    `un segment de l’adresse dépasse ${MAX_PARAM_LENGTH} caractères (un identifiant de convention en compte au plus 80)`,
  ],
};

/** The problem of a client error Fastify or a plugin answered with its status alone. */
const PROBLEM_OF_STATUS: Partial<Record<number, ProblemCode>> = {
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  408: 'timeout',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/** Turns any error into the problem the client sees. */
export function toApiProblem(error: unknown): ApiProblem {
  if (error instanceof ApiProblem) return error;
  if (error instanceof ConventionError) return problemFromConventionError(error);
  if (isTemporalUnreachable(error))
    return new ApiProblem(
      'unavailable',
      'le moteur de workflows (Temporal) ne répond pas; réessayez dans un instant',
      {},
      { 'retry-after': '5' },
    );
  const e = (error ?? {}) as FastifyLikeError;
  // Fastify's and Node's own messages may quote the request (a URL, a body, a header): never sent.
  const known = e.code && Object.hasOwn(FASTIFY_PROBLEMS, e.code) ? FASTIFY_PROBLEMS[e.code] : undefined;
  if (known) return new ApiProblem(known[0], known[1]);
  if (error instanceof SyntaxError) return new ApiProblem('malformed', UNREADABLE_JSON);
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const code: ProblemCode = PROBLEM_OF_STATUS[e.statusCode] ?? 'malformed';
    return new ApiProblem(code, PROBLEM_CODES[code].title);
  }
  return new ApiProblem('internal', 'erreur interne: elle a été journalisée');
}
