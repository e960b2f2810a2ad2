import { sleep } from '@temporalio/workflow';
import { conventionWorkflow as released } from '../../workflows/convention';
import type { ConventionWorkflowInput } from '../../domain/temporal-contract';

/**
 * The released workflow with one careless change: a timer added before everything else.
 * Replaying any recorded history against it must fail; that is what the replay suite guards.
 */
export async function conventionWorkflow(input: ConventionWorkflowInput) {
  await sleep('1 minute');
  return released(input);
}
