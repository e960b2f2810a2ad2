import fc from 'fast-check';
import { addDays, localDate, type CivilDate } from '../../../domain/calendar/dates';
import { signatoryPartyIds } from '../../../domain/convention/completeness';
import { decide, persist, tick, type ConventionSnapshot } from '../../../domain/lifecycle/decide';
import type { Actor, ExternalEvent, ExternalEventType } from '../../../domain/lifecycle/events';
import { phaseOf } from '../../../domain/lifecycle/phase';
import { termEndDate } from '../../../domain/calendar/dates';
import { isSettled } from '../../../domain/lifecycle/term';
import { Driver } from '../../support/driver';
import { conventionCreate } from '../../support/fixtures';

const PARTIES = ['etat', 'police', 'cd59', 'commune-lille', 'association', 'procureur', 'inconnu'];
const actorArb: fc.Arbitrary<Actor> = fc.oneof(
  fc.constant<Actor>({ kind: 'operator' }),
  fc.constantFrom(...PARTIES).map<Actor>((partyId) => ({ kind: 'party', partyId })),
  fc.constantFrom('etat', 'association', 'commune').map<Actor>((role) => ({ kind: 'party-role', role })),
);

/** Events with plausible payloads (dates around "today", ids from the fixture) and some junk. */
/** Dates are drawn as offsets from "today" and resolved when the step runs. */
const OFFSET = 'today+';
function resolveDates(value: unknown, today: CivilDate): unknown {
  if (typeof value === 'string' && value.startsWith(OFFSET))
    return addDays(today, Number(value.slice(OFFSET.length)));
  if (Array.isArray(value)) return value.map((v) => resolveDates(v, today));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveDates(v, today)]));
  return value;
}

function eventArb(): fc.Arbitrary<{ type: ExternalEventType; payload: unknown; actor: Actor }> {
  const near = fc.integer({ min: -40, max: 40 }).map((n) => `${OFFSET}${n}`);
  const partyId = fc.constantFrom(...PARTIES);
  const itemId = fc
    .tuple(
      fc.integer({ min: 2027, max: 2030 }),
      fc.integer({ min: 1, max: 12 }),
      fc.constantFrom('salaire', 'etat', 'cd59'),
    )
    .map(([y, m, kind]) =>
      kind === 'salaire'
        ? `t1-salaire-${y}-${String(m).padStart(2, '0')}`
        : `t1-${kind}-annee-${(m % 3) + 1}`,
    );
  const payloads: fc.Arbitrary<{ type: ExternalEventType; payload: unknown }>[] = [
    fc.record({ type: fc.constant('SUBMIT_DRAFT' as const), payload: fc.constant({}) }),
    fc.record({
      type: fc.constant('AMEND' as const),
      payload: fc.oneof(
        fc.record({ patch: fc.record({ jobDescriptionRef: fc.string({ maxLength: 5 }) }) }),
        fc.record({
          patch: fc.record({ financing: fc.record({ salaryPaymentDay: fc.integer({ min: -2, max: 40 }) }) }),
        }),
      ),
    }),
    fc.record({
      type: fc.constant('COMPOSE_SELECTION_COMMITTEE' as const),
      payload: fc.record({
        members: fc.array(
          fc.record({
            partyId,
            authority: fc.constantFrom('hierarchique', 'fonctionnelle', 'autre'),
            title: fc.constant('membre'),
          }),
          { minLength: 1, maxLength: 3 },
        ),
      }),
    }),
    fc.record({
      type: fc.constant('RECORD_APPLICATIONS' as const),
      payload: fc.record({ count: fc.integer({ min: 0, max: 4 }), references: fc.constant(['C-1']) }),
    }),
    fc.record({
      type: fc.constant('RECORD_RECRUITMENT_DECISION' as const),
      payload: fc.oneof(
        fc.constant({ outcome: 'selected', candidateRef: 'C-1' }),
        fc.constant({ outcome: 'no_suitable_candidate' }),
      ),
    }),
    fc.record({
      type: fc.constant('SIGN' as const),
      payload: fc.record({
        partyId,
        signerName: fc.constant('S'),
        signerTitle: fc.constant('T'),
        signedOn: near,
      }),
    }),
    fc.record({ type: fc.constant('REOPEN_DRAFTING' as const), payload: fc.constant({ reason: 'autre' }) }),
    fc.record({
      type: fc.constant('RECORD_PAYMENT' as const),
      payload: fc.record({
        itemId,
        paidOn: near,
        amountEur: fc.option(fc.constantFrom(5000, 20000, 99999), { nil: undefined }),
      }),
    }),
    fc.record({
      type: fc.constant('RECORD_NON_PAYMENT' as const),
      payload: fc.record({ itemId, notedOn: near }),
    }),
    fc.record({
      type: fc.constant('WRITE_OFF' as const),
      payload: fc.record({
        itemId,
        reason: fc.constantFrom('remise-gracieuse', 'creance-irrecouvrable', 'perdue'),
        decidedOn: near,
      }),
    }),
    fc.record({
      type: fc.constant('SUBMIT_ACTIVITY_REPORT' as const),
      payload: fc.record({
        termYear: fc.integer({ min: 0, max: 4 }),
        submittedOn: near,
        documentRef: fc.constant('B-1'),
        statistics: fc.constant({ recus: 3 }),
      }),
    }),
    fc.record({
      type: fc.constant('SCHEDULE_COMMITTEE' as const),
      payload: fc.record({ termYear: fc.integer({ min: 1, max: 3 }), meetingDate: near }),
    }),
    fc.record({
      type: fc.constant('RECORD_COMMITTEE_REVIEW' as const),
      payload: fc.record({ termYear: fc.integer({ min: 1, max: 3 }), heldOn: near }),
    }),
    fc.record({ type: fc.constant('DECLARE_VACANCY' as const), payload: fc.record({ vacantFrom: near }) }),
    fc.record({
      type: fc.constant('RECORD_RENEWAL_DECISION' as const),
      payload: fc.record({ decision: fc.constantFrom('renew', 'not_renew'), decidedOn: near }),
    }),
    fc.record({
      type: fc.constant('DENOUNCE' as const),
      payload: fc.record({ partyId, letterSentOn: near, letterReference: fc.constant('1A-2') }),
    }),
    fc.record({ type: fc.constant('ABANDON' as const), payload: fc.constant({ reason: 'autre' }) }),
    fc.record({
      type: fc.constantFrom(...(['SIGN', 'RECORD_PAYMENT', 'AMEND', 'DENOUNCE'] as ExternalEventType[])),
      payload: fc.anything(),
    }),
  ];
  return fc.tuple(fc.oneof(...payloads), actorArb).map(([event, actor]) => ({ ...event, actor }));
}

type Step =
  | { kind: 'event'; event: { type: ExternalEventType; payload: unknown; actor: Actor } }
  | { kind: 'wait'; days: number }
  | { kind: 'progress'; choice: boolean };

/** The next act a diligent operator would record: keeps random walks moving through every phase. */
function progress(driver: Driver, choice: boolean): void {
  const today = localDate(driver.now, '59');
  const firstUnsigned = signatoryPartyIds(driver.context.data).find((id) => !driver.context.signatures[id]);
  switch (driver.phase) {
    case 'drafting':
      driver.attempt('SUBMIT_DRAFT', {});
      return;
    case 'recruitment':
      if (!driver.context.recruitment.committee)
        driver.attempt('COMPOSE_SELECTION_COMMITTEE', {
          members: [
            { partyId: 'association', authority: 'hierarchique', title: 'd' },
            { partyId: 'police', authority: 'fonctionnelle', title: 'c' },
          ],
        });
      else if (!driver.context.recruitment.applications)
        driver.attempt('RECORD_APPLICATIONS', { count: 1, references: ['C-1'] });
      else
        driver.attempt(
          'RECORD_RECRUITMENT_DECISION',
          choice ? { outcome: 'selected', candidateRef: 'C-1' } : { outcome: 'no_suitable_candidate' },
        );
      return;
    case 'signature':
      if (firstUnsigned)
        driver.attempt(
          'SIGN',
          { partyId: firstUnsigned, signerName: 'S', signerTitle: 'T', signedOn: today },
          { kind: 'operator' },
        );
      return;
    case 'active':
    case 'renewal': {
      const due = driver.context.ledger.find((i) => !isSettled(i) && !i.nonPayment && i.dueDate < today);
      if (choice && due)
        driver.attempt('RECORD_NON_PAYMENT', { itemId: due.id, notedOn: today }, { kind: 'operator' });
      else driver.goTo(addDays(today, 200));
      return;
    }
    case 'settling': {
      // The back office settles what is left: a payment, or a write-off.
      const open = driver.context.ledger.find((i) => !isSettled(i));
      if (!open) return;
      if (choice)
        driver.attempt(
          'RECORD_PAYMENT',
          {
            itemId: open.id,
            paidOn: today,
            ...(open.kind === 'salary' ? {} : { amountEur: open.plannedAmountEur }),
          },
          { kind: 'operator' },
        );
      else
        driver.attempt(
          'WRITE_OFF',
          { itemId: open.id, reason: 'creance-irrecouvrable', decidedOn: today },
          { kind: 'operator' },
        );
      return;
    }
    default:
      driver.goTo(addDays(today, 30));
  }
}

const phasesSeen = new Set<string>();

function checkInvariants(snapshot: ConventionSnapshot): void {
  const context = snapshot.context;
  const phase = phaseOf(snapshot);
  phasesSeen.add(phase);
  expect(['settling', 'terminated'].includes(phase)).toBe(context.termination !== null);
  // An ended convention with a line still owed is settling, and closes when the last is settled.
  const open = context.ledger.filter((i) => !isSettled(i));
  if (phase === 'settling') {
    expect(open.length).toBeGreaterThan(0);
    expect(context.termination!.closedOn).toBeNull();
  }
  if (phase === 'terminated') {
    expect(open).toEqual([]);
    expect(context.termination!.closedOn).not.toBeNull();
  }
  if (['active', 'suspended', 'renewal'].includes(phase)) {
    expect(context.term).not.toBeNull();
    expect(context.term!.endDate).toBe(termEndDate(context.term!.startDate));
    const outstanding = context.ledger.some((i) => i.nonPayment && !isSettled(i));
    expect(phase === 'suspended').toBe(outstanding);
  }
  const signatories = signatoryPartyIds(context.data);
  for (const partyId of Object.keys(context.signatures)) expect(signatories).toContain(partyId);
  const ids = context.ledger.map((i) => i.id);
  expect(new Set(ids).size).toBe(ids.length);
  const overpaid = context.ledger.filter(
    (item) =>
      item.kind !== 'salary' &&
      item.payments.reduce((sum, p) => sum + (p.amountEur ?? 0), 0) > (item.plannedAmountEur ?? 0) + 0.01,
  );
  expect(overpaid).toEqual([]);
  expect(JSON.parse(JSON.stringify(persist(snapshot)))).toEqual(persist(snapshot));
}

test('no sequence of events reaches an inconsistent state, and every refusal leaves the state unchanged', () => {
  let driver: Driver;
  const today = () => localDate(driver.now, '59');
  const stepArb: fc.Arbitrary<Step> = fc.oneof(
    { weight: 5, arbitrary: eventArb().map((event) => ({ kind: 'event' as const, event })) },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 1, max: 200 }).map((days) => ({ kind: 'wait' as const, days })),
    },
    { weight: 4, arbitrary: fc.boolean().map((choice) => ({ kind: 'progress' as const, choice })) },
  );
  fc.assert(
    fc.property(
      fc.array(stepArb, { minLength: 20, maxLength: 80, size: 'max' }),
      fc.boolean(),
      (steps, startFromActive) => {
        // A start date far enough ahead that signatures usually come before it.
        driver = new Driver(
          conventionCreate('prop', { startDate: startFromActive ? '2027-03-01' : '2028-06-01' }),
          '2026-12-01',
        );
        if (startFromActive) {
          driver.send('SUBMIT_DRAFT', {});
          driver
            .send('COMPOSE_SELECTION_COMMITTEE', {
              members: [
                { partyId: 'association', authority: 'hierarchique', title: 'd' },
                { partyId: 'police', authority: 'fonctionnelle', title: 'c' },
              ],
            })
            .send('RECORD_APPLICATIONS', { count: 1, references: ['C-1'] })
            .send('RECORD_RECRUITMENT_DECISION', { outcome: 'selected', candidateRef: 'C-1' });
          driver.goTo('2027-01-11');
          for (const partyId of signatoryPartyIds(driver.context.data))
            driver.send(
              'SIGN',
              { partyId, signerName: 'S', signerTitle: 'T', signedOn: '2027-01-11' },
              { kind: 'party', partyId },
            );
          driver.goTo('2027-03-01');
        }
        for (const step of steps) {
          if (step.kind === 'progress') {
            progress(driver, step.choice);
            checkInvariants(driver.snapshot);
            continue;
          }
          if (step.kind === 'wait') {
            driver.goTo(addDays(today(), step.days));
            checkInvariants(driver.snapshot);
            continue;
          }
          driver.snapshot = tick(driver.snapshot, driver.now).snapshot;
          const before = JSON.stringify(persist(driver.snapshot));
          const payload = resolveDates(step.event.payload, today());
          const decision = decide(driver.snapshot, {
            ...step.event,
            payload,
            at: driver.now,
          } as ExternalEvent);
          if (decision.ok) {
            // The act's own entry; an act that sets off a transition at once (the last signature on or
            // after the start date: the term opens) records that one too, as the same act, at the same instant.
            const added = decision.snapshot.context.history.slice(driver.snapshot.context.history.length);
            expect(added.length).toBeGreaterThanOrEqual(1);
            expect(
              added.filter((entry) => entry.event !== step.event.type || entry.at !== driver.now),
            ).toEqual([]);
            driver.snapshot = decision.snapshot;
          } else {
            expect(['invalid', 'forbidden', 'refused', 'conflict']).toContain(decision.refusal.code);
            expect(decision.refusal.message.length).toBeGreaterThan(0);
            expect(JSON.stringify(persist(driver.snapshot))).toBe(before);
          }
          checkInvariants(driver.snapshot);
        }
      },
    ),
    { numRuns: 100 },
  );
  // The generator must reach every phase, or the property says little.
  expect([...phasesSeen].sort()).toEqual(
    [
      'active',
      'awaiting_start',
      'drafting',
      'recruitment',
      'renewal',
      'settling',
      'signature',
      'suspended',
      'terminated',
    ].sort(),
  );
});
