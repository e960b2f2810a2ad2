import { instantAt, type CivilDate } from '../../domain/calendar/dates';

import type { ConventionCreate } from '../../domain/convention/schema';
import { decide, newConvention, tick, type ConventionSnapshot } from '../../domain/lifecycle/decide';
import type { Effect } from '../../domain/lifecycle/effects';
import type { Actor, ExternalEvent, ExternalEventType } from '../../domain/lifecycle/events';
import { phaseOf } from '../../domain/lifecycle/phase';
import type { Refusal } from '../../domain/lifecycle/refusal';

export const OPERATOR: Actor = { kind: 'operator' };
export const party = (partyId: string): Actor => ({ kind: 'party', partyId });

/** Drives the pure machine through time for unit tests, the way the workflow does. */
export class Driver {
  snapshot: ConventionSnapshot;
  effects: Effect[] = [];
  now: number;

  constructor(
    create: ConventionCreate,
    startOn: CivilDate,
    private readonly departement = create.data.departement,
  ) {
    this.now = instantAt(startOn, this.departement, 10);
    this.snapshot = newConvention(create, OPERATOR, this.now);
  }

  get phase() {
    return phaseOf(this.snapshot);
  }

  get context() {
    return this.snapshot.context;
  }

  /** Moves the clock to 10:00 local time on the given day and lets time-driven transitions happen. */
  goTo(date: CivilDate, hour = 10): this {
    this.now = instantAt(date, this.departement, hour);
    const result = tick(this.snapshot, this.now);
    this.snapshot = result.snapshot;
    this.effects.push(...result.effects);
    return this;
  }

  attempt<T extends ExternalEventType>(type: T, payload: unknown, actor: Actor = OPERATOR): Refusal | null {
    const ticked = tick(this.snapshot, this.now);
    this.snapshot = ticked.snapshot;
    this.effects.push(...ticked.effects);
    const event = { type, payload, actor, at: this.now } as ExternalEvent;
    const decision = decide(this.snapshot, event);
    if (!decision.ok) return decision.refusal;
    this.snapshot = decision.snapshot;
    this.effects.push(...decision.effects);
    return null;
  }

  send<T extends ExternalEventType>(type: T, payload: unknown, actor: Actor = OPERATOR): this {
    const refusal = this.attempt(type, payload, actor);
    if (refusal) throw new Error(`${type} refusé: ${JSON.stringify(refusal)}`);
    return this;
  }

  takeEffects(): Effect[] {
    const effects = this.effects;
    this.effects = [];
    return effects;
  }
}

/** Recruitment through to the selected candidate, as the association and the police would record it. */
export function recruit(driver: Driver, candidateRef = 'CAND-001'): Driver {
  return driver
    .send('COMPOSE_SELECTION_COMMITTEE', {
      members: [
        { partyId: 'association', authority: 'hierarchique', title: 'directrice' },
        { partyId: 'police', authority: 'fonctionnelle', title: 'chef de service' },
      ],
    })
    .send('RECORD_APPLICATIONS', { count: 3, references: [candidateRef, 'CAND-002', 'CAND-003'] })
    .send('RECORD_RECRUITMENT_DECISION', { outcome: 'selected', candidateRef });
}

export function signAll(driver: Driver, signedOn: CivilDate): Driver {
  driver.goTo(signedOn);
  for (const partyId of Object.keys(driver.context.data.parties).sort())
    if (driver.phase === 'signature' && !driver.context.signatures[partyId])
      driver.send(
        'SIGN',
        { partyId, signerName: `Signataire ${partyId}`, signerTitle: 'Représentant', signedOn },
        party(partyId),
      );
  return driver;
}
