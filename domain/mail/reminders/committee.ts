import { formatFrenchDate } from '../../calendar/dates';
import type { ReviewYear } from '../../lifecycle/context';
import type { Deadline } from '../../lifecycle/view';
import type { Rung } from '../../reminders/slots';
import { mailAction } from '../actions';
import { meetingIcs } from '../calendar-entries';
import { dated, frenchTime, type Fact } from '../content';
import { committeeMembers, organisations, partyRecipients } from '../recipients';
import { reminderWord, tag, type ReminderBody, type ReminderOccasion } from './common';

export function schedulingLabel(year: ReviewYear): string {
  return `convocation du comité de suivi de l’année ${year.termYear}`;
}

/** To the préfecture: the year's committee is still to be convened (art. 8). */
export function schedulingReminder(o: ReminderOccasion, deadline: Deadline, year: ReviewYear): ReminderBody {
  const { context, rung } = o;
  const members = organisations(context, committeeMembers(context));
  return {
    template: 'reminders/committee-scheduling',
    summary: `${reminderWord(rung)}: ${schedulingLabel(year)} (${tag(rung, false)})`,
    to: partyRecipients(context, deadline.partyIds),
    cc: [],
    data: {
      deadline: { label: `Comité de suivi de l’année ${year.termYear}`, ...dated(deadline.dueDate) },
      termYear: year.termYear,
      year: { start: dated(year.yearStart), end: dated(year.yearEnd) },
      reportSubmitted: year.report !== null,
      members,
      facts: [
        { label: 'Réunion à tenir au plus tard le', value: formatFrenchDate(deadline.dueDate) },
        { label: 'Membres du comité', value: members },
        { label: 'Bilan d’activité', value: year.report ? 'remis' : 'pas encore remis' },
      ] satisfies Fact[],
      action: mailAction(context.conventionId, 'SCHEDULE_COMMITTEE', {
        termYear: year.termYear,
        meetingDate: 'AAAA-MM-JJ',
        meetingTime: '10:00',
        location: 'LIEU DE LA RÉUNION',
      }),
    },
    ics: null,
  };
}

/** Before the meeting, its reminder; after it, the préfecture is asked for the review. */
export function meetingLabel(year: ReviewYear, rung: Rung): string {
  return rung.offset < 0
    ? `comité de suivi du ${formatFrenchDate(year.meeting!.date)}`
    : `compte rendu du comité de suivi de l’année ${year.termYear}`;
}

/**
 * Before the meeting, to its members: the day, the hour, the place, with the calendar entry of
 * the convocation. After it, to the préfecture: the review to record.
 */
export function meetingReminder(o: ReminderOccasion, year: ReviewYear): ReminderBody {
  const { context, rung } = o;
  const meeting = year.meeting!;
  const common = {
    deadline: { label: `Comité de suivi de l’année ${year.termYear}`, ...dated(meeting.date) },
    termYear: year.termYear,
    meeting: { ...dated(meeting.date), time: meeting.time, location: meeting.location },
    reportSubmitted: year.report !== null,
    facts: [
      { label: 'Date', value: formatFrenchDate(meeting.date) },
      { label: 'Heure', value: frenchTime(meeting.time) },
      { label: 'Lieu', value: meeting.location ?? 'à préciser par la préfecture' },
      { label: 'Bilan d’activité', value: year.report ? 'remis' : 'pas encore remis' },
    ] satisfies Fact[],
  };
  if (rung.offset < 0)
    return {
      template: 'reminders/committee-meeting',
      summary: `Rappel: comité de suivi de l’année ${year.termYear} (${tag(rung, false)})`,
      to: partyRecipients(context, committeeMembers(context)),
      cc: [],
      data: { ...common, action: null },
      ics: meetingIcs(context, year, meeting, rung.at),
    };
  return {
    template: 'reminders/committee-review',
    summary: `Relance: compte rendu du comité de l’année ${year.termYear} (${tag(rung, false)})`,
    to: partyRecipients(context, o.etat),
    cc: [],
    data: {
      ...common,
      action: mailAction(context.conventionId, 'RECORD_COMMITTEE_REVIEW', {
        termYear: year.termYear,
        heldOn: meeting.date,
        recommendations: ['PRÉCONISATION DU COMITÉ'],
        minutesRef: 'REFERENCE-DU-COMPTE-RENDU',
      }),
    },
    ics: null,
  };
}
