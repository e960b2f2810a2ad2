import { asyncLocalStorage } from '@temporalio/activity';

type LogMeta = Record<string, unknown>;
export interface MailLog {
  info(message: string, meta?: LogMeta): void;
  warn(message: string, meta?: LogMeta): void;
  error(message: string, meta?: LogMeta): void;
}

const silent: MailLog = { info() {}, warn() {}, error() {} };

/**
 * The time of the current attempt on Temporal's clock, outside an activity the host's. It dates
 * each message (its Date header), so a message sent on the time-skipping test server carries the
 * day it was sent in the convention's life, and in production the two clocks agree.
 */
export function activityClock(): number {
  const context = asyncLocalStorage.getStore();
  return context ? context.info.currentAttemptScheduledTimestampMs : Date.now();
}

/** The activity's logger (it adds the workflow and activity ids); silent outside an activity. */
export function activityLog(): MailLog {
  return asyncLocalStorage.getStore()?.log ?? silent;
}
