import { z } from 'zod';
import { EXTERNAL_EVENT_TYPES, eventPayloadSchemas } from '../../../domain/lifecycle/events';

/**
 * Every field of every event explains itself where a client developer reads (the OpenAPI
 * document, `iscg events <event>`): a description and an example, and the examples together make
 * a body the event accepts.
 */

type Json = Record<string, any>;

/** The body's JSON Schema as the OpenAPI document gives it (the schema provider's options). */
const requestSchema = (schema: z.ZodType): Json =>
  z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' });

function fields(schema: Json, at: string, out: { path: string; schema: Json }[] = []): typeof out {
  for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, Json>)) {
    out.push({ path: `${at}.${name}`, schema: property });
    fields(property, `${at}.${name}`, out);
  }
  if (schema.items) fields(schema.items as Json, `${at}[]`, out);
  for (const key of ['anyOf', 'oneOf', 'allOf'])
    for (const alternative of (schema[key] ?? []) as Json[]) fields(alternative, at, out);
  return out;
}

/** The body each alternative of an event's schema makes of its fields' examples. */
function exampleBodies(schema: Json): Json[] {
  const alternatives = (schema.oneOf ?? schema.anyOf ?? [schema]) as Json[];
  return alternatives.map((alternative) =>
    Object.fromEntries(
      Object.entries((alternative.properties ?? {}) as Record<string, Json>).map(([name, p]) => [
        name,
        p.example,
      ]),
    ),
  );
}

test.each(EXTERNAL_EVENT_TYPES)('%s: each field has a description and an example', (type) => {
  const json = requestSchema(eventPayloadSchemas[type]);
  const lacking = fields(json, type)
    .filter(
      (f) =>
        !(typeof f.schema.description === 'string' && f.schema.description.length > 10) ||
        f.schema.example === undefined,
    )
    .map((f) => f.path);
  expect(lacking).toEqual([]);
});

test.each(EXTERNAL_EVENT_TYPES)('%s: the fields’ examples make a body the event accepts', (type) => {
  for (const body of exampleBodies(requestSchema(eventPayloadSchemas[type]))) {
    const parsed = eventPayloadSchemas[type].safeParse(body);
    expect({ body, issues: parsed.success ? [] : parsed.error.issues }).toEqual({ body, issues: [] });
  }
});

test('the check can say no: a field without them is found', () => {
  expect(fields({ properties: { a: { type: 'string' } } }, 'X').map((f) => f.path)).toEqual(['X.a']);
});
