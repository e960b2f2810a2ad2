import { compareDates, formatFrenchDate, localDate } from '../calendar/dates';
import type { ConventionSnapshot } from '../lifecycle/decide';
import type { MailRequest } from '../mail/mail-request';
import { CURRENT_MAIL_BEHAVIOUR, type MailBehaviour } from '../mail/notices';
import { reminderLadders, type Occurrence } from './occurrences';

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

/**
 * Reminder ladders: which reminder goes to whom and when (docs/reminders.md). Pure: the same
 * state, instant and sent set give the same plan, so the workflow replays it.
 *
 * An occurrence is due when its instant has come, it is still within its window (a late worker
 * sends only the latest rung of a ladder, and never announces a past date), its ladder already
 * applied at that instant (a meeting set three days ahead gets no "one week before" reminder),
 * and its identity is not among the sent ones.
 */
export function planReminders(
  snapshot: ConventionSnapshot,
  now: number,
  sent: Record<string, number>,
  behaviour: MailBehaviour = CURRENT_MAIL_BEHAVIOUR,
): ReminderPlan {
  const today = localDate(now, snapshot.context.data.departement);
  const ladders = reminderLadders(snapshot, now, behaviour).sort((a, b) =>
    compareDates(a.earliest, b.earliest),
  );
  const due = new Map<string, Occurrence>();
  const upcoming: Occurrence[] = [];
  let nextDate: string | null = null;
  for (const ladder of ladders) {
    // Ladders are in order of their earliest possible date: past the next wake-up, none can matter.
    if (ladder.earliest > today && nextDate !== null && ladder.earliest > nextDate) break;
    for (const o of ladder.occurrences()) {
      if (sent[o.id] !== undefined || o.rung.at < o.since) continue;
      if (o.rung.at > now) {
        upcoming.push(o);
        if (nextDate === null || o.rung.date < nextDate) nextDate = o.rung.date;
      } else if (now < o.rung.expires) due.set(o.id, o);
    }
  }
  return {
    due: [...due.values()].sort(byInstant).map((o) => o.mail()),
    next: nextWake(snapshot, upcoming),
  };
}

function byInstant(a: Occurrence, b: Occurrence): number {
  return a.rung.at - b.rung.at || a.id.localeCompare(b.id);
}

function nextWake(snapshot: ConventionSnapshot, upcoming: Occurrence[]): Wake | null {
  const first = upcoming.sort(byInstant)[0];
  if (!first) return null;
  const together = new Set(upcoming.filter((o) => o.rung.at === first.rung.at).map((o) => o.label));
  together.delete(first.label);
  const day = formatFrenchDate(localDate(first.rung.at, snapshot.context.data.departement));
  const more = together.size > 0 ? ` (+${together.size})` : '';
  return { at: first.rung.at, summary: `Rappel: ${first.label}${more} — ${day}` };
}
