import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/**
 * The baseline: a workflow that does nothing but accept updates. Every convention figure is
 * divided by this one, measured on the same server, with the same worker settings, in the same run.
 */
export const BARE_WORKFLOW_TYPE = 'bareWorkflow';

/** Takes any request (the benchmarks send the conventions' own payloads) and answers a small result. */
export const noopUpdate = defineUpdate<{ n: number }, [unknown]>('noop');
/** Adds four events (signal, workflow task); with `noop` (five) any history length can be reached. */
export const pingSignal = defineSignal('ping');
export const finishSignal = defineSignal('finish');
/** Answers once the first workflow task has run: the workflow is then in the worker's cache. */
export const countQuery = defineQuery<number>('count');
/** What the workflow was started with, kept for the memory benchmark's bare workflow holding a state. */
export const heldQuery = defineQuery<unknown>('held');
