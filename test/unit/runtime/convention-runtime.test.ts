import { instantAt } from '../../../domain/calendar/dates';
import { newConvention, persist } from '../../../domain/lifecycle/decide';
import { phaseOf } from '../../../domain/lifecycle/phase';
import { ConventionRuntime } from '../../../domain/runtime/convention-runtime';
import type { EventRequest, EventResult } from '../../../domain/temporal-contract';
import { conventionCreate } from '../../support/fixtures';

/** The runtime's own bookkeeping: what the workflow relies on it to keep between events and runs. */

const OPERATOR = { kind: 'operator' } as const;
const at = instantAt('2026-12-01', '59', 10);

function fresh(): ConventionRuntime {
  return new ConventionRuntime(newConvention(conventionCreate(), OPERATOR, at));
}

const submit: EventRequest = {
  type: 'SUBMIT_DRAFT',
  payload: {},
  actor: OPERATOR,
  idempotencyKey: 'cle-0001',
};
const result = (r: ConventionRuntime): EventResult => ({
  conventionId: r.context.conventionId,
  event: 'SUBMIT_DRAFT',
  phase: phaseOf(r.snapshot),
  term: 0,
  appliedAt: at,
  replayed: false,
});

test('a repeated request gets its first answer; the same key for another request is a conflict', () => {
  const r = fresh();
  expect(r.answered(submit)).toBeNull();
  expect(r.apply({ type: 'SUBMIT_DRAFT', payload: {}, actor: OPERATOR, at }).ok).toBe(true);
  r.remember(submit, result(r), at);
  expect(r.answered(submit)).toEqual({ result: result(r) });
  expect(r.answered({ ...submit, payload: { other: 1 } })).toEqual({
    conflict: expect.objectContaining({ code: 'conflict', field: 'Idempotency-Key' }),
  });
  expect(r.answered({ ...submit, idempotencyKey: undefined })).toBeNull();
});

test('changes are kept for subscribers only, numbered, and handed over once', () => {
  const r = fresh();
  const before = r.snapshot;
  r.apply({ type: 'SUBMIT_DRAFT', payload: {}, actor: OPERATOR, at });
  r.recordChange(before, 'SUBMIT_DRAFT', at);
  expect(r.pendingChanges).toEqual([]);
  r.subscribe(
    { id: 'wh-0123456789abcdef', url: 'https://example.org/h', secret: 'x'.repeat(32), client: null },
    at,
  );
  r.recordChange(before, 'SUBMIT_DRAFT', at);
  r.recordChange(before, 'CLOCK', at);
  expect(r.takeChanges().map((c) => [c.sequence, c.cause, c.previousPhase, c.phase])).toEqual([
    [1, 'SUBMIT_DRAFT', 'drafting', 'recruitment'],
    [2, 'CLOCK', 'drafting', 'recruitment'],
  ]);
  expect(r.takeChanges()).toEqual([]);
  expect(r.unsubscribe('wh-0123456789abcdef')).toBe(true);
  expect(r.unsubscribe('wh-0123456789abcdef')).toBe(false);
});

test('the next run starts where this one stopped, without keys older than seven years', () => {
  const r = fresh();
  r.remember(submit, result(r), at);
  r.remember({ ...submit, idempotencyKey: 'ancienne-cle' }, result(r), at - 8 * 366 * 24 * 3600 * 1000);
  r.sentMessages['convention-59-lille-centre.t0.rappel.x'] = at;
  const carried = r.carry(at);
  expect(Object.keys(carried.idempotency)).toEqual(['cle-0001']);
  expect(carried.runs).toBe(1);
  expect(carried.convention).toEqual(persist(r.snapshot));
  expect('documents' in carried).toBe(false);
  const next = ConventionRuntime.resume(carried);
  expect(next.answered(submit)).toEqual({ result: result(r) });
  expect(next.sentMessages).toEqual(r.sentMessages);
  expect(next.runs).toBe(1);
});

test('sent messages are carried while they can be planned again: the previous term’s and the current one’s', () => {
  const r = fresh();
  const id = r.context.conventionId;
  const inTerm = (term: number) =>
    `${id}.t${term}.rappel.salary-payment.t${term}-salaire-2030-01.avant-2.2030-01-28`;
  for (const term of [0, 1, 2, 3, 10]) r.markSent({ id: inTerm(term) } as never, at);
  const context = r.snapshot.context;
  r.snapshot = { ...r.snapshot, context: { ...context, term: { ...context.term!, number: 3 } } };
  expect(Object.keys(r.carry(at).sentMessages).sort()).toEqual([inTerm(10), inTerm(2), inTerm(3)].sort());
});

describe('what the update validators refuse, and what an accepted request does', () => {
  const today = { termEdges: true, termEdgeRefusals: true };

  test('a malformed request, a key used for another request, then the rules; a repeat is let through', () => {
    const r = fresh();
    expect(r.refusalOfRequest({ ...submit, idempotencyKey: 'é' }, at, today)).toMatchObject({
      code: 'invalid',
      field: 'idempotencyKey',
    });
    expect(r.refusalOfRequest(submit, at, today)).toBeNull();
    const accepted = r.accept(submit, at, null);
    expect(accepted).toEqual({ result: result(r) });
    expect(phaseOf(r.snapshot)).toBe('recruitment');
    // The same request again gets its answer from the workflow: nothing to refuse.
    expect(r.refusalOfRequest(submit, at, today)).toBeNull();
    expect(r.refusalOfRequest({ ...submit, payload: { other: 1 } }, at, today)).toMatchObject({
      code: 'conflict',
      field: 'Idempotency-Key',
    });
    // Another submission, under a new key: the rules refuse it, and nothing changes.
    const again = { ...submit, idempotencyKey: 'cle-0002' };
    const refusal = r.refusalOfRequest(again, at, today);
    expect(refusal).not.toBeNull();
    const before = r.snapshot;
    expect(r.accept(again, at, null)).toEqual({ refusal });
    expect(r.snapshot).toBe(before);
    expect(r.answered(again)).toBeNull();
  });

  test('an ended convention refuses every new request', () => {
    const r = fresh();
    r.accept({ type: 'ABANDON', payload: { reason: 'projet abandonné' }, actor: OPERATOR }, at, null);
    expect(r.refusalOfRequest({ ...submit, idempotencyKey: 'cle-0003' }, at, today)).toEqual({
      code: 'refused',
      message: 'la convention est terminée',
    });
  });

  test('a subscription is checked before it is kept; an accepted change goes to the subscribers', () => {
    const r = fresh();
    const subscription = {
      id: 'wh-0123456789abcdef',
      url: 'https://example.org/h',
      secret: 'x'.repeat(32),
      client: null,
    };
    expect(r.refusalOfSubscription(subscription)).toBeNull();
    expect(r.refusalOfSubscription({ ...subscription, id: 'wh-1' })).toMatchObject({ field: 'id' });
    r.subscribe(subscription, at);
    r.accept(submit, at, null);
    expect(r.takeChanges().map((c) => [c.cause, c.previousPhase, c.phase])).toEqual([
      ['SUBMIT_DRAFT', 'drafting', 'recruitment'],
    ]);
  });

  test('twenty subscriptions at the most; one of them may be replaced', () => {
    const r = fresh();
    const subscription = (n: number) => ({
      id: `wh-${n.toString(16).padStart(16, '0')}`,
      url: 'https://example.org/h',
      secret: 'x'.repeat(32),
      client: null,
    });
    for (let n = 0; n < 20; n++) r.subscribe(subscription(n), at);
    expect(r.refusalOfSubscription(subscription(20))).toEqual({
      code: 'refused',
      message: '20 abonnements au plus par convention',
    });
    expect(r.refusalOfSubscription(subscription(7))).toBeNull();
  });
});
