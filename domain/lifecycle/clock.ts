import { addDays, formatFrenchDate, startOfLocalDay, type CivilDate } from '../calendar/dates';
import type { ConventionSnapshot } from './decide';
import { inForceRegions } from './phase';
import type { Wake } from '../reminders/plan';

/** The next instant at which time alone changes the convention: start, concertation, expiry. */
export function nextClockWake(snapshot: ConventionSnapshot): Wake | null {
  const context = snapshot.context;
  const code = context.data.departement;
  const at = (date: CivilDate, summary: string): Wake => ({
    at: startOfLocalDay(date, code),
    summary: `${summary} (${formatFrenchDate(date)})`,
  });
  if (snapshot.value === 'awaitingStart' && context.data.startDate)
    return at(context.data.startDate, 'Prise d’effet de la convention');
  const regions = inForceRegions(snapshot.value);
  const term = context.term;
  if (!regions || !term) return null;
  const expiry = at(addDays(term.endDate, 1), 'Échéance de la convention');
  if (regions.term === 'running') {
    const concertation = at(term.concertationOpensOn, 'Ouverture de la concertation sur la reconduction');
    return concertation.at < expiry.at ? concertation : expiry;
  }
  return expiry;
}
