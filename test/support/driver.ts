import { instantAt, type CivilDate } from '../../domain/calendar/dates';

import type { ConventionCreate } from '../../domain/convention/schema';
import { newConvention, type ConventionSnapshot } from '../../domain/lifecycle/decide';
import type { Effect } from '../../domain/lifecycle/effects';
import type { Actor, ExternalEvent, ExternalEventType } from '../../domain/lifecycle/events';
import { phaseOf } from '../../domain/lifecycle/phase';
import type { Refusal } from '../../domain/lifecycle/refusal';
import { ConventionRuntime } from '../../domain/runtime/convention-runtime';

export const OPERATOR: Actor = { kind: 'operator' };
export const party = (partyId: string): Actor => ({ kind: 'party', partyId });

/**
 * Drives the convention's runtime through time for unit tests, the way the workflow does, without
 * sending anything: the effects pile up for the test to read (`takeEffects`).
 */
export class Driver {
  readonly runtime: ConventionRuntime;
  now: number;

  constructor(
    create: ConventionCreate,
    startOn: CivilDate,
    private readonly departement = create.data.departement,
  ) {
    this.now = instantAt(startOn, this.departement, 10);
    this.runtime = new ConventionRuntime(newConvention(create, OPERATOR, this.now));
  }

  get snapshot(): ConventionSnapshot {
    return this.runtime.snapshot;
  }

  set snapshot(snapshot: ConventionSnapshot) {
    this.runtime.snapshot = snapshot;
  }

  get effects(): Effect[] {
    return this.runtime.pendingEffects;
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
    this.runtime.advance(this.now);
    return this;
  }

  attempt<T extends ExternalEventType>(type: T, payload: unknown, actor: Actor = OPERATOR): Refusal | null {
    this.runtime.advance(this.now);
    const decision = this.runtime.apply({ type, payload, actor, at: this.now } as ExternalEvent);
    return decision.ok ? null : decision.refusal;
  }

  send<T extends ExternalEventType>(type: T, payload: unknown, actor: Actor = OPERATOR): this {
    const refusal = this.attempt(type, payload, actor);
    if (refusal) throw new Error(`${type} refusé: ${JSON.stringify(refusal)}`);
    return this;
  }

  takeEffects(): Effect[] {
    return this.runtime.pendingEffects.splice(0);
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
