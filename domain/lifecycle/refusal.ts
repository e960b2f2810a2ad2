/**
 * Why an event cannot be applied. `invalid`: the payload breaks a rule (names the field);
 * `forbidden`: the sender may not perform this act; `refused`: the convention's current state
 * does not allow it; `conflict`: an idempotency key was reused for another request.
 */
/** `not_ready`: refused for a few seconds only (a text still rendering); the same request will pass. */
export type RefusalCode = 'invalid' | 'forbidden' | 'refused' | 'conflict' | 'not_ready';

export interface Refusal {
  code: RefusalCode;
  message: string;
  field?: string;
  phase?: string;
  /** Every problem when there are several (e.g. each missing blank of a draft). */
  details?: { field: string; message: string; article?: string }[];
}

export const invalid = (field: string, message: string): Refusal => ({ code: 'invalid', field, message });
export const refused = (message: string): Refusal => ({ code: 'refused', message });
export const forbidden = (message: string): Refusal => ({ code: 'forbidden', message });
