import type { ConventionSnapshot } from '../lifecycle/decide';
import type { MailRequest } from '../mail/mail-request';

export interface Wake {
  at: number;
  summary: string;
}

export interface ReminderPlan {
  /** Reminders whose time has come and that were not sent yet. */
  due: MailRequest[];
  /** The next instant a reminder will be due, for the workflow's timer. */
  next: Wake | null;
}

/** Reminder ladders: which reminder goes to whom and when (docs/reminders.md). */
export function planReminders(
  _snapshot: ConventionSnapshot,
  _now: number,
  _sent: Record<string, number>,
): ReminderPlan {
  return { due: [], next: null };
}
