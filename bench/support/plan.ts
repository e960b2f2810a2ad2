import { businessDayOnOrAfter } from '../../domain/calendar/business-days';
import { addDays, localDate, type CivilDate } from '../../domain/calendar/dates';
import { signatoryPartyIds } from '../../domain/convention/completeness';
import type { ConventionCreate } from '../../domain/convention/schema';
import { eventSlug, type Actor, type ExternalEventType } from '../../domain/lifecycle/events';
import { persist } from '../../domain/lifecycle/decide';
import { firstCarriedState } from '../../domain/runtime/convention-runtime';
import type { CarriedState, EventRequest } from '../../domain/temporal-contract';
import { completeConventionData } from '../../test/support/fixtures';
import { Driver } from '../../test/support/driver';

/**
 * The transitions a convention goes through, planned ahead on the pure machine (which checks
 * each one is accepted): what a partner system replaying its backlog would send, in order.
 */
export interface Step {
  type: ExternalEventType;
  /** `POST /conventions/{id}/events/<route>` */
  route: string;
  payload: Record<string, unknown>;
}

/** The API's actor for an operator key with this id: direct sends use the same, so requests are equal. */
export const BENCH_KEY_ID = 'bench-operator';
export const BENCH_ACTOR: Actor = { kind: 'operator', client: BENCH_KEY_ID };

export function benchCreate(slug: string, startDate: CivilDate): ConventionCreate {
  return { slug, data: completeConventionData({ startDate }) };
}

/** Today in the Nord, where the benchmark conventions are. */
export function todayInNord(now = Date.now()): CivilDate {
  return localDate(now, '59');
}

const step = (type: ExternalEventType, payload: Record<string, unknown>): Step => ({
  type,
  route: eventSlug(type),
  payload,
});

/** Drafting to in force: submission, recruitment committee, every signature (starting today). */
export function activationSteps(create: ConventionCreate, today: CivilDate): Step[] {
  return [
    step('SUBMIT_DRAFT', {}),
    step('COMPOSE_SELECTION_COMMITTEE', {
      members: [
        { partyId: 'association', authority: 'hierarchique', title: 'directrice' },
        { partyId: 'police', authority: 'fonctionnelle', title: 'chef de service' },
      ],
    }),
    step('RECORD_APPLICATIONS', { count: 3, references: ['CAND-001', 'CAND-002', 'CAND-003'] }),
    step('RECORD_RECRUITMENT_DECISION', { outcome: 'selected', candidateRef: 'CAND-001' }),
    ...signatoryPartyIds(create.data).map((partyId) =>
      step('SIGN', {
        partyId,
        signerName: `Signataire ${partyId}`,
        signerTitle: 'Représentant',
        signedOn: today,
        eSignatureRef: `ESIGN-${partyId}`,
      }),
    ),
  ];
}

/**
 * In force: every line of the three-year ledger paid in advance (the finance system's backlog),
 * then the first year's report, committee convocation and review.
 */
export function inForceSteps(driver: Driver, today: CivilDate): Step[] {
  const steps = driver.context.ledger.map((item) =>
    step('RECORD_PAYMENT', {
      itemId: item.id,
      paidOn: today,
      ...(item.plannedAmountEur ? { amountEur: item.plannedAmountEur } : {}),
      reference: `VIR-${item.id}`,
    }),
  );
  const meeting = businessDayOnOrAfter('59', addDays(today, 14));
  steps.push(
    step('SUBMIT_ACTIVITY_REPORT', {
      termYear: 1,
      submittedOn: today,
      documentRef: 'BILAN-A1',
      statistics: { 'personnes-recues': 312, entretiens: 540 },
    }),
    step('SCHEDULE_COMMITTEE', { termYear: 1, meetingDate: meeting, location: 'Préfecture' }),
    step('RECORD_COMMITTEE_REVIEW', {
      termYear: 1,
      heldOn: today,
      recommendations: ['Maintenir le poste'],
      minutesRef: 'PV-A1',
    }),
  );
  return steps;
}

export interface Script {
  activation: Step[];
  inForce: Step[];
}

/** The whole script, checked step by step on the pure machine. */
export function conventionScript(today: CivilDate): Script {
  const create = benchCreate('plan', today);
  const driver = new Driver(create, today);
  const activation = activationSteps(create, today);
  for (const s of activation) driver.send(s.type, s.payload, BENCH_ACTOR);
  if (driver.phase !== 'active') throw new Error(`plan: expected active, got ${driver.phase}`);
  const inForce = inForceSteps(driver, today);
  for (const s of inForce) driver.send(s.type, s.payload, BENCH_ACTOR);
  return { activation, inForce };
}

export function requestOf(s: Step, prefix: string, index: number): EventRequest {
  return {
    type: s.type,
    payload: s.payload,
    actor: BENCH_ACTOR,
    idempotencyKey: idempotencyKey(prefix, index),
  };
}

/** The Idempotency-Key of a convention's `index`-th transition (8 to 128 characters, as the API wants). */
export function idempotencyKey(prefix: string, index: number): string {
  return `${prefix}-transition-${index}`;
}

const TEMPLATE_SLUG = 'bench-in-force-tpl';

/**
 * A convention in force, as a renewal hands it to its next run (continue-as-new): all signed, the
 * three-year ledger and reviews planned. Planned once on the pure machine; each call gives a fresh
 * copy under its own slug.
 */
export function carriedInForce(today: CivilDate): (slug: string) => CarriedState {
  const template = benchCreate(TEMPLATE_SLUG, today);
  const driver = new Driver(template, today);
  for (const s of activationSteps(template, today)) driver.send(s.type, s.payload, BENCH_ACTOR);
  const json = JSON.stringify(persist(driver.snapshot));
  return (slug) => firstCarriedState(JSON.parse(json.replaceAll(TEMPLATE_SLUG, slug)), 1);
}
