import { randomUUID } from 'node:crypto';
import { addDays, addMonths, localDate } from '../../domain/calendar/dates';
import type { ExternalEventType } from '../../domain/lifecycle/events';
import { EXTERNAL_EVENT_TYPES, eventSlug } from '../../domain/lifecycle/events';
import { completeConventionData } from '../support/fixtures';
import {
  startApi,
  startDevStack,
  type DevStack,
  type KeySpec,
  type RunningApi,
} from '../support/api-harness';

/**
 * Every key kind × every event, over HTTP. Each event is sent in a phase that accepts it, with a
 * payload that passes its schema but breaks a rule checked after the sender's rights: an allowed
 * sender gets that rule's refusal (422/409, never `forbidden`), a sender without the right gets
 * 403 `forbidden`, and nothing changes. The two acts with no rule to break (ABANDON, REOPEN_DRAFTING)
 * are applied for real by the operator, last.
 */

let stack: DevStack;
let api: RunningApi;

const run = randomUUID().slice(0, 6);
const ids = {
  drafting: `convention-59-authz-draft-${run}`,
  recruitment: `convention-59-authz-recruit-${run}`,
  signature: `convention-59-authz-sign-${run}`,
  active: `convention-59-authz-active-${run}`,
};

/** Parties of the fixture: who holds which role (association is also employer and hierarchical authority). */
const PARTY_OF_ROLE = {
  etat: 'etat',
  police: 'police',
  'conseil-departemental': 'cd59',
  commune: 'commune-lille',
  association: 'association',
  procureur: 'procureur',
} as const;
type HeldRole = keyof typeof PARTY_OF_ROLE;

const KEYS: KeySpec[] = [
  { id: 'operator', actsAs: { kind: 'operator' } },
  ...Object.keys(PARTY_OF_ROLE).map((role) => ({
    id: `role-${role}`,
    actsAs: { kind: 'party-role' as const, role: role as HeldRole, departements: ['59' as const] },
  })),
  // A role the conventions do not hold: every act is refused.
  { id: 'role-gendarmerie', actsAs: { kind: 'party-role', role: 'gendarmerie', departements: ['59'] } },
  // The employer bound by party id to these very conventions.
  {
    id: 'party-association',
    actsAs: { kind: 'party', partyId: 'association', conventions: Object.values(ids) },
  },
];

/** The party a key acts as (null: the operator, or no party). */
function partyOfKey(keyId: string): string | null {
  if (keyId === 'party-association') return 'association';
  const role = keyId.replace(/^role-/, '') as HeldRole;
  return PARTY_OF_ROLE[role] ?? null;
}

const today = () => localDate(Date.now(), '59');
const startDate = () => addMonths(today(), -1);

interface Case {
  label: string;
  event: ExternalEventType;
  convention: keyof typeof ids;
  /** Payload for a given sender's party (the acts a party performs for itself name it). */
  payload: (party: string | null) => unknown;
  /** Parties entitled to the act (the operator always is). */
  allowed: readonly string[] | 'own-party';
}

const ALL_PARTIES = Object.values(PARTY_OF_ROLE);

function cases(itemId: string): Case[] {
  const future = addDays(today(), 5);
  return [
    {
      label: 'AMEND another party’s terms',
      event: 'AMEND',
      convention: 'drafting',
      payload: () => ({ patch: { jobDescriptionRef: '' } }),
      allowed: ['etat'],
    },
    {
      label: 'AMEND its own contacts',
      event: 'AMEND',
      convention: 'drafting',
      payload: (party) => ({
        patch: { parties: { [party ?? 'etat']: { contacts: [{ email: 'pas-une-adresse' }] } } },
      }),
      allowed: ALL_PARTIES,
    },
    {
      label: 'SUBMIT_DRAFT',
      event: 'SUBMIT_DRAFT',
      convention: 'drafting',
      payload: () => ({}),
      allowed: ['etat'],
    },
    {
      label: 'COMPOSE_SELECTION_COMMITTEE',
      event: 'COMPOSE_SELECTION_COMMITTEE',
      convention: 'recruitment',
      payload: () => ({ members: [{ partyId: 'inconnu', authority: 'autre', title: 'membre' }] }),
      allowed: ['association', 'police'],
    },
    {
      label: 'RECORD_APPLICATIONS',
      event: 'RECORD_APPLICATIONS',
      convention: 'recruitment',
      payload: () => ({ count: 2, references: ['CAND-1', 'CAND-2'] }),
      allowed: ['association', 'police'],
    },
    {
      label: 'RECORD_RECRUITMENT_DECISION',
      event: 'RECORD_RECRUITMENT_DECISION',
      convention: 'recruitment',
      payload: () => ({ outcome: 'no_suitable_candidate' }),
      allowed: ['association', 'police'],
    },
    {
      label: 'SIGN for itself',
      event: 'SIGN',
      convention: 'signature',
      payload: (party) => ({
        partyId: party ?? 'etat',
        signerName: 'Signataire',
        signerTitle: 'Représentant',
        signedOn: future,
      }),
      allowed: 'own-party',
    },
    {
      label: 'SIGN for another party',
      event: 'SIGN',
      convention: 'signature',
      payload: (party) => ({
        partyId: party === 'etat' ? 'police' : 'etat',
        signerName: 'Signataire',
        signerTitle: 'Représentant',
        signedOn: future,
      }),
      allowed: [],
    },
    {
      label: 'RECORD_PAYMENT of the State’s participation',
      event: 'RECORD_PAYMENT',
      convention: 'active',
      payload: () => ({ itemId, paidOn: future, amountEur: 100 }),
      allowed: ['etat', 'association'],
    },
    {
      label: 'RECORD_NON_PAYMENT',
      event: 'RECORD_NON_PAYMENT',
      convention: 'active',
      payload: () => ({ itemId, notedOn: today() }),
      allowed: ['etat', 'association'],
    },
    {
      label: 'WRITE_OFF',
      event: 'WRITE_OFF',
      convention: 'active',
      payload: () => ({ itemId, reason: 'creance-irrecouvrable', decidedOn: future }),
      allowed: [],
    },
    {
      label: 'SUBMIT_ACTIVITY_REPORT',
      event: 'SUBMIT_ACTIVITY_REPORT',
      convention: 'active',
      payload: () => ({ termYear: 1, submittedOn: future, documentRef: 'BILAN-1', statistics: {} }),
      allowed: ['association'],
    },
    {
      label: 'SCHEDULE_COMMITTEE',
      event: 'SCHEDULE_COMMITTEE',
      convention: 'active',
      payload: () => ({ termYear: 1, meetingDate: addDays(today(), -1) }),
      allowed: ['etat'],
    },
    {
      label: 'RECORD_COMMITTEE_REVIEW',
      event: 'RECORD_COMMITTEE_REVIEW',
      convention: 'active',
      payload: () => ({ termYear: 1, heldOn: today() }),
      allowed: ['etat'],
    },
    {
      label: 'DECLARE_VACANCY',
      event: 'DECLARE_VACANCY',
      convention: 'active',
      payload: () => ({ vacantFrom: addDays(startDate(), -10) }),
      allowed: ['association'],
    },
    {
      label: 'RECORD_RENEWAL_DECISION',
      event: 'RECORD_RENEWAL_DECISION',
      convention: 'active',
      payload: () => ({ decision: 'renew', decidedOn: future }),
      allowed: ['etat'],
    },
    {
      label: 'DENOUNCE for itself',
      event: 'DENOUNCE',
      convention: 'active',
      payload: (party) => ({ partyId: party ?? 'etat', letterSentOn: future, letterReference: 'RAR-1' }),
      allowed: 'own-party',
    },
    {
      label: 'DENOUNCE for another party',
      event: 'DENOUNCE',
      convention: 'active',
      payload: (party) => ({
        partyId: party === 'etat' ? 'police' : 'etat',
        letterSentOn: future,
        letterReference: 'RAR-1',
      }),
      allowed: [],
    },
    {
      label: 'ABANDON',
      event: 'ABANDON',
      convention: 'drafting',
      payload: () => ({ reason: 'projet-remplace' }),
      allowed: [],
    },
    {
      label: 'REOPEN_DRAFTING',
      event: 'REOPEN_DRAFTING',
      convention: 'signature',
      payload: () => ({ reason: 'changement-de-financement' }),
      allowed: [],
    },
  ];
}

/** Acts that succeed when allowed: the operator's attempt is made last, for real. */
const APPLIED_BY_OPERATOR = new Set<ExternalEventType>(['ABANDON', 'REOPEN_DRAFTING']);

async function send(keyId: string, conventionId: string, event: ExternalEventType, payload: unknown) {
  return api.call('POST', `/conventions/${conventionId}/events/${eventSlug(event)}`, {
    as: keyId,
    body: payload,
  });
}

async function ok(keyId: string, conventionId: string, event: ExternalEventType, payload: unknown) {
  const response = await send(keyId, conventionId, event, payload);
  if (response.status !== 200)
    throw new Error(`${event}: ${response.status} ${JSON.stringify(response.body)}`);
}

let itemId = '';

beforeAll(async () => {
  stack = await startDevStack();
  api = await startApi(stack.conventions, { keys: KEYS, rateLimit: { max: 10_000, perSeconds: 60 } });
  const data = completeConventionData({ startDate: startDate() });
  const slugOf = (id: string) => id.replace(/^convention-59-/, '');
  for (const id of Object.values(ids)) {
    const response = await api.call('POST', '/conventions', {
      as: 'operator',
      body: { slug: slugOf(id), data: id === ids.drafting ? { ...data, equipment: undefined } : data },
    });
    expect(response.status).toBe(201);
  }
  for (const id of [ids.recruitment, ids.signature, ids.active]) await ok('operator', id, 'SUBMIT_DRAFT', {});
  for (const id of [ids.signature, ids.active]) {
    await ok('operator', id, 'COMPOSE_SELECTION_COMMITTEE', {
      members: [
        { partyId: 'association', authority: 'hierarchique', title: 'directrice' },
        { partyId: 'police', authority: 'fonctionnelle', title: 'chef de service' },
      ],
    });
    await ok('operator', id, 'RECORD_APPLICATIONS', { count: 1, references: ['CAND-1'] });
    await ok('operator', id, 'RECORD_RECRUITMENT_DECISION', { outcome: 'selected', candidateRef: 'CAND-1' });
  }
  for (const partyId of ALL_PARTIES)
    await ok('operator', ids.active, 'SIGN', {
      partyId,
      signerName: `Signataire ${partyId}`,
      signerTitle: 'Représentant',
      signedOn: today(),
    });
  const active = (await api.call('GET', `/conventions/${ids.active}`, { as: 'operator' })).body;
  expect(active.phase).toBe('active');
  itemId = active.ledger.find(
    (l: { kind: string; payerPartyId: string }) => l.kind === 'state-participation',
  ).id;
});
afterAll(async () => {
  await api?.close();
  await stack?.teardown();
});

test('the matrix covers every event of the lifecycle', () => {
  expect(new Set(cases('x').map((c) => c.event))).toEqual(new Set(EXTERNAL_EVENT_TYPES));
});

describe.each(cases('placeholder').map((c) => [c.label, c.label]))('%s', (label) => {
  test('allowed senders meet the rule, the others are forbidden, nothing changes', async () => {
    const spec = cases(itemId).find((c) => c.label === label)!;
    const conventionId = ids[spec.convention];
    const before = (await api.call('GET', `/conventions/${conventionId}`, { as: 'operator' })).body;
    const outcomes: Record<string, string> = {};
    const expected: Record<string, string> = {};
    for (const key of KEYS) {
      if (key.id === 'operator' && APPLIED_BY_OPERATOR.has(spec.event)) continue;
      const party = partyOfKey(key.id);
      const entitled =
        key.id === 'operator' ||
        (party !== null && (spec.allowed === 'own-party' ? true : spec.allowed.includes(party)));
      const response = await send(key.id, conventionId, spec.event, spec.payload(party));
      outcomes[key.id] =
        response.status === 403
          ? 'forbidden'
          : `${response.status >= 400 && response.status < 500 ? 'rule' : response.status}`;
      expected[key.id] = entitled ? 'rule' : 'forbidden';
      if (response.status === 403) expect(response.body.code).toBe('forbidden');
      else expect(response.body.code).not.toBe('forbidden');
    }
    expect(outcomes).toEqual(expected);
    const after = (await api.call('GET', `/conventions/${conventionId}`, { as: 'operator' })).body;
    expect(after.history).toEqual(before.history);
    expect(after.phase).toBe(before.phase);
    if (APPLIED_BY_OPERATOR.has(spec.event)) {
      const applied = await send('operator', conventionId, spec.event, spec.payload(null));
      expect(applied.status).toBe(200);
    }
  });
});

test('another département’s keys reach none of these conventions', async () => {
  const outsider = await startApi(stack.conventions, {
    keys: [
      { id: 'prefecture-62', actsAs: { kind: 'party-role', role: 'etat', departements: ['62'] } },
      { id: 'operator-62', actsAs: { kind: 'operator', departements: ['62', '2A'] } },
    ],
  });
  try {
    for (const as of ['prefecture-62', 'operator-62'])
      for (const id of Object.values(ids)) {
        expect((await outsider.call('GET', `/conventions/${id}`, { as })).status).toBe(403);
        expect(
          (await outsider.call('POST', `/conventions/${id}/events/amend`, { as, body: { patch: {} } }))
            .status,
        ).toBe(403);
        expect(
          (
            await outsider.call('POST', `/conventions/${id}/webhooks`, {
              as,
              body: { url: 'http://127.0.0.1:9/' },
            })
          ).status,
        ).toBe(403);
      }
  } finally {
    await outsider.close();
  }
});
