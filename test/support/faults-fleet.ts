import { addBusinessDays, businessDayOnOrAfter, isBusinessDay } from '../../domain/calendar/business-days';
import {
  addDays,
  addMonths,
  compareDates,
  instantAt,
  localDate,
  type CivilDate,
} from '../../domain/calendar/dates';
import type { DepartementCode } from '../../domain/calendar/departements';
import { signatoryPartyIds } from '../../domain/convention/completeness';
import {
  conventionCreateSchema,
  conventionWorkflowId,
  type ConventionCreate,
  type PartyRole,
} from '../../domain/convention/schema';
import type { ConventionContext } from '../../domain/lifecycle/context';
import { decide, newConvention, tick, type ConventionSnapshot } from '../../domain/lifecycle/decide';
import type { Actor, ExternalEvent, ExternalEventType } from '../../domain/lifecycle/events';
import { canonicalJson } from '../../domain/idempotency';
import { completeConventionData } from './fixtures';
import type { FaultKey } from './faults-stack';

/**
 * The fleet: conventions of several départements (and so time zones and holiday calendars), each
 * with the list of transitions a set of partner systems and operators send it, from the draft to
 * a suspension, a vacancy, a denunciation, a renewal decision or an abandon. Start dates lie in
 * the past, so that a convention signed today is in force at once and has salaries already due.
 * Every list is rehearsed in pure code before the run (the domain's `decide`, at the current
 * time, with the actor the API will pass): a list the rules refuse is a mistake of the fleet,
 * reported before anything starts.
 */

export const FLEET_DEPARTEMENTS: DepartementCode[] = ['59', '67', '974', '971', '973', '976'];

/** Which role keys the fleet uses: a key per party role, for every département of the fleet. */
export const FLEET_ROLES: PartyRole[] = [
  'etat',
  'police',
  'conseil-departemental',
  'commune',
  'association',
  'procureur',
];

export const FLEET_KEYS: FaultKey[] = [
  { id: 'operator', actsAs: { kind: 'operator' } },
  ...FLEET_ROLES.map((role) => ({
    id: `role-${role}`,
    actsAs: { kind: 'party-role' as const, role, departements: FLEET_DEPARTEMENTS },
  })),
];

export type KeyId = 'operator' | `role-${PartyRole}`;

export interface Step {
  type: ExternalEventType;
  /** The API key sending it: the convention sees the key's role (or an operator). */
  as: KeyId;
  payload: unknown;
  /**
   * Sent a second time without an Idempotency-Key, the rules refuse it (a party cannot sign
   * twice, a settled line cannot be paid again): only such steps are sent without a key. The
   * others (a renewal decision, a committee's composition) may legitimately be applied twice, so
   * a client that cannot tell whether its first call went through must send a key.
   */
  repeatSafe: boolean;
  /**
   * The next step may be sent before this one, or at the same time: sent first it is either
   * refused, or it commutes with this one (same convention whichever order). Where the next step
   * would be accepted and then make this one impossible (an abandon before a committee), the
   * product is right to refuse this one, so the fleet does not send them out of order.
   */
  nextMayComeFirst: boolean;
}

export interface LifePlan {
  kind: LifeKind;
  conventionId: string;
  create: ConventionCreate;
  steps: Step[];
}

export const LIFE_KINDS = ['full', 'denounced', 'renewal', 'abandoned', 'reopened', 'suspended'] as const;
export type LifeKind = (typeof LIFE_KINDS)[number];

const SITES: Record<DepartementCode, string> = {
  '59': 'commissariat central de Lille',
  '67': 'commissariat central de Strasbourg',
  '974': 'commissariat de Saint-Denis',
  '971': 'commissariat de Pointe-à-Pitre',
  '973': 'commissariat de Cayenne',
  '976': 'commissariat de Mamoudzou',
} as Record<DepartementCode, string>;

function actorOfKey(as: KeyId): Actor {
  if (as === 'operator') return { kind: 'operator', client: 'operator' };
  return { kind: 'party-role', role: as.slice('role-'.length) as PartyRole, client: as };
}

const ROLE_KEY_OF_PARTY: Record<string, KeyId> = {
  etat: 'role-etat',
  police: 'role-police',
  cd59: 'role-conseil-departemental',
  'commune-lille': 'role-commune',
  association: 'role-association',
  procureur: 'role-procureur',
};

/** Applies steps in pure code as the workflow will, to write the next ones and check them all. */
class Rehearsal {
  snapshot: ConventionSnapshot;
  readonly steps: Step[] = [];

  constructor(
    readonly create: ConventionCreate,
    readonly now: number,
  ) {
    this.snapshot = newConvention(conventionCreateSchema.parse(create), actorOfKey('operator'), now);
  }

  get context(): ConventionContext {
    return this.snapshot.context;
  }

  get today(): CivilDate {
    return localDate(this.now, this.create.data.departement);
  }

  send(type: ExternalEventType, payload: unknown, as: KeyId = 'operator', repeatSafe = false): this {
    const ticked = tick(this.snapshot, this.now).snapshot;
    const decision = decide(ticked, { type, payload, actor: actorOfKey(as), at: this.now } as ExternalEvent);
    if (!decision.ok)
      throw new Error(
        `flotte: ${this.context.conventionId} ${type} refusé en répétition: ${JSON.stringify(decision.refusal)}`,
      );
    const previous = this.steps.at(-1);
    if (previous) previous.nextMayComeFirst = this.commutesWithPrevious(type, payload, as, decision.snapshot);
    this.before.push(this.snapshot);
    this.snapshot = decision.snapshot;
    this.steps.push({ type, as, payload, repeatSafe, nextMayComeFirst: false });
    return this;
  }

  private readonly before: ConventionSnapshot[] = [];

  private apply(snapshot: ConventionSnapshot, step: Pick<Step, 'type' | 'payload' | 'as'>) {
    return decide(tick(snapshot, this.now).snapshot, {
      type: step.type,
      payload: step.payload,
      actor: actorOfKey(step.as),
      at: this.now,
    } as ExternalEvent);
  }

  /** Whether sending this step before the previous one leaves the convention as the right order does. */
  private commutesWithPrevious(
    type: ExternalEventType,
    payload: unknown,
    as: KeyId,
    inOrder: ConventionSnapshot,
  ): boolean {
    const previous = this.steps.at(-1)!;
    const early = this.apply(this.before.at(-1)!, { type, payload, as });
    if (!early.ok) return true;
    const then = this.apply(early.snapshot, previous);
    if (!then.ok) return false;
    const { history: _a, ...swapped } = then.snapshot.context;
    const { history: _b, ...straight } = inOrder.context;
    return (
      canonicalJson(swapped) === canonicalJson(straight) &&
      canonicalJson(then.snapshot.value) === canonicalJson(inOrder.value)
    );
  }

  recruit(candidateRef: string, as: KeyId = 'role-association'): this {
    return this.send(
      'COMPOSE_SELECTION_COMMITTEE',
      {
        members: [
          { partyId: 'association', authority: 'hierarchique', title: 'directrice' },
          { partyId: 'police', authority: 'fonctionnelle', title: 'chef de service' },
        ],
      },
      as,
    )
      .send(
        'RECORD_APPLICATIONS',
        { count: 2, references: [candidateRef, `${candidateRef}-B`] },
        'role-police',
      )
      .send('RECORD_RECRUITMENT_DECISION', { outcome: 'selected', candidateRef }, 'operator', true);
  }

  signAll(except: string[] = []): this {
    for (const partyId of signatoryPartyIds(this.context.data))
      if (!except.includes(partyId))
        this.send(
          'SIGN',
          {
            partyId,
            signerName: `Signataire ${partyId}`,
            signerTitle: 'Représentant',
            signedOn: this.today,
          },
          ROLE_KEY_OF_PARTY[partyId] ?? 'operator',
          true,
        );
    return this;
  }

  /** Salary lines due by today, oldest first. */
  /** Salaries whose due day is over: payable, and recordable as unpaid. */
  dueSalaries(): string[] {
    return this.context.ledger
      .filter((item) => item.kind === 'salary' && compareDates(item.dueDate, this.today) < 0 && !item.waived)
      .map((item) => item.id);
  }

  dueShares(): { id: string; payer: string; amount: number }[] {
    return this.context.ledger
      .filter((item) => item.kind !== 'salary' && compareDates(item.dueDate, this.today) <= 0)
      .map((item) => ({ id: item.id, payer: item.payerPartyId, amount: item.plannedAmountEur ?? 0 }));
  }
}

/**
 * Reminders go out at a whole hour, on business days: a run of a few minutes usually crosses no
 * send slot, and its expected reminders are none. Given a slot inside the run (a whole hour, on a
 * business day of the département, between 7 and 19 local time), a convention sends its
 * reminders at that hour, and its salary falls due two business days before the slot's day, so
 * the overdue reminder of an unpaid month (J+2) goes out at the slot, under the faults.
 */
export function reminderSettings(
  departement: DepartementCode,
  slot: number | null,
): { hour: number; salaryPaymentDay: number | null } | null {
  if (slot === null) return null;
  const day = localDate(slot, departement);
  if (!isBusinessDay(departement, day)) return null;
  for (let hour = 7; hour <= 19; hour++)
    if (instantAt(day, departement, hour) === slot) {
      const due = addBusinessDays(departement, day, -2);
      const dayOfMonth = Number(due.slice(8, 10));
      return { hour, salaryPaymentDay: dayOfMonth <= 28 ? dayOfMonth : null };
    }
  return null;
}

function createFor(
  departement: DepartementCode,
  slug: string,
  startDate: CivilDate,
  slot: number | null,
): ConventionCreate {
  const reminders = reminderSettings(departement, slot);
  const base = completeConventionData();
  return {
    slug,
    data: completeConventionData({
      departement,
      startDate,
      site: { commissariat: SITES[departement] },
      aniscgEmail: 'aniscg@aniscg.example',
      ...(reminders
        ? {
            reminders: { hour: reminders.hour },
            financing: {
              ...base.financing!,
              salaryPaymentDay: reminders.salaryPaymentDay ?? base.financing!.salaryPaymentDay,
            },
          }
        : {}),
    }),
  };
}

/** The lists of one kind of life, written against the rehearsal so payloads fit the rules. */
function rehearse(kind: LifeKind, slug: string, now: number, slot: number | null): Rehearsal {
  const departementOf: Record<LifeKind, DepartementCode> = {
    full: '59',
    denounced: '67',
    renewal: '974',
    abandoned: '971',
    reopened: '973',
    suspended: '976',
  };
  const departement = departementOf[kind];
  const today = localDate(now, departement);
  // Three months back: salaries already due, two paid by the life, the latest left for reminders.
  const startMonthsAgo = { full: 3, denounced: 12, renewal: 32, abandoned: 1, reopened: 2, suspended: 3 }[
    kind
  ];
  const r = new Rehearsal(createFor(departement, slug, addMonths(today, -startMonthsAgo), slot), now);
  const candidate = `CAND-${slug.toUpperCase()}`.slice(0, 40);
  switch (kind) {
    case 'full': {
      r.send('SUBMIT_DRAFT', {}, 'operator', true).recruit(candidate).signAll();
      const [first, second] = r.dueSalaries();
      r.send('RECORD_PAYMENT', { itemId: first, paidOn: r.today }, 'role-association', true)
        .send('RECORD_NON_PAYMENT', { itemId: second, notedOn: r.today }, 'role-etat', true)
        .send('RECORD_PAYMENT', { itemId: second, paidOn: r.today }, 'role-association', true)
        .send(
          'SUBMIT_ACTIVITY_REPORT',
          {
            termYear: 1,
            submittedOn: r.today,
            documentRef: `BILAN-${slug}`,
            statistics: { 'personnes-recues': 41 },
          },
          'role-association',
          true,
        )
        .send(
          'SCHEDULE_COMMITTEE',
          {
            termYear: 1,
            meetingDate: businessDayOnOrAfter(departement, addDays(r.today, 20)),
            meetingTime: '14:30',
          },
          'role-etat',
        )
        .send(
          'RECORD_COMMITTEE_REVIEW',
          { termYear: 1, heldOn: r.today, minutesRef: `PV-${slug}` },
          'role-etat',
          true,
        )
        .send(
          'DECLARE_VACANCY',
          { vacantFrom: addDays(r.today, 10), reason: 'mutation' },
          'role-association',
          true,
        )
        .recruit(`${candidate}-2`, 'operator');
      break;
    }
    case 'denounced': {
      r.send('SUBMIT_DRAFT', {}, 'role-etat', true).recruit(candidate).signAll();
      const share = r.dueShares().find((s) => s.payer === 'cd59');
      r.send(
        'DENOUNCE',
        { partyId: 'commune-lille', letterSentOn: r.today, letterReference: `RAR-${slug}` },
        'role-commune',
        true,
      );
      if (share)
        r.send(
          'RECORD_PAYMENT',
          { itemId: share.id, paidOn: r.today, amountEur: share.amount },
          'role-conseil-departemental',
          true,
        );
      r.send('RECORD_PAYMENT', { itemId: r.dueSalaries().at(-1), paidOn: r.today }, 'role-association', true);
      break;
    }
    case 'renewal':
      r.send('SUBMIT_DRAFT', {}, 'operator', true)
        .recruit(candidate)
        .signAll()
        .send('RECORD_RENEWAL_DECISION', { decision: 'renew', decidedOn: r.today }, 'role-etat')
        .send(
          'RECORD_RENEWAL_DECISION',
          { decision: 'not_renew', decidedOn: r.today, reason: 'financement-non-reconduit' },
          'operator',
        );
      break;
    case 'abandoned':
      r.send('SUBMIT_DRAFT', {}, 'operator', true)
        .send(
          'COMPOSE_SELECTION_COMMITTEE',
          {
            members: [
              { partyId: 'association', authority: 'hierarchique', title: 'directrice' },
              { partyId: 'police', authority: 'fonctionnelle', title: 'chef de service' },
            ],
          },
          'role-police',
        )
        .send('ABANDON', { reason: 'financement-non-obtenu' }, 'operator', true);
      break;
    case 'reopened':
      r.send('SUBMIT_DRAFT', {}, 'operator', true)
        .recruit(candidate)
        .signAll(['etat', 'police', 'cd59', 'procureur'])
        .send('REOPEN_DRAFTING', { reason: 'changement-de-financement' }, 'operator', true)
        .send('AMEND', { patch: { jobDescriptionRef: `FP-${slug}-v2` } }, 'operator')
        .send('SUBMIT_DRAFT', {}, 'role-etat', true);
      if (r.snapshot.value === 'recruitment' || JSON.stringify(r.snapshot.value).includes('recruit'))
        r.recruit(`${candidate}-2`);
      r.signAll();
      break;
    case 'suspended': {
      r.send('SUBMIT_DRAFT', {}, 'operator', true).recruit(candidate).signAll();
      const [first] = r.dueSalaries();
      r.send('RECORD_NON_PAYMENT', { itemId: first, notedOn: r.today }, 'role-association', true)
        .send(
          'DECLARE_VACANCY',
          { vacantFrom: addBusinessDays(departement, r.today, 5) },
          'role-association',
          true,
        )
        .send('RECORD_PAYMENT', { itemId: first, paidOn: r.today }, 'operator', true);
      break;
    }
  }
  return r;
}

/**
 * `count` conventions, the kinds in turn, named after the run so that runs never collide; with a
 * `reminderSlot`, those whose département has a business day and a send hour at that instant
 * send their reminders then.
 */
export function buildFleet(
  count: number,
  runTag: string,
  options: { now?: number; reminderSlot?: number | null } = {},
): LifePlan[] {
  const now = options.now ?? Date.now();
  const plans: LifePlan[] = [];
  for (let i = 0; i < count; i++) {
    const kind = LIFE_KINDS[i % LIFE_KINDS.length]!;
    const slug = `${runTag}-${kind}-${i + 1}`;
    const r = rehearse(kind, slug, now, options.reminderSlot ?? null);
    plans.push({
      kind,
      conventionId: conventionWorkflowId(r.create.data.departement, slug),
      create: r.create,
      steps: r.steps,
    });
  }
  return plans;
}
