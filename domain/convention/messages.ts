import { z } from 'zod';

/**
 * How every zod schema of the product words a refusal: in French (zod's own locale), and for a
 * value outside a closed list (an enum, a literal, the tag of a union of forms) with the values
 * that are accepted, so that "decision" answers `"renew" ou "not_renew"` instead of "Entrée
 * invalide". The value that was sent is not repeated: messages reach logs, and a wrong field may
 * hold anything.
 */

/** `"a"`, `"a" ou "b"`, `"a", "b" ou "c"`. */
export function allowedValuesText(values: readonly unknown[]): string {
  const quoted = values.map((v) => JSON.stringify(v));
  return quoted.length <= 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} ou ${quoted.at(-1)}`;
}

export function closedListMessage(values: readonly unknown[], missing: boolean): string {
  const list = allowedValuesText(values);
  if (values.length === 1) return missing ? `requis: ${list}` : `valeur non admise: ${list} attendu`;
  return missing
    ? `requis: l’une des valeurs ${list}`
    : `valeur non admise: l’une des valeurs ${list} attendue`;
}

type Issue = Parameters<NonNullable<z.core.$ZodConfig['customError']>>[0];

function closedListError(issue: Issue): string | undefined {
  if (issue.code === 'invalid_value') return closedListMessage(issue.values, issue.input === undefined);
  // A discriminated union whose tag matches no form: the tag's accepted values are the forms'.
  if (
    issue.code === 'invalid_union' &&
    Array.isArray(issue.options) &&
    typeof issue.discriminator === 'string'
  ) {
    const input: unknown = issue.input;
    const tag =
      typeof input === 'object' && input !== null
        ? (input as Record<string, unknown>)[issue.discriminator]
        : undefined;
    return closedListMessage(issue.options, tag === undefined);
  }
  return undefined;
}

z.config({ ...z.locales.fr(), customError: closedListError });
