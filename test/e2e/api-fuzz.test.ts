import fc from 'fast-check';
import { conventionCreateSchema } from '../../domain/convention/schema';
import { EXTERNAL_EVENT_TYPES, eventPayloadSchemas, eventSlug } from '../../domain/lifecycle/events';
import { patchedData } from '../../domain/lifecycle/rules';
import { PROBLEM_CODES } from '../../client/api/problem';
import { completeConventionData } from '../support/fixtures';
import {
  startApi,
  startDevStack,
  type ApiResponse,
  type DevStack,
  type RunningApi,
} from '../support/api-harness';

/**
 * Random request bodies, headers and filters against the real API: every answer is a documented
 * 4xx problem, never a 5xx, and the convention is exactly as it was.
 */

let stack: DevStack;
let api: RunningApi;
const conventionId = `convention-59-fuzz-${Date.now().toString(36)}`;
/** Events a drafting convention accepts: a body valid for them could legitimately change it. */
const ACCEPTED_IN_DRAFTING = new Set(['AMEND', 'SUBMIT_DRAFT', 'ABANDON']);
const CLIENT_ERRORS = new Set([400, 409, 413, 415, 422]);

beforeAll(async () => {
  stack = await startDevStack();
  api = await startApi(stack.conventions, {
    keys: [{ id: 'operator', actsAs: { kind: 'operator' } }],
    rateLimit: { max: 100_000, perSeconds: 60 },
  });
  const created = await api.call('POST', '/conventions', {
    body: { slug: conventionId.replace('convention-59-', ''), data: completeConventionData() },
  });
  expect(created.status).toBe(201);
});
afterAll(async () => {
  await api?.close();
  await stack?.teardown();
});

async function snapshot() {
  const state = (await api.call('GET', `/conventions/${conventionId}`)).body;
  return { phase: state.phase, data: state.data, history: state.history, webhooks: state.webhooks };
}

function expectClientProblem(response: ApiResponse, context: unknown) {
  if (!CLIENT_ERRORS.has(response.status) || !(response.body?.code in PROBLEM_CODES))
    throw new Error(`unexpected ${response.status} ${response.text} for ${JSON.stringify(context)}`);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
}

const json = fc.jsonValue({ maxDepth: 4 });
const eventType = fc.constantFrom(...EXTERNAL_EVENT_TYPES);
const runs = { numRuns: 120 };

function payloadIsValid(type: (typeof EXTERNAL_EVENT_TYPES)[number], payload: unknown): boolean {
  return eventPayloadSchemas[type].safeParse(payload ?? {}).success;
}

test('typed event routes: any JSON body is a 4xx and leaves the convention unchanged', async () => {
  const before = await snapshot();
  await fc.assert(
    fc.asyncProperty(eventType, json, async (type, body) => {
      fc.pre(!(ACCEPTED_IN_DRAFTING.has(type) && payloadIsValid(type, body)));
      const response = await api.call('POST', `/conventions/${conventionId}/events/${eventSlug(type)}`, {
        body,
      });
      expectClientProblem(response, { type, body });
    }),
    runs,
  );
  expect(await snapshot()).toEqual(before);
});

test('schema-valid payloads of acts a draft does not accept are 409 refused, never applied', async () => {
  const before = await snapshot();
  const types = EXTERNAL_EVENT_TYPES.filter((t) => !ACCEPTED_IN_DRAFTING.has(t));
  const samples = {
    SIGN: { partyId: 'etat', signerName: 'x', signerTitle: 'y', signedOn: '2020-01-01' },
    RECORD_PAYMENT: { itemId: 'x', paidOn: '2020-01-01' },
  } as Record<string, unknown>;
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...types),
      fc.option(fc.constantFrom(...Object.values(samples))),
      async (type, sample) => {
        const body = sample && payloadIsValid(type, sample) ? sample : {};
        const response = await api.call('POST', `/conventions/${conventionId}/events/${eventSlug(type)}`, {
          body,
        });
        expectClientProblem(response, { type, body });
        if (payloadIsValid(type, body))
          expect(response.body).toMatchObject({ code: 'refused', phase: 'drafting' });
      },
    ),
    { numRuns: 30 },
  );
  expect(await snapshot()).toEqual(before);
});

test('the generic route: any {type, payload, …} shape is a 4xx', async () => {
  const before = await snapshot();
  const body = fc.record(
    {
      type: fc.oneof(eventType, fc.string(), json),
      payload: json,
      actor: fc.constant({ kind: 'operator' }),
    },
    { requiredKeys: [] },
  );
  await fc.assert(
    fc.asyncProperty(body, async (b) => {
      const wouldApply =
        !('actor' in b) &&
        typeof b.type === 'string' &&
        ACCEPTED_IN_DRAFTING.has(b.type) &&
        payloadIsValid(b.type as never, b.payload);
      fc.pre(!wouldApply);
      const response = await api.call('POST', `/conventions/${conventionId}/events`, { body: b });
      expectClientProblem(response, b);
    }),
    runs,
  );
  expect(await snapshot()).toEqual(before);
});

test('PATCH: any merge patch that breaks the schema is a 4xx naming a field', async () => {
  const before = await snapshot();
  await fc.assert(
    fc.asyncProperty(json, async (patch) => {
      const isObject = typeof patch === 'object' && patch !== null && !Array.isArray(patch);
      fc.pre(!isObject || 'refusal' in patchedData(before.data, patch));
      const response = await api.call('PATCH', `/conventions/${conventionId}`, {
        body: patch,
        contentType: 'application/merge-patch+json',
      });
      expectClientProblem(response, patch);
      if (response.status === 422) expect(typeof response.body.field).toBe('string');
    }),
    runs,
  );
  expect(await snapshot()).toEqual(before);
});

test('creation: any body that is not a valid convention is a 4xx', async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(json, fc.record({ slug: fc.string(), data: json })), async (body) => {
      fc.pre(!conventionCreateSchema.safeParse(body).success);
      expectClientProblem(await api.call('POST', '/conventions', { body }), body);
    }),
    runs,
  );
});

test('raw bytes, odd media types and odd idempotency keys are 4xx too', async () => {
  const before = await snapshot();
  await fc.assert(
    fc.asyncProperty(
      fc.string({ maxLength: 200 }),
      fc.constantFrom(
        'application/json',
        'application/merge-patch+json',
        'text/plain',
        'application/xml',
        'application/json; charset=latin1',
      ),
      fc.option(fc.string({ maxLength: 140 }), { nil: undefined }),
      fc.constantFrom('submit-draft', 'sign', 'amend'),
      async (raw, contentType, key, slug) => {
        let parsed: unknown = undefined;
        try {
          parsed = JSON.parse(raw);
        } catch {
          // Not JSON: the point of this case.
        }
        fc.pre(
          parsed === undefined ||
            !payloadIsValid(slug === 'sign' ? 'SIGN' : slug === 'amend' ? 'AMEND' : 'SUBMIT_DRAFT', parsed),
        );
        const headers: Record<string, string> = {};
        if (key !== undefined && /^[\x20-\x7e]*$/.test(key)) headers['idempotency-key'] = key;
        const response = await api.call('POST', `/conventions/${conventionId}/events/${slug}`, {
          rawBody: raw,
          contentType,
          headers,
        });
        expectClientProblem(response, { raw, contentType, key });
      },
    ),
    runs,
  );
  expect(await snapshot()).toEqual(before);
});

test('listing filters: any query string is a 200 or a 422, never an error of the query language', async () => {
  const param = fc.constantFrom(
    'phase',
    'departement',
    'employer',
    'site',
    'deadlineBefore',
    'deadlineAfter',
    'deadlineKind',
    'suspended',
    'limit',
  );
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(param, fc.string({ maxLength: 60 })), { maxLength: 4 }),
      async (pairs) => {
        const query = new URLSearchParams(pairs).toString();
        const response = await api.call('GET', `/conventions?${query}`);
        if (response.status !== 200) expectClientProblem(response, query);
        else expect(Array.isArray(response.body.conventions)).toBe(true);
      },
    ),
    runs,
  );
});
