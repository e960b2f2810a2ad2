import { addDays, instantAt, localDate, type CivilDate } from '../../domain/calendar/dates';
import { completeConventionData } from '../support/fixtures';
import { startApi, type RunningApi } from '../support/api-harness';
import { startTimeSkipping, type TimeSkippingHarness } from '../support/workflow-env';

/**
 * Idempotency across a renewal: the same app, built on a time-skipping server's client, drives a
 * convention through its three years; the renewal continues the workflow as new, and requests made
 * before it, repeated after it, still answer as the first time and do not act again.
 */

let h: TimeSkippingHarness;
let api: RunningApi;

beforeAll(async () => {
  h = await startTimeSkipping();
  api = await startApi(h.conventions, {
    keys: [
      { id: 'prefecture-59', actsAs: { kind: 'party-role', role: 'etat', departements: ['59'] } },
      { id: 'operator', actsAs: { kind: 'operator' } },
    ],
    rateLimit: { max: 10_000, perSeconds: 60 },
  });
});
afterAll(async () => {
  await api?.close();
  await h?.teardown();
});

async function today(): Promise<CivilDate> {
  return localDate(await h.env.currentTimeMs(), '59');
}

/**
 * Moves the server's clock to the given day, paying each ledger item on its due date on the way:
 * a convention whose partners pay on time is the common case, and it keeps reminders few.
 */
async function liveUntil(conventionId: string, date: CivilDate): Promise<void> {
  const target = instantAt(date, '59', 10);
  for (;;) {
    // The server's clock: a query answers with the time of the workflow's last task, maybe earlier.
    const now = await h.env.currentTimeMs();
    const today = localDate(now, '59');
    const state = await h.conventions.get(conventionId);
    const unpaid = state.ledger.filter(
      (item) => item.term === state.term?.number && item.payments.length === 0,
    );
    for (const item of unpaid.filter((i) => i.dueDate <= today))
      await h.conventions.send(conventionId, {
        type: 'RECORD_PAYMENT',
        payload: {
          itemId: item.id,
          paidOn: today,
          ...(item.plannedAmountEur ? { amountEur: item.plannedAmountEur } : {}),
        },
        actor: { kind: 'operator' },
      });
    if (target <= now) return;
    const next = unpaid
      .filter((item) => item.dueDate > today)
      .map((item) => instantAt(item.dueDate, '59', 10))
      .sort((a, b) => a - b)[0];
    await h.env.sleep(Math.max(Math.min(target, next ?? target) - now, 60_000));
  }
}

async function ok(path: string, body: unknown, key?: string, as = 'operator') {
  const response = await api.call('POST', path, {
    as,
    body,
    ...(key ? { headers: { 'idempotency-key': key } } : {}),
  });
  if (response.status !== 200) throw new Error(`${path}: ${response.status} ${response.text}`);
  return response;
}

test('a request repeated after the renewal (continue-as-new) is answered as before and acts once', async () => {
  await h.withWorker(async () => {
    const start = addDays(await today(), 7);
    const created = await api.call('POST', '/conventions', {
      as: 'prefecture-59',
      body: { slug: 'renouvelee', data: completeConventionData({ startDate: start }) },
    });
    expect(created.status).toBe(201);
    const id = created.body.conventionId as string;
    const events = `/conventions/${id}/events`;
    await ok(`${events}/submit-draft`, {});
    await ok(`${events}/compose-selection-committee`, {
      members: [
        { partyId: 'association', authority: 'hierarchique', title: 'directrice' },
        { partyId: 'police', authority: 'fonctionnelle', title: 'chef de service' },
      ],
    });
    await ok(`${events}/record-applications`, { count: 1, references: ['CAND-1'] });
    await ok(`${events}/record-recruitment-decision`, { outcome: 'selected', candidateRef: 'CAND-1' });
    const signedOn = await today();
    for (const partyId of ['etat', 'police', 'cd59', 'commune-lille', 'association', 'procureur'])
      await ok(`${events}/sign`, {
        partyId,
        signerName: `Signataire ${partyId}`,
        signerTitle: 'Représentant',
        signedOn,
      });

    await liveUntil(id, addDays(start, 1));
    const first = (await api.call('GET', `/conventions/${id}`)).body;
    expect(first.phase).toBe('active');
    expect(first.run.number).toBe(1);
    const term = first.term as { endDate: CivilDate; concertationOpensOn: CivilDate };

    // In the concertation window: the préfecture decides to renew, with an idempotency key.
    await liveUntil(id, addDays(term.concertationOpensOn, 3));
    const decision = { decision: 'renew', decidedOn: await today() };
    const renewKey = 'prefecture-59:renouvellement:2030';
    const decided = await ok(`${events}/record-renewal-decision`, decision, renewKey, 'prefecture-59');
    expect(decided.body).toMatchObject({ event: 'RECORD_RENEWAL_DECISION', term: 1, replayed: false });
    // A contact correction shortly before expiry, also keyed.
    await liveUntil(id, addDays(term.endDate, -2));
    const contactPatch = { parties: { etat: { contacts: [{ email: 'prevention@nord.gouv.example' }] } } };
    const amendKey = 'prefecture-59:contacts:0001';
    const amended = await api.call('PATCH', `/conventions/${id}`, {
      as: 'prefecture-59',
      body: contactPatch,
      headers: { 'idempotency-key': amendKey },
    });
    expect(amended.status).toBe(200);

    // Past expiry: a new term, in a new run of the workflow.
    await liveUntil(id, addDays(term.endDate, 2));
    const renewed = (await api.call('GET', `/conventions/${id}`)).body;
    expect(renewed.term.number).toBe(2);
    expect(renewed.run.number).toBe(2);
    const historyBefore = renewed.history.length;

    const again = await ok(`${events}/record-renewal-decision`, decision, renewKey, 'prefecture-59');
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect({ ...again.body, replayed: false }).toEqual(decided.body);
    const amendedAgain = await api.call('PATCH', `/conventions/${id}`, {
      as: 'prefecture-59',
      body: contactPatch,
      headers: { 'idempotency-key': amendKey },
    });
    expect(amendedAgain.status).toBe(200);
    expect({ ...amendedAgain.body, replayed: false }).toEqual(amended.body);

    const conflict = await api.call('POST', `${events}/record-renewal-decision`, {
      as: 'prefecture-59',
      body: { decision: 'not_renew', decidedOn: await today() },
      headers: { 'idempotency-key': renewKey },
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ code: 'conflict', field: 'Idempotency-Key' });

    const after = (await api.call('GET', `/conventions/${id}`)).body;
    expect(after.history).toHaveLength(historyBefore);
    expect(after.renewal).toBeNull();
    expect(after.term.number).toBe(2);
  });
});
