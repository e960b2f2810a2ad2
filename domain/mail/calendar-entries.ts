import { instantAt } from '../calendar/dates';
import { zoneOf } from '../calendar/departements';
import type { ConventionContext, ReviewYear } from '../lifecycle/context';
import { termKey } from '../lifecycle/effects';
import { conventionHeader, mailId } from './content';
import type { IcsEvent } from './mail-request';

/** The committee meeting as a calendar entry: the convocation and every reminder share its uid. */
export function meetingIcs(
  context: ConventionContext,
  year: ReviewYear,
  meeting: NonNullable<ReviewYear['meeting']>,
  stamp: number,
): IcsEvent {
  const code = context.data.departement;
  const [hour, minute] = meeting.time.split(':').map(Number);
  const header = conventionHeader(context);
  return {
    uid: mailId(`${termKey(context.conventionId, year.term)}/comite-${year.termYear}`),
    date: meeting.date,
    start: instantAt(meeting.date, code, hour ?? 10, minute ?? 0),
    durationMinutes: 120,
    zone: zoneOf(code),
    title: `Comité de suivi ISCG, année ${year.termYear} — ${header.title}`,
    description: `Examen du bilan d’activité de l’année ${year.termYear} (article 8 de la convention).`,
    location: meeting.location,
    sequence: Math.floor(stamp / 60_000),
    stamp,
  };
}
