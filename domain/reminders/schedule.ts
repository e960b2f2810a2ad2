import { localDate, startOfLocalDay, type CivilDate } from '../calendar/dates';
import { tick, type ConventionSnapshot } from '../lifecycle/decide';
import { phaseOf } from '../lifecycle/phase';
import type { ConventionView } from '../lifecycle/view';
import { reminderOccurrences, type Occurrence } from './occurrences';

/** A reminder as the convention plans it, for the people who will receive it: no address. */
export interface ScheduledReminder {
  /** The message's identity (its Message-ID before the domain): final once planned. */
  id: string;
  /** The send instant (ISO 8601, UTC) and its local date in the département. */
  sendAt: string;
  sendOn: CivilDate;
  /** What it is about: "versement du salaire de septembre 2027". */
  label: string;
  /** Its rung: 'avant-5' (five business days before), 'apres-2' (two after). */
  rung: string;
  /** The parties it goes to, and those copied. */
  to: string[];
  cc: string[];
}

/**
 * The first reminders of a signed convention that has not taken effect yet: those it plans now
 * (before the start) and those of its first term as the term will open on the start date, by the
 * same rules that will send them. What happens until then (a payment ahead of time, a suspension)
 * may change them; their identities do not change.
 */
export function scheduledReminders(
  snapshot: ConventionSnapshot,
  now: number,
  sent: Record<string, number>,
  limit = 8,
): ScheduledReminder[] {
  const { data } = snapshot.context;
  if (phaseOf(snapshot) !== 'awaiting_start' || !data.startDate) return [];
  const start = Math.max(now, startOfLocalDay(data.startDate, data.departement));
  const opened = tick(snapshot, start).snapshot;
  const coming = (occurrences: Occurrence[], from: number) =>
    occurrences.filter((o) => sent[o.id] === undefined && o.rung.at >= from && o.rung.at >= o.since);
  const byId = new Map<string, Occurrence>();
  for (const o of [
    ...coming(reminderOccurrences(snapshot, now), now),
    ...coming(reminderOccurrences(opened, start), start),
  ])
    byId.set(o.id, o);
  return [...byId.values()]
    .sort((a, b) => a.rung.at - b.rung.at || a.id.localeCompare(b.id))
    .slice(0, limit)
    .map((o) => {
      const mail = o.mail();
      const parties = (list: typeof mail.to) => [
        ...new Set(list.flatMap((r) => (r.partyId ? [r.partyId] : []))),
      ];
      return {
        id: o.id,
        sendAt: new Date(o.rung.at).toISOString(),
        sendOn: localDate(o.rung.at, data.departement),
        label: o.label,
        rung: o.rung.name,
        to: parties(mail.to),
        cc: parties(mail.cc),
      };
    });
}

/** The view's schedule, with its first reminders: what the state shows before the start. */
export type ScheduleWithReminders = NonNullable<ConventionView['schedule']> & {
  reminders: ScheduledReminder[];
};

export function scheduleWithReminders(
  view: Pick<ConventionView, 'schedule'>,
  snapshot: ConventionSnapshot,
  now: number,
  sent: Record<string, number>,
): ScheduleWithReminders | null {
  return view.schedule && { ...view.schedule, reminders: scheduledReminders(snapshot, now, sent) };
}
