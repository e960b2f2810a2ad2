import type { CivilDate } from '../../calendar/dates';
import { zoneOf } from '../../calendar/departements';
import type { ConventionContext } from '../../lifecycle/context';
import type { Rung } from '../../reminders/slots';
import { termKey } from '../../lifecycle/effects';
import { conventionHeader, mailId } from '../content';
import type { IcsEvent, MailRequest, Recipient } from '../mail-request';
import { partyRecipients } from '../recipients';

/** What a reminder says and to whom; its identity and its instant are the planner's. */
export type ReminderBody = Pick<MailRequest, 'template' | 'summary' | 'to' | 'cc' | 'data' | 'ics'>;

/** What every reminder's content reads. */
export interface ReminderOccasion {
  context: ConventionContext;
  /** The State's parties: copied when a reminder escalates. */
  etat: string[];
  /** The term of the deadline (a line carried from its own term keeps it). */
  term: number;
  /** The rung it goes out at: how many business days before or after the deadline. */
  rung: Rung;
  /** Late enough for the préfecture to be copied (docs/reminders.md). */
  escalated: boolean;
}

/** "J-5", "J+10, copie préfecture": the rung in a summary line. */
export function tag(rung: Rung, escalated: boolean): string {
  const offset = rung.offset < 0 ? `J-${-rung.offset}` : `J+${rung.offset}`;
  return escalated ? `${offset}, copie préfecture` : offset;
}

/** "Relance" once the deadline is past, "Rappel" before it. */
export function reminderWord(rung: Rung): string {
  return rung.offset > 0 ? 'Relance' : 'Rappel';
}

/** The préfecture in copy of an escalated reminder, unless it is itself the party awaited. */
export function copies(o: ReminderOccasion, actorIds: string[]): Recipient[] {
  if (!o.escalated || actorIds.some((id) => o.etat.includes(id))) return [];
  return partyRecipients(o.context, o.etat);
}

/** An all-day calendar entry on the due date. */
export function deadlineIcs(o: ReminderOccasion, uidKey: string, date: CivilDate, title: string): IcsEvent {
  const code = o.context.data.departement;
  return {
    uid: mailId(`${termKey(o.context.conventionId, o.term)}/echeance/${uidKey}`),
    date,
    start: null,
    durationMinutes: 24 * 60,
    zone: zoneOf(code),
    title: `${title.charAt(0).toUpperCase()}${title.slice(1)} — ${conventionHeader(o.context).title}`,
    description: null,
    location: null,
    sequence: Math.floor(o.rung.at / 60_000),
    stamp: o.rung.at,
  };
}
