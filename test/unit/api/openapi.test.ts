import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildApp } from '../../../client/api/app';
import { AesGcmPayloadCodec, generateKey, parseEncryptionKeys } from '../../../security/payload-codec';
import { testKeys, unreachableConventions } from '../../support/api-harness';

/**
 * The OpenAPI document says at least what it said when every route's schema was written by hand
 * (test/fixtures/openapi/hand-written.json, the document of 4 December 2026): each operation with
 * its summary, description and tags; each parameter; each body, answer and problem, field by field,
 * with its type, format, bounds, pattern, allowed values, description and example. Since then the
 * routes' zod schemas write it; a field, a description or a rule that falls out fails here.
 */

type Json = Record<string, any>;
const FIXTURE = path.join(__dirname, '..', '..', 'fixtures', 'openapi', 'hand-written.json');

const SCHEMA_KEYWORDS = [
  'type',
  'format',
  'description',
  'example',
  'pattern',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'maxItems',
  'default',
];

/** What a document says, one statement per line ("GET /x › 200 application/json › .id type=string"). */
function statements(document: Json): Set<string> {
  const out = new Set<string>();
  const resolve = (schema: Json): Json => {
    const ref = schema?.$ref as string | undefined;
    if (!ref) return schema ?? {};
    const name = ref.replace(/^#\/components\/schemas\//, '').replace(/#$/, '');
    return document.components?.schemas?.[name] ?? {};
  };
  const schemaFacts = (raw: Json, at: string, depth = 0): void => {
    if (depth > 12) return;
    const schema = resolve(raw);
    if (schema.nullable) out.add(`${at} nullable`);
    for (const key of SCHEMA_KEYWORDS)
      if (schema[key] !== undefined) out.add(`${at} ${key}=${JSON.stringify(schema[key])}`);
    for (const value of (schema.enum ?? []) as unknown[])
      out.add(value === null ? `${at} nullable` : `${at} enum∋${JSON.stringify(value)}`);
    for (const name of (schema.required ?? []) as string[]) out.add(`${at}.${name} required`);
    for (const [name, property] of Object.entries((schema.properties ?? {}) as Json))
      schemaFacts(property, `${at}.${name}`, depth + 1);
    if (schema.items) schemaFacts(schema.items, `${at}[]`, depth + 1);
    if (schema.additionalProperties === true) out.add(`${at} open`);
    else if (typeof schema.additionalProperties === 'object')
      schemaFacts(schema.additionalProperties, `${at}{}`, depth + 1);
    for (const key of ['anyOf', 'oneOf', 'allOf'])
      for (const alternative of (schema[key] ?? []) as Json[]) schemaFacts(alternative, at, depth + 1);
  };
  for (const [route, operations] of Object.entries(document.paths as Json))
    for (const [method, operation] of Object.entries(operations as Json)) {
      const at = `${method.toUpperCase()} ${route}`;
      for (const key of ['summary', 'description', 'operationId'])
        if (operation[key] !== undefined) out.add(`${at} ${key}=${JSON.stringify(operation[key])}`);
      for (const tag of operation.tags ?? []) out.add(`${at} tag ${tag}`);
      if (operation.security) out.add(`${at} security=${JSON.stringify(operation.security)}`);
      for (const parameter of operation.parameters ?? []) {
        const where = `${at} › ${parameter.in} ${parameter.name}`;
        out.add(where);
        if (parameter.required) out.add(`${where} required`);
        if (parameter.description) out.add(`${where} description=${JSON.stringify(parameter.description)}`);
        schemaFacts(parameter.schema ?? {}, where);
      }
      for (const [type, content] of Object.entries((operation.requestBody?.content ?? {}) as Json))
        schemaFacts(content.schema, `${at} › body ${type}`);
      for (const [status, response] of Object.entries((operation.responses ?? {}) as Json)) {
        const where = `${at} › ${status}`;
        out.add(`${where} description=${JSON.stringify(response.description)}`);
        for (const [name, header] of Object.entries((response.headers ?? {}) as Json))
          out.add(`${where} header ${name}: ${header.description ?? ''}`);
        for (const [type, content] of Object.entries((response.content ?? {}) as Json)) {
          // Hand-written answers repeated their description on their schema: said once now.
          const { description, ...schema } = resolve(content.schema);
          schemaFacts(description === response.description ? schema : content.schema, `${where} ${type}`);
        }
      }
    }
  return out;
}

/**
 * Statements changed on purpose. An object that was open (`additionalProperties: true`) and now
 * lists its fields is no loss: answers are serialised with the fields listed.
 */
const CHANGED: Record<string, string> = {
  'PATCH /conventions/{id} › body application/json description="JSON Merge Patch (RFC 7386)"':
    'the body is now AMEND’s `patch`, with its longer description and its rules',
  'PATCH /conventions/{id} › body application/json open': 'idem: a merge patch of the convention’s data',
};

function missingFrom(now: Set<string>, before: Set<string>): string[] {
  const said = [...now];
  return [...before].filter(
    (statement) =>
      !now.has(statement) &&
      !Object.hasOwn(CHANGED, statement) &&
      !(
        statement.endsWith(' open') &&
        said.some((s) => s.startsWith(`${statement.slice(0, -' open'.length)}.`))
      ),
  );
}

/** A document that says nothing of its routes: the check can fail. */
const EMPTY = { paths: { '/x': { get: { summary: 'x', responses: { 200: { description: 'ok' } } } } } };

let document: Json;

beforeAll(async () => {
  const { keys } = testKeys([{ id: 'operator', actsAs: { kind: 'operator' } }]);
  const app = await buildApp({
    conventions: await unreachableConventions(),
    keys,
    webhooks: { allowPrivateDestinations: false },
    documenso: { secret: 'x'.repeat(32), departements: null },
    codec: {
      codec: new AesGcmPayloadCodec(parseEncryptionKeys(`k1:${generateKey()}`)),
      token: 'codec-token',
      corsOrigins: [],
    },
  });
  await app.ready();
  document = app.swagger();
  await app.close();
});

test('every statement of the hand-written document is still made', () => {
  const before = statements(JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as Json);
  const now = statements(document);
  expect(before.size).toBeGreaterThan(1500);
  expect(missingFrom(now, before)).toEqual([]);
});

test('the comparison can fail: a document without its routes lacks their statements', () => {
  const before = statements(JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as Json);
  expect(missingFrom(statements(EMPTY), before).length).toBeGreaterThan(before.size - 10);
});

test('every component the document names is in it, and none it does not use', () => {
  const text = JSON.stringify(document.paths);
  const names = Object.keys(document.components?.schemas ?? {});
  expect(names.sort()).toEqual(['LedgerItem', 'Problem']);
  for (const name of names) expect(text).toContain(`"#/components/schemas/${name}"`);
});
