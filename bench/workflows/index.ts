import { condition, setHandler } from '@temporalio/workflow';
import { countQuery, finishSignal, noopUpdate, pingSignal } from './bare-contract';

/** No state, no timer, no activity: what Temporal itself costs for one update. */
export async function bareWorkflow(): Promise<number> {
  let updates = 0;
  let done = false;
  setHandler(noopUpdate, () => ({ n: ++updates }));
  setHandler(pingSignal, () => undefined);
  setHandler(countQuery, () => updates);
  setHandler(finishSignal, () => {
    done = true;
  });
  await condition(() => done);
  return updates;
}
