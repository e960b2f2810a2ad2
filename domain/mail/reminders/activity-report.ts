import { formatFrenchDate } from '../../calendar/dates';
import type { ReviewYear } from '../../lifecycle/context';
import type { Deadline } from '../../lifecycle/view';
import { mailAction } from '../actions';
import { dated, type Fact } from '../content';
import { organisations, partyRecipients } from '../recipients';
import { copies, deadlineIcs, reminderWord, tag, type ReminderBody, type ReminderOccasion } from './common';

export function reportLabel(year: ReviewYear): string {
  return `bilan d’activité de l’année ${year.termYear}`;
}

/** To the employer: the year's activity report, due before the committee meets. */
export function reportReminder(o: ReminderOccasion, deadline: Deadline, year: ReviewYear): ReminderBody {
  const { context, rung } = o;
  const employer = deadline.partyIds;
  const label = reportLabel(year);
  const cc = copies(o, employer);
  return {
    template: 'reminders/activity-report',
    summary: `${reminderWord(rung)}: ${label} (${tag(rung, cc.length > 0)})`,
    to: partyRecipients(context, employer),
    cc,
    data: {
      deadline: { label: `Bilan d’activité de l’année ${year.termYear}`, ...dated(deadline.dueDate) },
      termYear: year.termYear,
      year: { start: dated(year.yearStart), end: dated(year.yearEnd) },
      meeting: year.meeting ? { ...dated(year.meeting.date), time: year.meeting.time } : null,
      employer: organisations(context, employer),
      facts: [
        { label: 'À remettre au plus tard le', value: formatFrenchDate(deadline.dueDate) },
        { label: 'Attendu de', value: organisations(context, employer) },
        {
          label: 'Année de la convention',
          value: `${year.termYear} (du ${formatFrenchDate(year.yearStart)} au ${formatFrenchDate(year.yearEnd)})`,
        },
      ] satisfies Fact[],
      action: mailAction(context.conventionId, 'SUBMIT_ACTIVITY_REPORT', {
        termYear: year.termYear,
        submittedOn: 'AAAA-MM-JJ',
        documentRef: 'REFERENCE-DU-BILAN',
        statistics: { 'personnes-recues': 0 },
      }),
    },
    ics: deadlineIcs(o, deadline.subject + '-bilan', deadline.dueDate, `Bilan d’activité ISCG`),
  };
}
