import { initialTransition, transition, type StateValue } from 'xstate';
import { newProblems, reservedKeyPath } from '../convention/input-rules';
import { conventionWorkflowId, type ConventionCreate, type ConventionData } from '../convention/schema';
import type { ConventionContext } from './context';
import type { Effect } from './effects';
import {
  actorSchema,
  EVENT_LABELS,
  eventPayloadSchemas,
  recordedPayloadSchemas,
  type Actor,
  type ClockEvent,
  type ExternalEvent,
  type ExternalEventType,
  type MachineEvent,
} from './events';
import { authorize, resolveActor } from './authorization';
import { behaviourOf, type LifecycleBehaviour } from './behaviour';
import { freshRecruitment } from './apply';
import { conventionMachine, GUARD_RULES } from './machine';
import { forbidden, refused, invalid, type Refusal } from './refusal';
import { patchedData, type Rule } from './rules';
import { PHASE_LABELS, phaseOf } from './phase';

export type ConventionSnapshot = ReturnType<typeof conventionMachine.resolveState>;

/** The JSON form of a snapshot: what the workflow carries across continue-as-new. */
export interface PersistedConvention {
  value: StateValue;
  context: ConventionContext;
}

export type Decision =
  { ok: true; snapshot: ConventionSnapshot; effects: Effect[] } | { ok: false; refusal: Refusal };

function effectsOf(actions: { type: string; params?: unknown }[]): Effect[] {
  return actions.filter((a) => a.type === 'xstate.emit').map((a) => (a.params as { event: Effect }).event);
}

export function persist(snapshot: ConventionSnapshot): PersistedConvention {
  return { value: snapshot.value, context: snapshot.context };
}

export function restore(persisted: PersistedConvention): ConventionSnapshot {
  return conventionMachine.resolveState({ value: persisted.value, context: persisted.context });
}

export function newConvention(create: ConventionCreate, actor: Actor, at: number): ConventionSnapshot {
  const context: ConventionContext = {
    conventionId: conventionWorkflowId(create.data.departement, create.slug),
    slug: create.slug,
    data: create.data,
    recruitment: freshRecruitment('creation'),
    signatures: {},
    term: null,
    pastTerms: [],
    post: { status: 'vacant', since: null, candidateRef: null },
    ledger: [],
    suspensions: [],
    reviews: [],
    renewal: null,
    denunciation: null,
    termination: null,
    history: [{ at, event: 'CREATED', actor, summary: 'Création du projet de convention', term: 0 }],
  };
  const [snapshot] = initialTransition(conventionMachine, context);
  return snapshot;
}

/**
 * Which rules an event's input is judged by: `current` for what is sent now (API, CLI, update
 * validators), `recorded` for an event a convention already accepted, replayed from its history
 * under the rules it was accepted by (the update handler).
 */
export type InputRules = 'current' | 'recorded';

/** Checks a payload against its event's schema; the refusal names the first bad field. */
export function parsePayload<T extends ExternalEventType>(
  type: T,
  payload: unknown,
  rules: InputRules = 'current',
): { ok: true; payload: ExternalEvent['payload'] } | { ok: false; refusal: Refusal } {
  const schemas = rules === 'current' ? eventPayloadSchemas : recordedPayloadSchemas;
  const schema = schemas[type] as (typeof eventPayloadSchemas)[T] | undefined;
  if (!isExternalEventType(type) || !schema)
    return { ok: false, refusal: invalid('type', `événement inconnu ${describeType(type)}`) };
  const parsed = schema.safeParse(payload ?? {});
  if (parsed.success) return { ok: true, payload: parsed.data };
  const details = parsed.error.issues.map((issue) => ({
    field: issue.path.join('.'),
    message: issue.message,
  }));
  const first = details[0]!;
  return { ok: false, refusal: { ...invalid(first.field, first.message), details } };
}

type TransitionLike = { guard?: unknown };
type MachineNode = (typeof conventionMachine)['root'];

/**
 * The active state nodes, read from the snapshot's value in the machine's tree: the deepest first,
 * as the machine looks for a transition (a leaf's own, then its parents').
 */
function activeNodes(value: StateValue): MachineNode[] {
  const nodes: MachineNode[] = [];
  const visit = (node: MachineNode, sub: StateValue | undefined) => {
    nodes.push(node);
    if (typeof sub === 'string') nodes.push(node.states[sub]!);
    else if (sub) for (const [key, inner] of Object.entries(sub)) visit(node.states[key]!, inner);
  };
  visit(conventionMachine.root, value);
  const depth = (node: MachineNode) => node.path.length;
  return nodes.sort((a, b) => depth(b) - depth(a) || a.order - b.order);
}

/** Own keys only: "toString" or ["SIGN"] must not pass for an event through the prototype chain. */
function isExternalEventType(type: unknown): type is ExternalEventType {
  return typeof type === 'string' && Object.hasOwn(EVENT_LABELS, type);
}

/** Says what was sent without calling anything on it (`String()` throws on `{"toString": 1}`). */
function describeType(type: unknown): string {
  return typeof type === 'string' ? `"${type}"` : `(${type === null ? 'null' : typeof type})`;
}

/** Why the machine will not take this event in its current state. */
export function explainRefusal(snapshot: ConventionSnapshot, event: MachineEvent): Refusal {
  const phase = phaseOf(snapshot);
  if (event.type !== 'CLOCK' && !isExternalEventType(event.type))
    return { ...invalid('type', `événement inconnu ${describeType(event.type)}`), phase };
  const candidates = activeNodes(snapshot.value).flatMap(
    (node) => (node.transitions.get(event.type) ?? []) as TransitionLike[],
  );
  for (const candidate of candidates) {
    const guard = candidate.guard;
    const rule = typeof guard === 'string' ? (GUARD_RULES as Record<string, Rule>)[guard] : undefined;
    const refusal = rule?.(snapshot.context, event);
    if (refusal) return { ...refusal, phase };
  }
  const accepted = acceptedEvents(snapshot).join(', ');
  const label = event.type === 'CLOCK' ? event.type : `${event.type} (${EVENT_LABELS[event.type]})`;
  return {
    ...refused(
      `${label} n’est pas accepté en phase "${PHASE_LABELS[phase]}"${accepted ? `; événements acceptés: ${accepted}` : ''}`,
    ),
    phase,
  };
}

/** External event types that have a transition in the current state (guards aside). */
export function acceptedEvents(snapshot: ConventionSnapshot): ExternalEventType[] {
  const types = new Set<string>();
  for (const node of activeNodes(snapshot.value)) for (const type of node.transitions.keys()) types.add(type);
  return (Object.keys(EVENT_LABELS) as ExternalEventType[]).filter((type) => types.has(type));
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const keysB = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return (
    keysA.length === keysB.length &&
    keysA.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

/**
 * What an amendment (or the next term's patch) would make of the data, judged by the rules of
 * today: a reserved name, a problem the data did not have (docs/lifecycle.md), or no change at all.
 * A patch the schema refuses is left to the rules, which name the field.
 */
function dataRefusal(data: ConventionData, event: ExternalEvent): Refusal | null {
  const [patch, prefix] =
    event.type === 'AMEND'
      ? [event.payload.patch, '']
      : event.type === 'RECORD_RENEWAL_DECISION' && event.payload.decision === 'renew'
        ? [event.payload.nextTermPatch, 'nextTermPatch.']
        : [undefined, ''];
  if (!patch) return null;
  const reserved = reservedKeyPath(patch);
  if (reserved)
    return invalid(
      `${prefix}${reserved}`,
      `"${reserved.split('.').pop()}" est un nom réservé: il ne peut pas servir d’identifiant ni de champ`,
    );
  const result = patchedData(data, patch);
  if ('refusal' in result) return null;
  const problems = newProblems(data, result.data);
  if (problems.length > 0) {
    const details = problems.map((p) => ({ field: `${prefix}${p.field}`, message: p.message }));
    return { ...invalid(details[0]!.field, details[0]!.message), details };
  }
  if (event.type === 'AMEND' && sameJson(result.data, data))
    return refused('la modification ne change rien: la convention a déjà ces valeurs');
  return null;
}

/** A sender bound to a role no party holds, or to a party that is not one, is refused first. */
function outsiderRefusal(context: ConventionContext, actor: unknown): Refusal | null {
  const sender = actorSchema.safeParse(actor);
  if (!sender.success) return null;
  if (sender.data.kind === 'party-role') {
    const resolved = resolveActor(context, sender.data);
    return 'code' in resolved && resolved.code === 'forbidden' ? resolved : null;
  }
  if (sender.data.kind === 'party' && !Object.hasOwn(context.data.parties, sender.data.partyId))
    return forbidden(`"${sender.data.partyId}" n’est pas partie à cette convention`);
  return null;
}

/**
 * Applies an external event if the convention's phase takes it, its payload is valid, its sender
 * may perform it and the rules allow it, in that order, under the given behaviour (the event's
 * own, or today's). Never throws on bad input.
 */
export function decide(
  snapshot: ConventionSnapshot,
  event: ExternalEvent,
  behaviour: LifecycleBehaviour = behaviourOf(event),
  rules: InputRules = 'current',
): Decision {
  if (!isExternalEventType(event.type))
    return {
      ok: false,
      refusal: {
        ...invalid('type', `événement inconnu ${describeType(event.type)}`),
        phase: phaseOf(snapshot),
      },
    };
  // Who is out of the convention learns nothing of it, not even its phase.
  const outsider = outsiderRefusal(snapshot.context, event.actor);
  if (outsider) return { ok: false, refusal: outsider };
  if (!acceptedEvents(snapshot).includes(event.type))
    return { ok: false, refusal: explainRefusal(snapshot, event) };
  const parsed = parsePayload(event.type, event.payload, rules);
  if (!parsed.ok) return { ok: false, refusal: { ...parsed.refusal, phase: phaseOf(snapshot) } };
  const sender = actorSchema.safeParse(event.actor);
  if (!sender.success)
    return {
      ok: false,
      refusal: {
        ...invalid('actor', 'expéditeur invalide (party, party-role ou operator)'),
        phase: phaseOf(snapshot),
      },
    };
  const actor = resolveActor(snapshot.context, sender.data);
  if ('code' in actor) return { ok: false, refusal: { ...actor, phase: phaseOf(snapshot) } };
  const checked = { ...event, actor, payload: parsed.payload, behaviour } as ExternalEvent;
  const forbidden = authorize(snapshot.context, checked);
  if (forbidden) return { ok: false, refusal: { ...forbidden, phase: phaseOf(snapshot) } };
  const inconsistent = rules === 'current' ? dataRefusal(snapshot.context.data, checked) : null;
  if (inconsistent) return { ok: false, refusal: { ...inconsistent, phase: phaseOf(snapshot) } };
  if (!snapshot.can(checked)) return { ok: false, refusal: explainRefusal(snapshot, checked) };
  const [next, actions] = transition(conventionMachine, snapshot, checked);
  return { ok: true, snapshot: next, effects: effectsOf(actions) };
}

/**
 * Moves the convention to the given time: start date, concertation opening, expiry and renewal.
 * Loops because one long wait can cross several of them (e.g. a worker down for days).
 */
export function tick(
  snapshot: ConventionSnapshot,
  at: number,
  behaviour?: LifecycleBehaviour,
): { snapshot: ConventionSnapshot; effects: Effect[] } {
  let current = snapshot;
  const effects: Effect[] = [];
  const clock: ClockEvent = behaviour ? { type: 'CLOCK', at, behaviour } : { type: 'CLOCK', at };
  for (let i = 0; i < 16 && current.can(clock); i++) {
    const [next, actions] = transition(conventionMachine, current, clock);
    effects.push(...effectsOf(actions));
    current = next;
  }
  return { snapshot: current, effects };
}

export function isTerminated(snapshot: ConventionSnapshot): boolean {
  return snapshot.status === 'done';
}
