import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { completeConventionData } from '../support/fixtures';
import { recordAttacks, Tally } from '../support/attack-log';
import {
  eventually,
  startApi,
  startDevStack,
  type DevStack,
  type KeySpec,
  type RunningApi,
} from '../support/api-harness';

/**
 * A key reaches a convention only where it reads it: a role key where a party holds its role, a
 * party key where its party is one. Listing, reading, subscribing, unsubscribing and acting apply
 * the same scope. Subscriptions show their URL to the key that made them only; an unsubscription
 * stops every delivery already scheduled, retries included.
 */

let stack: DevStack;
let api: RunningApi;
const run = randomUUID().slice(0, 6);
/** Bas-Rhin, police only: no gendarmerie party. */
const POLICE = `convention-67-police-${run}`;
/** Bas-Rhin, a gendarmerie unit and its party. */
const GENDARMERIE = `convention-67-gendarmerie-${run}`;

const KEYS: KeySpec[] = [
  { id: 'operator', actsAs: { kind: 'operator' } },
  { id: 'gendarmerie-67', actsAs: { kind: 'party-role', role: 'gendarmerie', departements: ['67'] } },
  { id: 'prefecture-67', actsAs: { kind: 'party-role', role: 'etat', departements: ['67'] } },
  // Bound by mistake to a convention its party is not in.
  {
    id: 'gendarmerie-liee',
    actsAs: { kind: 'party', partyId: 'gendarmerie', conventions: [POLICE, GENDARMERIE] },
  },
];

const slugOf = (id: string) => id.replace(/^convention-\d+-/, '');

class Receiver {
  hits: number[] = [];
  private server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      this.hits.push(Date.now());
      response.writeHead(500).end();
    });
  });
  url = '';
  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/iscg?token=secret-du-recepteur`;
    return this;
  }
  stop(): void {
    this.server.close();
  }
}

beforeAll(async () => {
  stack = await startDevStack({ webhooks: { allowPrivateDestinations: true, timeoutMs: 2_000 } });
  api = await startApi(stack.conventions, { keys: KEYS, rateLimit: { max: 10_000, perSeconds: 60 } });
  const police = completeConventionData({ departement: '67', site: { commissariat: `commissariat ${run}` } });
  const gendarmerie = completeConventionData({
    departement: '67',
    site: { gendarmerieUnit: `brigade ${run}` },
  });
  gendarmerie.parties.gendarmerie = {
    role: 'gendarmerie',
    organisation: 'Groupement de gendarmerie départementale du Bas-Rhin',
    representative: { title: 'Commandant de groupement' },
    contacts: [{ email: 'ggd67@gendarmerie.example' }],
  };
  for (const [id, data] of [
    [POLICE, police],
    [GENDARMERIE, gendarmerie],
  ] as const)
    expect(
      (await api.call('POST', '/conventions', { as: 'operator', body: { slug: slugOf(id), data } })).status,
    ).toBe(201);
});
afterAll(async () => {
  await api?.close();
  await stack?.teardown();
});

const ours = (body: { conventions: { conventionId: string }[] }) =>
  body.conventions.map((c) => c.conventionId).filter((id) => id === POLICE || id === GENDARMERIE);

test('a role key lists, reads, follows and acts on a convention only where a party holds its role', async () => {
  const tally = new Tally();
  // Visibility is eventually consistent: wait until the operator sees both.
  await eventually(
    () => api.call('GET', '/conventions?departement=67', { as: 'operator' }),
    (r) => r.status === 200 && ours(r.body).length === 2,
  );
  const call = async (method: string, path: string, as: string, body?: unknown) => {
    const answer = await api.call(method, path, { as, ...(body !== undefined ? { body } : {}) });
    tally.add(answer.status);
    return answer;
  };

  for (const as of ['gendarmerie-67', 'gendarmerie-liee']) {
    for (const query of [
      '',
      `?site=${encodeURIComponent(`commissariat ${run}`)}`,
      '?phase=drafting',
      '?departement=67',
    ]) {
      const listed = await call('GET', `/conventions${query}`, as);
      expect({ as, query, status: listed.status }).toEqual({ as, query, status: 200 });
      expect({ as, query, listed: ours(listed.body) }).toEqual({
        as,
        query,
        listed: query.includes('commissariat') ? [] : [GENDARMERIE],
      });
    }
    expect((await call('GET', `/conventions/${POLICE}`, as)).status).toBe(403);
    expect((await call('GET', `/conventions/${GENDARMERIE}`, as)).status).toBe(200);
    const subscribed = await call('POST', `/conventions/${POLICE}/webhooks`, as, {
      url: 'http://127.0.0.1:9/x',
    });
    expect({ as, status: subscribed.status }).toEqual({ as, status: 403 });
    expect((await call('DELETE', `/conventions/${POLICE}/webhooks/wh-0123456789abcdef`, as)).status).toBe(
      403,
    );
    const amended = await call('PATCH', `/conventions/${POLICE}`, as, {
      parties: { gendarmerie: { contacts: [{ email: 'intrus@gendarmerie.example' }] } },
    });
    expect({ as, status: amended.status }).toEqual({ as, status: 403 });
    const acted = await call('POST', `/conventions/${POLICE}/events/sign`, as, {
      partyId: 'gendarmerie',
      signerName: 'Signataire',
      signerTitle: 'Commandant de groupement',
      signedOn: '2027-01-04',
    });
    expect({ as, status: acted.status }).toEqual({ as, status: 403 });
  }
  // The préfecture holds its role in both.
  const prefecture = await call('GET', '/conventions?departement=67', 'prefecture-67');
  expect(ours(prefecture.body).sort()).toEqual([GENDARMERIE, POLICE].sort());
  // Nothing reached the police convention.
  const police = (await api.call('GET', `/conventions/${POLICE}`, { as: 'operator' })).body;
  expect(police.history).toHaveLength(1);
  expect(police.webhooks).toEqual([]);
  recordAttacks('scope-role-keys', { requests: tally.requests, answers: tally.byStatus });
});

test('a key sees its own subscriptions whole, the others only as existing', async () => {
  const mine = await api.call('POST', `/conventions/${GENDARMERIE}/webhooks`, {
    as: 'prefecture-67',
    body: { url: 'https://recepteur.prefecture.example/iscg/hook?token=jeton-prefecture' },
  });
  const theirs = await api.call('POST', `/conventions/${GENDARMERIE}/webhooks`, {
    as: 'gendarmerie-67',
    body: { url: 'https://recepteur.gendarmerie.example/chemin-prive?token=jeton-gendarmerie' },
  });
  expect([mine.status, theirs.status]).toEqual([201, 201]);
  for (const [as, own, other] of [
    ['prefecture-67', mine.body, theirs.body],
    ['gendarmerie-67', theirs.body, mine.body],
  ] as const) {
    const state = await api.call('GET', `/conventions/${GENDARMERIE}`, { as });
    const text = JSON.stringify(state.body.webhooks);
    expect(state.body.webhooks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: own.id, url: own.url, client: as, own: true }),
        { id: other.id, createdAt: expect.any(Number), own: false },
      ]),
    );
    expect(text).not.toContain(new URL(other.url).hostname);
    expect(text).not.toContain(new URL(other.url).search);
  }
  // An operator of every département is one key among others here.
  const operator = JSON.stringify(
    (await api.call('GET', `/conventions/${GENDARMERIE}`, { as: 'operator' })).body,
  );
  expect(operator).not.toContain('jeton-');
  for (const [as, id] of [
    ['prefecture-67', mine.body.id],
    ['gendarmerie-67', theirs.body.id],
  ] as const)
    expect((await api.call('DELETE', `/conventions/${GENDARMERIE}/webhooks/${id}`, { as })).status).toBe(204);
  recordAttacks('webhook-visibility', { requests: 5, subscriptionsSeenByOthers: 0 });
});

test('after an unsubscription, no delivery already scheduled reaches the receiver, retries included', async () => {
  const receiver = await new Receiver().start();
  try {
    const subscribed = await api.call('POST', `/conventions/${GENDARMERIE}/webhooks`, {
      as: 'prefecture-67',
      body: { url: receiver.url },
    });
    expect(subscribed.status).toBe(201);
    expect(
      (
        await api.call('PATCH', `/conventions/${GENDARMERIE}`, {
          as: 'operator',
          body: { jobDescriptionRef: `FP-${run}-v2` },
          contentType: 'application/merge-patch+json',
        })
      ).status,
    ).toBe(200);
    // The first attempt is answered 500: Temporal schedules the next one 5 s later, then 10, 20...
    const deadline = Date.now() + 20_000;
    while (receiver.hits.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(receiver.hits.length).toBe(1);
    const removed = await api.call('DELETE', `/conventions/${GENDARMERIE}/webhooks/${subscribed.body.id}`, {
      as: 'prefecture-67',
    });
    expect(removed.status).toBe(204);
    const after = receiver.hits.length;
    // Long enough for the next two attempts (at +5 s and +15 s after the first).
    await new Promise((resolve) => setTimeout(resolve, 25_000));
    expect(receiver.hits.length).toBe(after);
    const state = (await api.call('GET', `/conventions/${GENDARMERIE}`, { as: 'operator' })).body;
    expect(state.webhooks).toEqual([]);
    // A cancelled delivery is not a failure to report.
    expect(
      state.deliveryFailures.filter((f: { messageId: string }) => f.messageId.endsWith(subscribed.body.id)),
    ).toEqual([]);
    recordAttacks('unsubscribe', {
      deliveriesBeforeRemoval: after,
      deliveriesAfterRemoval: receiver.hits.length - after,
      waitedSeconds: 25,
    });
  } finally {
    receiver.stop();
  }
});
