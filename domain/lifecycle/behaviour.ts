/**
 * Lifecycle behaviours that changed while conventions were running. The workflow chooses them once
 * per run with `patched()` and passes them down with every event, so that a run recorded under the
 * older code replays as it ran; pure code and tests use the current ones.
 */
export interface LifecycleBehaviour {
  /**
   * The edges of a term: every line of a ledger falls due within its term and stays actionable
   * until it is settled (carried whole into the next term; an ended convention waits in the
   * `settling` phase for its last line), and the notice deadline is the latest date any reading of
   * art. 9 accepts. Before: a line could fall due after expiry, a renewal carried only the lines
   * recorded unpaid, an ended convention closed with lines open, and the notice deadline was
   * counted back from the expiry only.
   */
  termEdges: boolean;
  /**
   * The refusals that came with the term edges (a non-payment noted on its due day, or before).
   * The update validator applies them; the update handler does not, so that an event a recorded
   * history accepted before they existed is applied again as it was.
   */
  termEdgeRefusals: boolean;
}

export const CURRENT_LIFECYCLE_BEHAVIOUR: LifecycleBehaviour = { termEdges: true, termEdgeRefusals: true };

/** The behaviour an event was decided under; events built without one (tests, tools) get today's. */
export function behaviourOf(event: { behaviour?: LifecycleBehaviour }): LifecycleBehaviour {
  return event.behaviour ?? CURRENT_LIFECYCLE_BEHAVIOUR;
}
