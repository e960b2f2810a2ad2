import { formatFrenchDate, type CivilDate } from '../../calendar/dates';
import { computeTerm } from '../../lifecycle/term';
import { DEADLINE_LABELS } from '../../lifecycle/view';
import { dated, type Fact } from '../content';
import { hostServices, organisations, partyRecipients } from '../recipients';
import { deadlineIcs, type ReminderBody, type ReminderOccasion } from './common';

export const START_LABEL = 'prise d’effet de la convention';

/** To the host services and the employer: the day the convention takes effect. */
export function startReminder(o: ReminderOccasion, startDate: CivilDate): ReminderBody {
  const { context } = o;
  const term = computeTerm(context.data, 1, startDate);
  const hosts = hostServices(context);
  const employer = context.data.employerPartyId;
  return {
    template: 'reminders/start',
    summary: `Rappel: prise d’effet le ${formatFrenchDate(startDate)}`,
    to: partyRecipients(context, employer ? [...hosts, employer] : hosts),
    cc: [],
    data: {
      deadline: { label: DEADLINE_LABELS.start, ...dated(startDate) },
      endDate: dated(term.endDate),
      hosts: organisations(context, hosts),
      site: context.data.site ?? {},
      facts: [
        { label: 'Prise d’effet', value: formatFrenchDate(startDate) },
        { label: 'Fin de la première période', value: formatFrenchDate(term.endDate) },
        { label: 'Service d’accueil', value: organisations(context, hosts) },
      ] satisfies Fact[],
      action: null,
    },
    ics: deadlineIcs(o, 'prise-d-effet', startDate, 'Prise d’effet de la convention ISCG'),
  };
}
