import { randomUUID } from 'node:crypto';
import { completeConventionData } from '../support/fixtures';
import {
  eventually,
  startApi,
  startDevStack,
  unreachableConventions,
  type ApiResponse,
  type DevStack,
  type RunningApi,
} from '../support/api-harness';
import { EXTERNAL_EVENT_TYPES, eventSlug } from '../../domain/lifecycle/events';
import { applyEventUpdate } from '../../domain/temporal-contract';

/**
 * Every endpoint of the API over real HTTP, against a Temporal dev server and a real worker:
 * authentication, département boundaries, problem answers, idempotency, listing, webhooks, health.
 */

let stack: DevStack;
let api: RunningApi;

const KEYS = [
  { id: 'operator', actsAs: { kind: 'operator' } },
  { id: 'operator-62', actsAs: { kind: 'operator', departements: ['62'] } },
  { id: 'prefecture-59', actsAs: { kind: 'party-role', role: 'etat', departements: ['59'] } },
  { id: 'prefecture-62', actsAs: { kind: 'party-role', role: 'etat', departements: ['62'] } },
  { id: 'police-59', actsAs: { kind: 'party-role', role: 'police', departements: ['59'] } },
  { id: 'gendarmerie-59', actsAs: { kind: 'party-role', role: 'gendarmerie', departements: ['59'] } },
  {
    id: 'employer-lille',
    actsAs: { kind: 'party', partyId: 'association', conventions: ['convention-59-api-employer'] },
  },
  { id: 'limited', actsAs: { kind: 'operator' }, rateLimit: { max: 3, perSeconds: 60 } },
] as const;

beforeAll(async () => {
  stack = await startDevStack();
  api = await startApi(stack.conventions, { keys: [...KEYS] as never });
});
afterAll(async () => {
  await api?.close();
  await stack?.teardown();
});

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
const today = () => new Date().toISOString().slice(0, 10);

/** A complete draft in 59 (or another département), created by the préfecture. */
async function createDraft(slug: string, overrides: Record<string, unknown> = {}, as = 'prefecture-59') {
  const response = await api.call('POST', '/conventions', {
    as,
    body: { slug, data: completeConventionData(overrides) },
  });
  expect(response.status).toBe(201);
  return response.body.conventionId as string;
}

function expectProblem(response: ApiResponse, status: number, code: string) {
  expect({ status: response.status, code: response.body?.code }).toEqual({ status, code });
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ type: `urn:iscg:problem:${code}`, status });
  expect(typeof response.body.title).toBe('string');
  expect(typeof response.body.detail).toBe('string');
}

describe('service routes', () => {
  test('GET /healthz answers 200 without a key when Temporal answers', async () => {
    const response = await api.call('GET', '/healthz', { as: null });
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('ok');
  });

  test('GET /openapi.json describes every route, each event with its own body schema', async () => {
    const response = await api.call('GET', '/openapi.json', { as: null });
    expect(response.status).toBe(200);
    const doc = response.body;
    expect(doc.openapi).toBe('3.0.3');
    const paths = Object.keys(doc.paths);
    for (const p of [
      '/conventions',
      '/conventions/{id}',
      '/conventions/{id}/events',
      '/conventions/{id}/webhooks',
      '/conventions/{id}/webhooks/{webhookId}',
      '/healthz',
    ])
      expect(paths).toContain(p);
    for (const type of EXTERNAL_EVENT_TYPES) {
      const op = doc.paths[`/conventions/{id}/events/${eventSlug(type)}`]?.post;
      expect(op).toBeDefined();
      expect(op.requestBody.content['application/json'].schema).toBeDefined();
    }
    const sign = doc.paths['/conventions/{id}/events/sign'].post;
    expect(Object.keys(sign.requestBody.content['application/json'].schema.properties)).toEqual(
      expect.arrayContaining(['partyId', 'signerName', 'signerTitle', 'signedOn']),
    );
    expect(doc.components.schemas.Problem).toBeDefined();
    expect(doc.components.securitySchemes.bearerAuth).toEqual({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/conventions'].post.responses['422']).toBeDefined();
  });

  test('GET /docs serves the readable documentation', async () => {
    const response = await api.call('GET', '/docs', { as: null });
    expect(response.status).toBe(200);
    expect(response.text).toMatch(/swagger/i);
  });
});

describe('authentication', () => {
  test.each([
    ['no Authorization header', null],
    ['an unknown key', 'iscg_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['a malformed header', 'not a bearer'],
  ])('%s is answered 401 with WWW-Authenticate', async (_label, as) => {
    const headers: Record<string, string> = {};
    if (as === 'not a bearer') headers.authorization = 'Basic Zm9vOmJhcg==';
    const response = await api.call('GET', '/conventions', {
      as: as === 'not a bearer' ? null : as,
      headers,
    });
    expectProblem(response, 401, 'unauthenticated');
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="iscg"/);
  });

  test('unknown routes need a key too, then answer a 404 problem', async () => {
    expectProblem(await api.call('GET', '/nowhere', { as: null }), 401, 'unauthenticated');
    expectProblem(await api.call('GET', '/nowhere'), 404, 'not_found');
    expectProblem(
      await api.call('POST', '/conventions/convention-59-x/events/fly', { body: {} }),
      404,
      'not_found',
    );
  });

  test('each key has its own rate limit: 429 with Retry-After past it', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await api.call('GET', '/conventions?limit=1', { as: 'limited' })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await api.call('GET', '/conventions?limit=1', { as: 'limited' });
    expectProblem(limited, 429, 'rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another key is not affected.
    expect((await api.call('GET', '/conventions?limit=1', { as: 'operator' })).status).toBe(200);
  });
});

describe('conventions', () => {
  test('POST /conventions creates a draft: 201, Location, the state; a taken slug is 409 exists', async () => {
    const slug = unique('api-create');
    const response = await api.call('POST', '/conventions', {
      as: 'prefecture-59',
      body: { slug, data: { departement: '59', parties: {} } },
    });
    expect(response.status).toBe(201);
    expect(response.body.conventionId).toBe(`convention-59-${slug}`);
    expect(response.headers.get('location')).toBe(`/conventions/convention-59-${slug}`);
    expect(response.body.state.phase).toBe('drafting');
    expect(response.body.state.missingBlanks.length).toBeGreaterThan(0);
    const again = await api.call('POST', '/conventions', {
      as: 'prefecture-59',
      body: { slug, data: { departement: '59' } },
    });
    expectProblem(again, 409, 'exists');
    expect(again.body.field).toBe('slug');
  });

  test('creation bodies are checked field by field (422), malformed JSON is 400, other media 415', async () => {
    const bad = await api.call('POST', '/conventions', {
      body: { slug: 'Pas Un Slug', data: { departement: '99', startDate: '2027-02-30' } },
    });
    expectProblem(bad, 422, 'invalid');
    const fields = (bad.body.errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['slug', 'data.departement', 'data.startDate']));
    expect(bad.body.field).toBe(bad.body.errors[0].field);
    expectProblem(await api.call('POST', '/conventions', { rawBody: '{"slug": ' }), 400, 'malformed');
    expectProblem(
      await api.call('POST', '/conventions', { rawBody: '', contentType: 'application/json' }),
      400,
      'malformed',
    );
    expectProblem(
      await api.call('POST', '/conventions', {
        rawBody: 'slug=x',
        contentType: 'application/x-www-form-urlencoded',
      }),
      415,
      'unsupported_media_type',
    );
    expectProblem(
      await api.call('POST', '/conventions', { rawBody: '{"__proto__": {"x": 1}}' }),
      400,
      'malformed',
    );
  });

  test('creation is for operators and the préfecture, in their own départements', async () => {
    const body = { slug: unique('api-who'), data: { departement: '59' } };
    expectProblem(await api.call('POST', '/conventions', { as: 'police-59', body }), 403, 'forbidden');
    expectProblem(await api.call('POST', '/conventions', { as: 'prefecture-62', body }), 403, 'forbidden');
    expectProblem(await api.call('POST', '/conventions', { as: 'operator-62', body }), 403, 'forbidden');
    expectProblem(await api.call('POST', '/conventions', { as: 'employer-lille', body }), 403, 'forbidden');
  });

  test('GET /conventions/:id returns the whole state to the keys that reach it, and only to them', async () => {
    const id = await createDraft(unique('api-read'));
    const state = await api.call('GET', `/conventions/${id}`, { as: 'prefecture-59' });
    expect(state.status).toBe(200);
    expect(state.body).toMatchObject({ conventionId: id, phase: 'drafting', departement: { code: '59' } });
    expect(state.body.data.parties.etat.contacts[0].email).toBe('iscg@nord.gouv.example');
    expect((await api.call('GET', `/conventions/${id}`, { as: 'police-59' })).status).toBe(200);
    // Another département's keys, a role the convention does not hold, a party key for another convention.
    expectProblem(await api.call('GET', `/conventions/${id}`, { as: 'prefecture-62' }), 403, 'forbidden');
    expectProblem(await api.call('GET', `/conventions/${id}`, { as: 'operator-62' }), 403, 'forbidden');
    expectProblem(await api.call('GET', `/conventions/${id}`, { as: 'gendarmerie-59' }), 403, 'forbidden');
    expectProblem(await api.call('GET', `/conventions/${id}`, { as: 'employer-lille' }), 403, 'forbidden');
    expectProblem(await api.call('GET', '/conventions/convention-59-does-not-exist'), 404, 'not_found');
    expectProblem(await api.call('GET', '/conventions/not-a-convention'), 404, 'not_found');
  });

  test('a party key bound to one convention reads and acts on it, not on its neighbours', async () => {
    const id = await createDraft('api-employer');
    expect(id).toBe('convention-59-api-employer');
    const read = await api.call('GET', `/conventions/${id}`, { as: 'employer-lille' });
    expect(read.status).toBe(200);
    // The association may correct its own contacts, not the préfecture's.
    const own = await api.call('PATCH', `/conventions/${id}`, {
      as: 'employer-lille',
      contentType: 'application/merge-patch+json',
      body: { parties: { association: { contacts: [{ email: 'rh@accueil-mediation.example' }] } } },
    });
    expect(own.status).toBe(200);
    const theirs = await api.call('PATCH', `/conventions/${id}`, {
      as: 'employer-lille',
      body: { parties: { etat: { contacts: [{ email: 'x@example.org' }] } } },
    });
    expectProblem(theirs, 403, 'forbidden');
    const list = await api.call('GET', '/conventions', { as: 'employer-lille' });
    expect(list.status).toBe(200);
    expect(list.body.conventions.every((c: { conventionId: string }) => c.conventionId === id)).toBe(true);
  });

  test('PATCH applies a JSON merge patch as an AMEND and names the bad field when it breaks a rule', async () => {
    const id = await createDraft(unique('api-patch'), { jobDescriptionRef: undefined });
    const patched = await api.call('PATCH', `/conventions/${id}`, {
      as: 'prefecture-59',
      contentType: 'application/merge-patch+json',
      body: { jobDescriptionRef: 'FP-ISCG-59-2028', site: { gendarmerieUnit: 'brigade de Seclin' } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      conventionId: id,
      event: 'AMEND',
      phase: 'drafting',
      replayed: false,
    });
    const state = (await api.call('GET', `/conventions/${id}`)).body;
    expect(state.data.jobDescriptionRef).toBe('FP-ISCG-59-2028');
    expect(state.data.site).toEqual({
      commissariat: 'commissariat central de Lille',
      gendarmerieUnit: 'brigade de Seclin',
    });
    const moved = await api.call('PATCH', `/conventions/${id}`, { body: { departement: '62' } });
    expectProblem(moved, 422, 'invalid');
    expect(moved.body).toMatchObject({ field: 'departement', phase: 'drafting' });
    const badType = await api.call('PATCH', `/conventions/${id}`, { body: { startDate: 'demain' } });
    expectProblem(badType, 422, 'invalid');
    expect(badType.body.field).toBe('startDate');
    expectProblem(await api.call('PATCH', `/conventions/${id}`, { body: [1, 2] }), 422, 'invalid');
    expectProblem(
      await api.call('PATCH', `/conventions/${id}`, { as: 'prefecture-62', body: {} }),
      403,
      'forbidden',
    );
  });
});

describe('events', () => {
  test('generic and typed routes apply an event; a wrong phase is 409 refused naming the phase', async () => {
    const id = await createDraft(unique('api-events'));
    const early = await api.call('POST', `/conventions/${id}/events/sign`, {
      as: 'prefecture-59',
      body: { partyId: 'etat', signerName: 'Préfet', signerTitle: 'Préfet du Nord', signedOn: today() },
    });
    expectProblem(early, 409, 'refused');
    expect(early.body.phase).toBe('drafting');
    expect(early.body.detail).toMatch(/Rédaction/);
    const generic = await api.call('POST', `/conventions/${id}/events`, {
      as: 'prefecture-59',
      body: { type: 'SUBMIT_DRAFT', payload: {} },
    });
    expect(generic.status).toBe(200);
    expect(generic.body).toMatchObject({ event: 'SUBMIT_DRAFT', phase: 'recruitment', term: 0 });
    const typed = await api.call('POST', `/conventions/${id}/events/compose-selection-committee`, {
      as: 'police-59',
      body: {
        members: [
          { partyId: 'association', authority: 'hierarchique', title: 'directrice' },
          { partyId: 'police', authority: 'fonctionnelle', title: 'chef de service' },
        ],
      },
    });
    expect(typed.status).toBe(200);
    const state = (await api.call('GET', `/conventions/${id}`)).body;
    expect(state.recruitment.committee).toHaveLength(2);
    const last = state.history.at(-1);
    expect(last.actor).toEqual({ kind: 'party', partyId: 'police', client: 'police-59' });
  });

  test('bodies are validated before anything happens: unknown type, sender in the body, bad payload', async () => {
    const id = await createDraft(unique('api-validate'));
    const unknownType = await api.call('POST', `/conventions/${id}/events`, {
      body: { type: 'FLY', payload: {} },
    });
    expectProblem(unknownType, 422, 'invalid');
    expect(unknownType.body.field).toBe('type');
    const actor = await api.call('POST', `/conventions/${id}/events`, {
      body: { type: 'ABANDON', payload: { reason: 'autre' }, actor: { kind: 'operator' } },
    });
    expectProblem(actor, 422, 'invalid');
    const payload = await api.call('POST', `/conventions/${id}/events/record-payment`, {
      body: { itemId: '', paidOn: '2027-13-01', amountEur: -5 },
    });
    expectProblem(payload, 422, 'invalid');
    expect((payload.body.errors as { field: string }[]).map((e) => e.field)).toEqual(
      expect.arrayContaining(['itemId', 'paidOn', 'amountEur']),
    );
    const forbidden = await api.call('POST', `/conventions/${id}/events/abandon`, {
      as: 'prefecture-59',
      body: { reason: 'projet-remplace' },
    });
    expectProblem(forbidden, 403, 'forbidden');
    expect(forbidden.body.phase).toBe('drafting');
    const otherDepartement = await api.call('POST', `/conventions/${id}/events/abandon`, {
      as: 'operator-62',
      body: { reason: 'projet-remplace' },
    });
    expectProblem(otherDepartement, 403, 'forbidden');
    expect((await api.call('GET', `/conventions/${id}`)).body.history).toHaveLength(1);
  });

  test('a terminated convention answers 409: refused while it can still be read', async () => {
    const id = await createDraft(unique('api-end'));
    expect(
      (await api.call('POST', `/conventions/${id}/events/abandon`, { body: { reason: 'autre' } })).status,
    ).toBe(200);
    const after = await api.call('POST', `/conventions/${id}/events/abandon`, { body: { reason: 'autre' } });
    expect(after.status).toBe(409);
    expect(['terminated', 'refused']).toContain(after.body.code);
    const state = await eventually(
      () => api.call('GET', `/conventions/${id}`),
      (r) => r.status === 200,
    );
    expect(state.body.phase).toBe('terminated');
  });
});

describe('idempotency', () => {
  test('a repeat with the same key returns the same answer and acts once; another body is 409', async () => {
    const id = await createDraft(unique('api-idem'), { jobDescriptionRef: undefined });
    const key = `test-${randomUUID()}`;
    const body = { patch: { jobDescriptionRef: 'FP-1' } };
    const first = await api.call('POST', `/conventions/${id}/events/amend`, {
      body,
      headers: { 'idempotency-key': key },
    });
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBe('false');
    const second = await api.call('POST', `/conventions/${id}/events/amend`, {
      body,
      headers: { 'idempotency-key': key },
    });
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect({ ...second.body, replayed: false }).toEqual(first.body);
    // The generic route and PATCH with the same key and the same act are the same request.
    const generic = await api.call('POST', `/conventions/${id}/events`, {
      body: { type: 'AMEND', payload: body },
      headers: { 'idempotency-key': key },
    });
    expect(generic.body.appliedAt).toBe(first.body.appliedAt);
    const state = (await api.call('GET', `/conventions/${id}`)).body;
    expect(state.history.filter((h: { event: string }) => h.event === 'AMEND')).toHaveLength(1);
    const conflict = await api.call('POST', `/conventions/${id}/events/amend`, {
      body: { patch: { jobDescriptionRef: 'FP-2' } },
      headers: { 'idempotency-key': key },
    });
    expectProblem(conflict, 409, 'conflict');
    expect(conflict.body.field).toBe('Idempotency-Key');
    // The same key from another client (another actor) is not a repeat either.
    const otherClient = await api.call('POST', `/conventions/${id}/events/amend`, {
      as: 'prefecture-59',
      body,
      headers: { 'idempotency-key': key },
    });
    expectProblem(otherClient, 409, 'conflict');
    expect((await api.call('GET', `/conventions/${id}`)).body.data.jobDescriptionRef).toBe('FP-1');
  });

  test('a malformed Idempotency-Key is 422 naming the header', async () => {
    const id = await createDraft(unique('api-idem-bad'));
    for (const key of ['short', 'has space in it', 'x'.repeat(129), 'accentué-é-1234']) {
      const response = await api.call('POST', `/conventions/${id}/events/submit-draft`, {
        body: {},
        headers: { 'idempotency-key': key },
      });
      expectProblem(response, 422, 'invalid');
      expect(response.body.field).toBe('Idempotency-Key');
    }
    expect((await api.call('GET', `/conventions/${id}`)).body.phase).toBe('drafting');
  });

  test('a raw Temporal update with a reused key and another body is refused as well', async () => {
    const id = await createDraft(unique('api-idem-raw'), { jobDescriptionRef: undefined });
    const key = `raw-${randomUUID()}`;
    const handle = stack.env.client.workflow.getHandle(id);
    const request = (ref: string) => ({
      type: 'AMEND' as const,
      payload: { patch: { jobDescriptionRef: ref } },
      actor: { kind: 'operator' as const, client: 'operator' },
      idempotencyKey: key,
    });
    await handle.executeUpdate(applyEventUpdate, { args: [request('FP-A')] });
    await expect(handle.executeUpdate(applyEventUpdate, { args: [request('FP-B')] })).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/déjà servi/) },
    });
    const over = await api.call('POST', `/conventions/${id}/events/amend`, {
      body: { patch: { jobDescriptionRef: 'FP-A' } },
      headers: { 'idempotency-key': key },
    });
    expect(over.status).toBe(200);
    expect(over.body.replayed).toBe(true);
  });
});

describe('listing', () => {
  test('filters by phase, département, employer, deadline and suspension, within the key’s reach', async () => {
    const employer = 'Association L’Étoile d’Armentières';
    const quoted = "Association d'Aide «Nord»";
    const a = await createDraft(unique('api-list-a'));
    const b = await createDraft(unique('api-list-b'));
    const other = await api.call('POST', '/conventions', {
      as: 'prefecture-62',
      body: { slug: unique('api-list-62'), data: { ...completeConventionData(), departement: '62' } },
    });
    expect(other.status).toBe(201);
    const d = other.body.conventionId as string;
    for (const [id, name] of [
      [a, employer],
      [b, quoted],
    ] as const)
      expect(
        (
          await api.call('PATCH', `/conventions/${id}`, {
            body: { parties: { association: { organisation: name } } },
          })
        ).status,
      ).toBe(200);
    await api.call('POST', `/conventions/${b}/events/submit-draft`, { body: {} });

    const ids = (r: { body: { conventions: { conventionId: string }[] } }) =>
      r.body.conventions.map((x) => x.conventionId);
    const all = await eventually(
      () => api.call('GET', '/conventions?limit=1000', { as: 'operator' }),
      (r) => [a, b, d].every((id) => ids(r).includes(id)),
    );
    expect(ids(all)).toEqual(expect.arrayContaining([a, b, d]));
    const summary = all.body.conventions.find((x: { conventionId: string }) => x.conventionId === a);
    expect(summary).toMatchObject({ phase: 'drafting', departement: '59', status: 'RUNNING' });

    const byEmployer = await eventually(
      () => api.call('GET', `/conventions?employer=${encodeURIComponent(employer)}`),
      (r) => ids(r).includes(a),
    );
    expect(ids(byEmployer)).toEqual([a]);
    const byQuoted = await eventually(
      () => api.call('GET', `/conventions?employer=${encodeURIComponent(quoted)}`),
      (r) => ids(r).includes(b),
    );
    expect(ids(byQuoted)).toEqual([b]);
    const injection = await api.call(
      'GET',
      `/conventions?employer=${encodeURIComponent("x' OR IscgDepartement = '62")}`,
    );
    expect(injection.status).toBe(200);
    expect(injection.body.count).toBe(0);
    const doubleQuote = await api.call('GET', `/conventions?employer=${encodeURIComponent('a "b"')}`);
    expectProblem(doubleQuote, 422, 'invalid');
    expect(doubleQuote.body.field).toBe('employer');

    const recruitment = await eventually(
      () => api.call('GET', '/conventions?phase=recruitment&departement=59'),
      (r) => ids(r).includes(b),
    );
    expect(ids(recruitment)).toContain(b);
    expect(ids(recruitment)).not.toContain(a);
    expect(
      (await api.call('GET', '/conventions?suspended=true')).body.conventions.every(
        (x: { suspended: boolean }) => x.suspended,
      ),
    ).toBe(true);
    const future = await api.call('GET', '/conventions?deadlineAfter=2100-01-01');
    expect(future.body.count).toBe(0);

    // The préfecture of 62 sees its own, never 59's; asking for 59 is refused.
    const p62 = await api.call('GET', '/conventions', { as: 'prefecture-62' });
    expect(ids(p62)).toContain(d);
    expect(ids(p62).some((id) => id.startsWith('convention-59-'))).toBe(false);
    expectProblem(
      await api.call('GET', '/conventions?departement=59', { as: 'prefecture-62' }),
      403,
      'forbidden',
    );
    expectProblem(
      await api.call('GET', '/conventions?departement=59', { as: 'operator-62' }),
      403,
      'forbidden',
    );
    const o62 = await api.call('GET', '/conventions', { as: 'operator-62' });
    expect(ids(o62).every((id) => id.startsWith('convention-62-'))).toBe(true);
  });

  test('bad filters are 422 naming the parameter', async () => {
    for (const [query, field] of [
      ['phase=somewhere', 'phase'],
      ['departement=99', 'departement'],
      ['deadlineBefore=2027-02-30', 'deadlineBefore'],
      ['suspended=maybe', 'suspended'],
      ['limit=0', 'limit'],
      ['colour=blue', ''],
    ]) {
      const response = await api.call('GET', `/conventions?${query}`);
      expectProblem(response, 422, 'invalid');
      if (field) expect(response.body.field).toBe(field);
    }
  });
});

describe('webhooks', () => {
  test('subscribe returns the secret once; only its owner or an operator unsubscribes', async () => {
    const id = await createDraft(unique('api-hooks'));
    const created = await api.call('POST', `/conventions/${id}/webhooks`, {
      as: 'prefecture-59',
      body: { url: 'http://127.0.0.1:9/hook' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url: 'http://127.0.0.1:9/hook', client: 'prefecture-59' });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const state = (await api.call('GET', `/conventions/${id}`, { as: 'prefecture-59' })).body;
    expect(state.webhooks).toEqual([
      expect.objectContaining({ id: created.body.id, client: 'prefecture-59', own: true }),
    ]);
    expect(JSON.stringify(state)).not.toContain(created.body.secret);
    // Another key sees that it exists, not where it goes.
    const others = (await api.call('GET', `/conventions/${id}`)).body;
    expect(others.webhooks).toEqual([{ id: created.body.id, createdAt: expect.any(Number), own: false }]);
    const path = `/conventions/${id}/webhooks/${created.body.id}`;
    expectProblem(await api.call('DELETE', path, { as: 'police-59' }), 403, 'forbidden');
    expectProblem(await api.call('DELETE', path, { as: 'operator-62' }), 403, 'forbidden');
    expect((await api.call('DELETE', path, { as: 'prefecture-59' })).status).toBe(204);
    expectProblem(await api.call('DELETE', path, { as: 'prefecture-59' }), 404, 'not_found');
    expectProblem(
      await api.call('POST', `/conventions/${id}/webhooks`, { body: { url: 'ftp://example.org/x' } }),
      422,
      'invalid',
    );
  });

  test('outside development, private and loopback destinations are refused at subscription', async () => {
    const strict = await startApi(stack.conventions, {
      keys: [{ id: 'operator', actsAs: { kind: 'operator' } }],
      webhooks: { allowPrivateDestinations: false },
    });
    try {
      const id = await createDraft(unique('api-hooks-strict'));
      for (const url of [
        'https://127.0.0.1/hook',
        'https://localhost/hook',
        'https://10.1.2.3/hook',
        'https://[::1]/hook',
        'https://169.254.169.254/latest/meta-data',
        'https://[::ffff:192.168.0.1]/x',
        'http://example.org/hook',
        'https://user:pw@example.org/hook',
      ]) {
        const response = await strict.call('POST', `/conventions/${id}/webhooks`, { body: { url } });
        expectProblem(response, 422, 'invalid');
        expect(response.body.field).toBe('url');
      }
    } finally {
      await strict.close();
    }
  });
});

describe('Temporal unreachable', () => {
  test('health and every Temporal-backed route answer 503, never a hang', async () => {
    const down = await startApi(await unreachableConventions(), {
      keys: [{ id: 'operator', actsAs: { kind: 'operator' } }],
      temporalTimeoutMs: 1_500,
    });
    try {
      expectProblem(await down.call('GET', '/healthz', { as: null }), 503, 'unavailable');
      const read = await down.call('GET', '/conventions/convention-59-lille');
      expectProblem(read, 503, 'unavailable');
      expect(read.headers.get('retry-after')).toBe('5');
      expectProblem(
        await down.call('POST', '/conventions/convention-59-lille/events/abandon', {
          body: { reason: 'autre' },
        }),
        503,
        'unavailable',
      );
      // A client mistake is still a 4xx: it never reaches Temporal.
      expectProblem(
        await down.call('POST', '/conventions/convention-59-lille/events/abandon', { body: {} }),
        422,
        'invalid',
      );
    } finally {
      await down.close();
    }
  });
});
