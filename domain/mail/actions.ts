import { EVENT_LABELS, eventSlug, type ExternalEventType } from '../lifecycle/events';

/**
 * How a recipient acts on a message: the API call and the CLI command that record the awaited
 * event, with an example body. The renderer adds a link when the deployment has a public URL.
 */
export interface MailAction {
  event: string;
  label: string;
  method: 'POST';
  path: string;
  cli: string;
  /** Example body, compact JSON; placeholders in French capitals (AAAA-MM-JJ). */
  payload: string;
}

export function mailAction(
  conventionId: string,
  type: ExternalEventType,
  example: Record<string, unknown>,
): MailAction {
  const slug = eventSlug(type);
  const payload = JSON.stringify(example);
  return {
    event: slug,
    label: EVENT_LABELS[type],
    method: 'POST',
    path: `/conventions/${conventionId}/events/${slug}`,
    cli: `iscg send ${conventionId} ${slug} --data '${payload}'`,
    payload,
  };
}

/** The call that decides on a renewal: the concertation's notice and the renewal reminders ask for it (art. 9). */
export function renewalDecisionAction(conventionId: string): MailAction {
  return mailAction(conventionId, 'RECORD_RENEWAL_DECISION', { decision: 'renew', decidedOn: 'AAAA-MM-JJ' });
}
