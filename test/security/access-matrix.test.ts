import { randomUUID } from 'node:crypto';
import { completeConventionData } from '../support/fixtures';
import {
  eventually,
  startApi,
  startDevStack,
  type DevStack,
  type KeySpec,
  type RunningApi,
} from '../support/api-harness';

/**
 * Who reaches what, route by route, for each kind of key. test/e2e/api-authorization.test.ts
 * checks every event against every key inside one département; this matrix covers the other
 * routes (create, read, list, amend, subscribe, unsubscribe) across départements and bindings:
 * an operator, an operator of another département, the préfecture of each, a role the
 * conventions do not hold, the employer's role key, and a key bound to one convention.
 */

let stack: DevStack;
let api: RunningApi;
const run = randomUUID().slice(0, 6);
const A = `convention-59-acces-a-${run}`;
const B = `convention-59-acces-b-${run}`;
const C = `convention-62-acces-c-${run}`;

const KEYS: KeySpec[] = [
  { id: 'operator', actsAs: { kind: 'operator' } },
  { id: 'operator-62', actsAs: { kind: 'operator', departements: ['62'] } },
  { id: 'prefecture-59', actsAs: { kind: 'party-role', role: 'etat', departements: ['59'] } },
  { id: 'prefecture-62', actsAs: { kind: 'party-role', role: 'etat', departements: ['62'] } },
  { id: 'employer-59', actsAs: { kind: 'party-role', role: 'association', departements: ['59'] } },
  { id: 'gendarmerie-59', actsAs: { kind: 'party-role', role: 'gendarmerie', departements: ['59'] } },
  { id: 'association-a', actsAs: { kind: 'party', partyId: 'association', conventions: [A] } },
];
const KEY_IDS = KEYS.map((k) => k.id);

type Matrix = Record<string, number>;

/** Runs `call` for every key and returns the status per key. */
async function matrix(call: (key: string) => Promise<{ status: number }>): Promise<Matrix> {
  const result: Matrix = {};
  for (const key of KEY_IDS) result[key] = (await call(key)).status;
  return result;
}

const slugOf = (id: string) => id.replace(/^convention-\d+-/, '');

beforeAll(async () => {
  stack = await startDevStack();
  api = await startApi(stack.conventions, { keys: KEYS, rateLimit: { max: 10_000, perSeconds: 60 } });
  for (const [id, departement] of [
    [A, '59'],
    [B, '59'],
    [C, '62'],
  ] as const) {
    const created = await api.call('POST', '/conventions', {
      as: 'operator',
      body: { slug: slugOf(id), data: completeConventionData({ departement }) },
    });
    expect(created.status).toBe(201);
  }
});
afterAll(async () => {
  await api?.close();
  await stack?.teardown();
});

test('creating a draft: operators and the préfecture, in their own départements', async () => {
  const created = await matrix((key) =>
    api.call('POST', '/conventions', {
      as: key,
      body: { slug: `creee-par-${key}-${run}`, data: completeConventionData() },
    }),
  );
  expect(created).toEqual({
    operator: 201,
    'operator-62': 403,
    'prefecture-59': 201,
    'prefecture-62': 403,
    'employer-59': 403,
    'gendarmerie-59': 403,
    'association-a': 403,
  });
});

test('reading one convention: its département, and a role held in it, or the convention bound to the key', async () => {
  const read = async (id: string) => matrix((key) => api.call('GET', `/conventions/${id}`, { as: key }));
  expect(await read(A)).toEqual({
    operator: 200,
    'operator-62': 403,
    'prefecture-59': 200,
    'prefecture-62': 403,
    'employer-59': 200,
    'gendarmerie-59': 403,
    'association-a': 200,
  });
  expect(await read(B)).toMatchObject({ 'association-a': 403, 'prefecture-59': 200 });
  expect(await read(C)).toEqual({
    operator: 200,
    'operator-62': 200,
    'prefecture-59': 403,
    'prefecture-62': 200,
    'employer-59': 403,
    'gendarmerie-59': 403,
    'association-a': 403,
  });
});

test('listing: each key sees its own scope only, whatever filter it asks for', async () => {
  const ours = new Set([A, B, C]);
  const visible = async (key: string, query = '') => {
    const answer = await eventually(
      () => api.call('GET', `/conventions${query}`, { as: key }),
      (r) =>
        r.status !== 200 ||
        key !== 'operator' ||
        r.body.conventions.filter((c: { conventionId: string }) => ours.has(c.conventionId)).length === 3,
    );
    expect(answer.status).toBe(200);
    return (answer.body.conventions as { conventionId: string }[])
      .map((c) => c.conventionId)
      .filter((id) => ours.has(id))
      .sort();
  };
  expect(await visible('operator')).toEqual([A, B, C].sort());
  expect(await visible('operator-62')).toEqual([C]);
  // Asking for a département outside the key's scope is refused, not answered empty.
  expect((await api.call('GET', '/conventions?departement=59', { as: 'operator-62' })).status).toBe(403);
  expect((await api.call('GET', '/conventions?departement=62', { as: 'association-a' })).status).toBe(403);
  expect(await visible('prefecture-59')).toEqual([A, B].sort());
  expect(await visible('prefecture-62')).toEqual([C]);
  expect(await visible('association-a')).toEqual([A]);
  expect(await visible('association-a', '?departement=59')).toEqual([A]);
  // A role no party holds in them: none of them, whatever the filter.
  expect(await visible('gendarmerie-59')).toEqual([]);
  expect(await visible('gendarmerie-59', '?departement=59')).toEqual([]);
  expect(await visible('employer-59')).toEqual([A, B].sort());
});

test('amending: the préfecture and operators change terms; a party only its own contacts', async () => {
  const terms = await matrix((key) =>
    api.call('PATCH', `/conventions/${A}`, {
      as: key,
      body: { jobDescriptionRef: `FP-${key}` },
      contentType: 'application/merge-patch+json',
    }),
  );
  expect(terms).toEqual({
    operator: 200,
    'operator-62': 403,
    'prefecture-59': 200,
    'prefecture-62': 403,
    'employer-59': 403,
    'gendarmerie-59': 403,
    'association-a': 403,
  });
  const ownContacts = (key: string) =>
    api.call('PATCH', `/conventions/${A}`, {
      as: key,
      body: {
        parties: { association: { contacts: [{ email: `direction-${key}@accueil-mediation.example` }] } },
      },
      contentType: 'application/merge-patch+json',
    });
  expect((await ownContacts('employer-59')).status).toBe(200);
  expect((await ownContacts('association-a')).status).toBe(200);
  expect((await ownContacts('prefecture-62')).status).toBe(403);
});

test('webhooks: subscribing follows the listing scope; only the subscriber or an operator unsubscribes', async () => {
  const subscribe = (key: string, id = A) =>
    api.call('POST', `/conventions/${id}/webhooks`, { as: key, body: { url: 'http://127.0.0.1:9/iscg' } });
  const subscribed = await matrix((key) => subscribe(key));
  expect(subscribed).toEqual({
    operator: 201,
    'operator-62': 403,
    'prefecture-59': 201,
    'prefecture-62': 403,
    'employer-59': 201,
    // No gendarmerie party here: the key reads nothing of it, so it follows nothing of it either.
    'gendarmerie-59': 403,
    'association-a': 201,
  });
  expect((await subscribe('association-a', B)).status).toBe(403);
  expect((await subscribe('prefecture-59', C)).status).toBe(403);

  const employers = (await subscribe('employer-59')).body.id as string;
  const remove = (key: string, webhookId: string) =>
    api.call('DELETE', `/conventions/${A}/webhooks/${webhookId}`, { as: key });
  expect((await remove('prefecture-59', employers)).status).toBe(403);
  expect((await remove('association-a', employers)).status).toBe(403);
  expect((await remove('operator-62', employers)).status).toBe(403);
  expect((await remove('employer-59', employers)).status).toBe(204);
  const another = (await subscribe('employer-59')).body.id as string;
  expect((await remove('operator', another)).status).toBe(204);
  // The secret is shown once, at subscription, and never in the convention's state.
  const state = (await api.call('GET', `/conventions/${A}`, { as: 'operator' })).body;
  expect(JSON.stringify(state.webhooks)).not.toMatch(/whsec_/);
});

test('acting on another département’s convention is forbidden before anything reaches it', async () => {
  for (const key of ['prefecture-59', 'employer-59', 'gendarmerie-59', 'association-a']) {
    const acted = await api.call('POST', `/conventions/${C}/events/submit-draft`, { as: key, body: {} });
    expect({ key, status: acted.status }).toEqual({ key, status: 403 });
  }
  const after = (await api.call('GET', `/conventions/${C}`, { as: 'operator' })).body;
  expect(after.phase).toBe('drafting');
  expect(after.history).toHaveLength(1);
});
