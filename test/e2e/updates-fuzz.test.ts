import fc from 'fast-check';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { businessDayOnOrAfter } from '../../domain/calendar/business-days';
import { addDays, addMonths, localDate } from '../../domain/calendar/dates';
import { signatoryPartyIds } from '../../domain/convention/completeness';
import type { ConventionCreate } from '../../domain/convention/schema';
import { decide, tick, type ConventionSnapshot } from '../../domain/lifecycle/decide';
import {
  EXTERNAL_EVENT_TYPES,
  type ExternalEvent,
  type ExternalEventType,
} from '../../domain/lifecycle/events';
import { IDEMPOTENCY_KEY_PATTERN, requestFingerprint } from '../../domain/idempotency';
import {
  applyEventUpdate,
  getStateQuery,
  subscribeWebhookUpdate,
  unsubscribeWebhookUpdate,
  type ConventionState,
} from '../../domain/temporal-contract';
import { startApi, startDevStack, type DevStack } from '../support/api-harness';
import { modelConvention, type SentStep } from '../support/faults-model';
import { completeConventionData } from '../support/fixtures';

/**
 * Bad input at scale on the updates themselves, straight through Temporal as an operator's
 * `temporal workflow update execute` would send them (docs/temporal.md), bypassing the API's own
 * checks: arbitrary `type`, `payload`, `actor` and `idempotencyKey`, junk instead of a request,
 * junk webhook subscriptions. The only answers are the convention's refusals (`invalid`,
 * `forbidden`, `refused`, `conflict`, each the one the domain's `decide` gives for the same
 * request on the same convention), or Temporal's own errors; a refusal changes nothing; the
 * worker keeps polling and no workflow task ever fails. FUZZ_RUNS scales the number of inputs.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
/** A key the recruitment convention has seen: reused with another request, it is a conflict. */
const KNOWN_KEY = 'fuzz-known-key-1';
const REFUSAL_CODES = ['invalid', 'forbidden', 'refused', 'conflict'];
/** Names every plain object inherits: a key or a type spelled so must not reach them. */
const PROTOTYPE_NAMES = [
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'isPrototypeOf',
  'valueOf',
  'toLocaleString',
  'propertyIsEnumerable',
  '__defineGetter__',
  '__lookupSetter__',
];

jest.setTimeout(10 * 60_000);

let stack: DevStack;

interface Live {
  conventionId: string;
  create: ConventionCreate;
  steps: (SentStep & { actor: { kind: 'operator' } | { kind: 'party'; partyId: string } })[];
  snapshot: ConventionSnapshot | null;
  state: ConventionState | null;
  /** Idempotency keys the convention holds, with the fingerprint of their request. */
  keys: Record<string, string>;
}
const live: Record<'drafting' | 'recruitment' | 'signature' | 'active', Live> = {} as never;
let dueItem = '';

const run = Date.now().toString(36);
const today = () => localDate(Date.now(), '59');
const OPERATOR = { kind: 'operator' as const };

async function send(
  convention: Live,
  type: ExternalEventType,
  payload: unknown,
  actor: Live['steps'][number]['actor'] = OPERATOR,
) {
  await stack.conventions.send(convention.conventionId, { type, payload, actor });
  convention.steps.push({ type, payload, actor });
}

async function createLive(phase: keyof typeof live): Promise<Live> {
  const create = {
    slug: `fuzz-${phase}-${run}`,
    data: completeConventionData({ startDate: addMonths(today(), -2) }),
  };
  const { conventionId } = await stack.conventions.create(create, OPERATOR);
  const convention: Live = { conventionId, create, steps: [], snapshot: null, state: null, keys: {} };
  if (phase === 'drafting') return convention;
  await send(convention, 'SUBMIT_DRAFT', {});
  const committee = {
    members: [
      { partyId: 'association', authority: 'hierarchique', title: 'directrice' },
      { partyId: 'police', authority: 'fonctionnelle', title: 'chef de service' },
    ],
  };
  if (phase === 'recruitment') {
    const request = { type: 'COMPOSE_SELECTION_COMMITTEE' as const, payload: committee, actor: OPERATOR };
    await stack.conventions.send(conventionId, { ...request, idempotencyKey: KNOWN_KEY });
    convention.steps.push(request);
    convention.keys[KNOWN_KEY] = requestFingerprint(request);
    return convention;
  }
  await send(convention, 'COMPOSE_SELECTION_COMMITTEE', committee);
  await send(convention, 'RECORD_APPLICATIONS', { count: 1, references: ['CAND-1'] });
  await send(convention, 'RECORD_RECRUITMENT_DECISION', { outcome: 'selected', candidateRef: 'CAND-1' });
  await send(
    convention,
    'SIGN',
    { partyId: 'etat', signerName: 'Signataire', signerTitle: 'Préfet', signedOn: today() },
    { kind: 'party', partyId: 'etat' },
  );
  if (phase === 'signature') return convention;
  for (const partyId of signatoryPartyIds(create.data).filter((p) => p !== 'etat'))
    await send(
      convention,
      'SIGN',
      { partyId, signerName: 'Signataire', signerTitle: 'Représentant', signedOn: today() },
      { kind: 'party', partyId },
    );
  return convention;
}

/** The live state, and the same convention rebuilt in pure code from its history. */
async function refresh(convention: Live): Promise<void> {
  convention.state = await stack.env.client.workflow.getHandle(convention.conventionId).query(getStateQuery);
  const model = modelConvention(convention.create, convention.state.history, convention.steps, Date.now());
  if (model.unexplained.length) throw new Error(`modèle: ${JSON.stringify(model.unexplained)}`);
  convention.snapshot = model.snapshot;
}

/** What a refusal must leave exactly as it was. */
function observable(state: ConventionState) {
  const { phase, history, data, signatures, ledger, webhooks, changeSequence, deliveryFailures } = state;
  return { phase, history, data, signatures, ledger, webhooks, changeSequence, deliveryFailures };
}

type Answer =
  | { kind: 'accepted'; value: unknown }
  | { kind: 'refusal'; code: string; field?: string; message: string }
  | { kind: 'temporal'; name: string; message: string }
  | { kind: 'other'; name: string; message: string };

/** One update, classified; a handler that never answers (a failed workflow task) is a failure too. */
async function update(
  conventionId: string,
  name: 'applyEvent' | 'subscribeWebhook' | 'unsubscribeWebhook',
  args: unknown[],
): Promise<Answer> {
  const definition = {
    applyEvent: applyEventUpdate,
    subscribeWebhook: subscribeWebhookUpdate,
    unsubscribeWebhook: unsubscribeWebhookUpdate,
  }[name];
  const handle = stack.env.client.workflow.getHandle(conventionId);
  let timer: NodeJS.Timeout | undefined;
  try {
    const value = await Promise.race([
      handle.executeUpdate(definition as typeof applyEventUpdate, { args: args as never }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('pas de réponse en 20 s')), 20_000);
      }),
    ]);
    return { kind: 'accepted', value };
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
      const refusal = error.cause.details?.[0] as { code?: string; field?: string } | undefined;
      if (error.cause.type === 'ConventionRefusal' && refusal?.code)
        return { kind: 'refusal', code: refusal.code, field: refusal.field, message: error.cause.message };
      return { kind: 'other', name: `ApplicationFailure ${error.cause.type}`, message: error.cause.message };
    }
    if (error instanceof WorkflowNotFoundError)
      return { kind: 'temporal', name: error.name, message: error.message };
    const e = error as Error;
    return { kind: 'other', name: e.name, message: e.message };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What the convention owes a request: its shape first (an object, a well-formed key), then its
 * key (a repeat replays, another request under a known key is a conflict), then its rules.
 */
function expectedAnswer(
  convention: Live,
  request: unknown,
): 'applies' | 'replays' | { code: string; field?: string } {
  const snapshot = convention.snapshot!;
  if (typeof request !== 'object' || request === null || Array.isArray(request)) return { code: 'invalid' };
  const { type, payload, actor, idempotencyKey } = request as Record<string, unknown>;
  if (
    idempotencyKey !== undefined &&
    !(typeof idempotencyKey === 'string' && IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey))
  )
    return { code: 'invalid', field: 'idempotencyKey' };
  if (typeof idempotencyKey === 'string' && Object.hasOwn(convention.keys, idempotencyKey))
    return convention.keys[idempotencyKey] === requestFingerprint({ type: String(type), payload, actor })
      ? 'replays'
      : { code: 'conflict', field: 'Idempotency-Key' };
  if (typeof type !== 'string' || !(EXTERNAL_EVENT_TYPES as string[]).includes(type))
    return { code: 'invalid', field: 'type' };
  const now = Date.now();
  const decision = decide(tick(snapshot, now).snapshot, { type, payload, actor, at: now } as ExternalEvent);
  return decision.ok
    ? 'applies'
    : { code: decision.refusal.code, ...(decision.refusal.field ? { field: decision.refusal.field } : {}) };
}

// ── Generators ────────────────────────────────────────────────────────────────────────────────

const junk = fc.jsonValue({ maxDepth: 3 });
const prototypeName = fc.constantFrom(...PROTOTYPE_NAMES);
const parties = ['etat', 'police', 'cd59', 'commune-lille', 'association', 'procureur'];

function samplePayloads(): Record<ExternalEventType, Record<string, unknown>> {
  const day = today();
  return {
    AMEND: { patch: { jobDescriptionRef: 'FP-FUZZ-2' } },
    SUBMIT_DRAFT: {},
    COMPOSE_SELECTION_COMMITTEE: {
      members: [
        { partyId: 'association', authority: 'hierarchique', title: 'directrice' },
        { partyId: 'police', authority: 'fonctionnelle', title: 'chef' },
      ],
    },
    RECORD_APPLICATIONS: { count: 2, references: ['CAND-1'] },
    RECORD_RECRUITMENT_DECISION: { outcome: 'selected', candidateRef: 'CAND-1' },
    SIGN: { partyId: 'police', signerName: 'Signataire', signerTitle: 'Directeur', signedOn: day },
    REOPEN_DRAFTING: { reason: 'modification-des-termes' },
    RECORD_PAYMENT: { itemId: dueItem, paidOn: day },
    RECORD_NON_PAYMENT: { itemId: dueItem, notedOn: day },
    WRITE_OFF: { itemId: dueItem, reason: 'creance-irrecouvrable', decidedOn: day },
    SUBMIT_ACTIVITY_REPORT: {
      termYear: 1,
      submittedOn: day,
      documentRef: 'BILAN-1',
      statistics: { recues: 3 },
    },
    SCHEDULE_COMMITTEE: { termYear: 1, meetingDate: businessDayOnOrAfter('59', addDays(day, 20)) },
    RECORD_COMMITTEE_REVIEW: { termYear: 1, heldOn: day },
    DECLARE_VACANCY: { vacantFrom: addDays(day, 5) },
    RECORD_RENEWAL_DECISION: { decision: 'renew', decidedOn: day },
    DENOUNCE: { partyId: 'commune-lille', letterSentOn: day, letterReference: 'RAR-1' },
    ABANDON: { reason: 'projet-remplace' },
  };
}

/** A known event's payload, intact or broken one field at a time, or junk. */
function payloadFor(type: unknown) {
  const sample =
    typeof type === 'string'
      ? (samplePayloads() as Record<string, Record<string, unknown>>)[type]
      : undefined;
  if (!sample || !Object.hasOwn(samplePayloads(), type as string)) return junk;
  const keys = Object.keys(sample);
  return fc.oneof(
    fc.constant(sample),
    junk,
    keys.length
      ? fc
          .constantFrom(...keys)
          .map((k) => Object.fromEntries(Object.entries(sample).filter(([key]) => key !== k)))
      : fc.constant({}),
    keys.length ? fc.tuple(fc.constantFrom(...keys), junk).map(([k, v]) => ({ ...sample, [k]: v })) : junk,
    fc
      .tuple(fc.oneof(fc.string({ maxLength: 12 }), prototypeName), junk)
      .map(([k, v]) => ({ ...sample, [k]: v })),
  );
}

const typeArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...EXTERNAL_EVENT_TYPES) },
  { weight: 1, arbitrary: prototypeName },
  { weight: 1, arbitrary: fc.constantFrom('CLOCK', 'CREATED', 'sign', 'SIGN ', '') },
  { weight: 1, arbitrary: fc.constantFrom(...EXTERNAL_EVENT_TYPES).map((t) => [t]) },
  { weight: 1, arbitrary: junk },
);

const actorArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant(OPERATOR) },
  { weight: 3, arbitrary: fc.constantFrom(...parties).map((partyId) => ({ kind: 'party', partyId })) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom('etat', 'police', 'association', 'gendarmerie', 'epci')
      .map((role) => ({ kind: 'party-role', role })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'system' }) },
  {
    weight: 2,
    arbitrary: fc.record(
      {
        kind: fc.oneof(
          fc.constantFrom('party', 'operator', 'party-role', 'admin'),
          fc.string({ maxLength: 8 }),
        ),
        partyId: fc.oneof(fc.constantFrom(...parties), prototypeName, fc.string({ maxLength: 12 })),
        role: fc.oneof(fc.string({ maxLength: 12 }), prototypeName),
        client: junk,
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: junk },
);

const keyArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9._:-]{8,40}$/) },
  { weight: 1, arbitrary: prototypeName },
  { weight: 1, arbitrary: fc.constant(KNOWN_KEY) },
  { weight: 1, arbitrary: junk },
);

const requestArb = fc.oneof(
  {
    weight: 12,
    arbitrary: typeArb.chain((type) =>
      fc.record(
        { type: fc.constant(type), payload: payloadFor(type), actor: actorArb, idempotencyKey: keyArb },
        { requiredKeys: ['type'] },
      ),
    ),
  },
  { weight: 1, arbitrary: junk },
);

// ── Set-up ────────────────────────────────────────────────────────────────────────────────────

beforeAll(async () => {
  stack = await startDevStack();
  for (const phase of ['drafting', 'recruitment', 'signature', 'active'] as const)
    live[phase] = await createLive(phase);
  for (const convention of Object.values(live)) await refresh(convention);
  expect(live.active.state!.phase).toBe('active');
  dueItem = live.active.state!.ledger.find((l) => l.kind === 'salary' && l.dueDate <= today())!.id;
});
afterAll(async () => {
  await stack?.teardown();
});

// ── Properties ────────────────────────────────────────────────────────────────────────────────

test('applyEvent: any request the rules refuse is refused with their code and changes nothing', async () => {
  const refused: Record<string, number> = {};
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...(Object.keys(live) as (keyof typeof live)[])),
      requestArb,
      async (phase, request) => {
        const convention = live[phase];
        const expected = expectedAnswer(convention, request);
        fc.pre(expected !== 'applies');
        const answer = await update(convention.conventionId, 'applyEvent', [request]);
        const after = await stack.env.client.workflow.getHandle(convention.conventionId).query(getStateQuery);
        expect(observable(after)).toEqual(observable(convention.state!));
        if (expected === 'replays') {
          expect(answer).toMatchObject({ kind: 'accepted', value: { replayed: true } });
          return;
        }
        if (answer.kind !== 'refusal')
          throw new Error(`pas un refus: ${JSON.stringify(answer)} pour ${JSON.stringify(request)}`);
        expect({
          code: answer.code,
          ...(expected.field !== undefined ? { field: answer.field } : {}),
        }).toEqual(expected);
        refused[answer.code] = (refused[answer.code] ?? 0) + 1;
      },
    ),
    { numRuns: RUNS, maxSkipsPerRun: 1000 },
  );
  console.log(`applyEvent: ${RUNS} requêtes refusées, par code: ${JSON.stringify(refused)}`);
  for (const code of REFUSAL_CODES) expect(refused[code]).toBeGreaterThan(0);
});

test('an Idempotency-Key spelled like an inherited property is a key like any other', async () => {
  const convention = live.drafting;
  for (const key of PROTOTYPE_NAMES.filter((k) => IDEMPOTENCY_KEY_PATTERN.test(k))) {
    const request = {
      type: 'AMEND',
      payload: { patch: { jobDescriptionRef: `FP-${key.replace(/_/g, '')}` } },
      actor: OPERATOR,
      idempotencyKey: key,
    };
    const first = await update(convention.conventionId, 'applyEvent', [request]);
    expect({ key, answer: first.kind }).toEqual({ key, answer: 'accepted' });
    const again = await update(convention.conventionId, 'applyEvent', [request]);
    expect({ key, replayed: (again as { value?: { replayed?: boolean } }).value?.replayed }).toEqual({
      key,
      replayed: true,
    });
    convention.steps.push({ type: 'AMEND', payload: request.payload, actor: OPERATOR });
  }
  await refresh(convention);
});

test('the same through the API: `Idempotency-Key: constructor` acts once, then replays', async () => {
  const api = await startApi(stack.conventions, { keys: [{ id: 'operator', actsAs: { kind: 'operator' } }] });
  try {
    const created = await api.call('POST', '/conventions', {
      body: { slug: `fuzz-api-key-${run}`, data: completeConventionData() },
    });
    expect(created.status).toBe(201);
    const call = () =>
      api.call('POST', `/conventions/${created.body.conventionId}/events/amend`, {
        body: { patch: { jobDescriptionRef: 'FP-API-CONSTRUCTOR' } },
        headers: { 'idempotency-key': 'constructor' },
      });
    const first = await call();
    expect({ status: first.status, body: first.body }).toMatchObject({
      status: 200,
      body: { replayed: false },
    });
    expect((await call()).body).toMatchObject({ replayed: true });
  } finally {
    await api.close();
  }
});

const webhookRequest = fc.oneof(
  fc.record(
    {
      id: fc.oneof(fc.stringMatching(/^wh-[0-9a-f]{16}$/), junk),
      url: fc.oneof(
        fc.constant('https://receiver.example.org/iscg'),
        fc.webUrl(),
        fc.constant(['https://x.example']),
        junk,
      ),
      secret: fc.oneof(
        fc.string({ minLength: 16, maxLength: 40 }),
        fc.string({ maxLength: 15 }),
        fc.integer(),
        junk,
      ),
      client: fc.oneof(fc.constant(null), fc.string({ maxLength: 20 }), junk),
    },
    { requiredKeys: [] },
  ),
  junk,
);

/** A subscription the product is entitled to store: anything else must be refused. */
function wellFormedSubscription(request: unknown): boolean {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) return false;
  const r = request as Record<string, unknown>;
  return (
    typeof r.id === 'string' &&
    /^wh-[0-9a-f]{16}$/.test(r.id) &&
    typeof r.url === 'string' &&
    /^https?:\/\/[^\s]+$/.test(r.url) &&
    typeof r.secret === 'string' &&
    r.secret.length >= 16 &&
    (r.client === null || r.client === undefined || typeof r.client === 'string')
  );
}

test('subscribeWebhook: junk subscriptions are refused and stored nowhere', async () => {
  const convention = live.recruitment;
  await fc.assert(
    fc.asyncProperty(webhookRequest, async (request) => {
      fc.pre(!wellFormedSubscription(request));
      const answer = await update(convention.conventionId, 'subscribeWebhook', [request]);
      const after = await stack.env.client.workflow.getHandle(convention.conventionId).query(getStateQuery);
      expect(observable(after)).toEqual(observable(convention.state!));
      if (answer.kind !== 'refusal' || !REFUSAL_CODES.includes(answer.code))
        throw new Error(`pas un refus: ${JSON.stringify(answer)} pour ${JSON.stringify(request)}`);
    }),
    {
      numRuns: Math.ceil(RUNS / 6),
      endOnFailure: true,
      // Found by a random run: an id of another form than the API's was once stored.
      examples: [
        [
          {
            id: 'g0kXZsFg',
            url: 'https://receiver.example.org/iscg',
            secret: '{llo2$C6__defineSet',
            client: null,
          },
        ],
      ],
    },
  );
});

test('unsubscribeWebhook: junk is answered, never a failed workflow task', async () => {
  const convention = live.signature;
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.record({ id: junk }, { requiredKeys: [] }), junk), async (request) => {
      const answer = await update(convention.conventionId, 'unsubscribeWebhook', [request]);
      const after = await stack.env.client.workflow.getHandle(convention.conventionId).query(getStateQuery);
      expect(observable(after)).toEqual(observable(convention.state!));
      const harmless =
        (answer.kind === 'accepted' && (answer.value as { removed?: boolean }).removed === false) ||
        (answer.kind === 'refusal' && REFUSAL_CODES.includes(answer.code));
      if (!harmless)
        throw new Error(`réponse inattendue: ${JSON.stringify(answer)} pour ${JSON.stringify(request)}`);
    }),
    { numRuns: Math.ceil(RUNS / 12), endOnFailure: true },
  );
});

test('the worker still polls and no workflow task failed', async () => {
  expect(stack.worker.getState()).toBe('RUNNING');
  const failed: string[] = [];
  for (const convention of Object.values(live)) {
    const history = await stack.env.client.workflow.getHandle(convention.conventionId).fetchHistory();
    for (const event of history.events ?? [])
      if (event.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)
        failed.push(
          `${convention.conventionId}: ${event.workflowTaskFailedEventAttributes?.failure?.message ?? ''}`,
        );
  }
  expect(failed).toEqual([]);
  // And every convention still answers, and still takes a valid act.
  for (const convention of Object.values(live)) await refresh(convention);
  const answer = await update(live.drafting.conventionId, 'applyEvent', [
    { type: 'AMEND', payload: { patch: { jobDescriptionRef: 'FP-FUZZ-FIN' } }, actor: OPERATOR },
  ]);
  expect(answer.kind).toBe('accepted');
});
