import { z } from 'zod';
import { idempotencyKeySchema } from '../../../domain/idempotency';
import { PROBLEM_CODES, type ProblemCode } from '../problem';
import { problemSchema } from '../schemas';

/** Schema pieces the routes share. */

export const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: problemSchema } },
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
export function problems(...codes: ProblemCode[]): Record<number, ReturnType<typeof problemResponse>> {
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

/** An answer without a body (204, 304). */
export const noBody = (description: string) => ({ description, content: {} });

/** A JSON answer and what it means. */
export const jsonResponse = <S extends z.ZodType>(description: string, schema: S) => ({
  description,
  content: { 'application/json': { schema } },
});

const conventionId = z.string().meta({
  description: 'Identifiant de la convention: `convention-<département>-<slug>`',
  example: 'convention-59-lille-centre',
});

export const conventionIdParams = z.object({ id: conventionId });

/** Headers are many: the schema names the one a route reads and lets the others through. */
export const idempotencyHeader = z.looseObject({
  'idempotency-key': idempotencyKeySchema.optional().meta({
    description:
      'Rend l’acte idempotent: répété avec la même clé et le même corps, il ne s’applique qu’une fois et renvoie la même réponse (même après un renouvellement); la même clé avec un autre corps est refusée (409 `conflict`)',
  }),
});
