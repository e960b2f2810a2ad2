import { condition, setHandler } from '@temporalio/workflow';
import { countQuery, finishSignal, heldQuery, noopUpdate, pingSignal } from './bare-contract';

/**
 * No state, no timer, no activity: what Temporal itself costs for one update. `held`, when given,
 * is only kept (the memory benchmark weighs a convention's state apart from its code).
 */
export async function bareWorkflow(held?: unknown): Promise<number> {
  let updates = 0;
  let done = false;
  setHandler(noopUpdate, () => ({ n: ++updates }));
  setHandler(pingSignal, () => undefined);
  setHandler(countQuery, () => updates);
  setHandler(heldQuery, () => held);
  setHandler(finishSignal, () => {
    done = true;
  });
  await condition(() => done);
  return updates;
}
