import { PROBLEM_CODES, type ProblemCode } from '../problem';

/** OpenAPI pieces shared by the routes' schemas (documentation only: bodies are checked with zod). */

export const PROBLEM_REF = { $ref: 'Problem#' };

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: PROBLEM_REF } },
});

const DESCRIPTIONS: Partial<Record<ProblemCode, string>> = {
  malformed: 'JSON illisible',
  unauthenticated: 'Clé d’API absente ou inconnue',
  forbidden: 'Acte ou convention hors des droits de la clé',
  not_found: 'Convention introuvable',
  invalid: 'Corps invalide: `field` et `errors[]` nomment les champs et les règles',
  rate_limited: 'Trop de requêtes pour cette clé (voir Retry-After)',
  unavailable: 'Temporal injoignable',
};

/** Error responses of a route, grouped by status (several codes share 409). */
export function problems(...codes: ProblemCode[]): Record<number, unknown> {
  const all: ProblemCode[] = ['unauthenticated', 'rate_limited', 'unavailable', ...codes];
  const byStatus = new Map<number, string[]>();
  for (const code of all) {
    const status = PROBLEM_CODES[code].status;
    byStatus.set(status, [
      ...(byStatus.get(status) ?? []),
      `\`${code}\`: ${DESCRIPTIONS[code] ?? PROBLEM_CODES[code].title}`,
    ]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, lines]) => [status, problemResponse(lines.join('; '))]),
  );
}

export const conventionIdParams = {
  type: 'object',
  required: ['id'],
  properties: {
    id: {
      type: 'string',
      description: 'Identifiant de la convention: `convention-<département>-<slug>`',
      example: 'convention-59-lille-centre',
    },
  },
};

export const idempotencyHeader = {
  type: 'object',
  properties: {
    'idempotency-key': {
      type: 'string',
      pattern: '^[A-Za-z0-9._:-]{8,128}$',
      description:
        'Rend l’acte idempotent: répété avec la même clé et le même corps, il ne s’applique qu’une fois et renvoie la même réponse (même après un renouvellement); la même clé avec un autre corps est refusée (409 `conflict`)',
    },
  },
};
