import type { ClosedDayRule } from '../calendar/business-days';
import { labelledValues } from '../labels';
import type { LedgerKind } from './context';

/** Every kind of dated deadline a convention has, for the API, search attributes and reminders. */
export const { values: DEADLINE_KINDS, labels: DEADLINE_LABELS } = labelledValues({
  signature: 'Signature de la convention',
  start: 'Prise d’effet',
  'salary-payment': 'Versement du salaire',
  'state-participation': 'Participation annuelle de l’État',
  'co-financing': 'Contribution d’un cofinanceur',
  'activity-report': 'Bilan d’activité',
  'committee-meeting': 'Réunion du comité de suivi',
  'renewal-decision': 'Décision sur la reconduction',
  'denunciation-notice': 'Échéance du préavis de dénonciation',
  expiry: 'Échéance de la convention',
});
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

/**
 * What each kind of deadline becomes when its date falls on a closed day (a weekend or a public
 * holiday of the département). The table in docs/calendar.md ("Closed days") is the reference,
 * with the reason for each; a test reads it and compares it with this one.
 */
export const CLOSED_DAY_RULE_BY_KIND: Record<DeadlineKind, ClosedDayRule> = {
  signature: 'unmoved',
  start: 'unmoved',
  'salary-payment': 'next-within-term',
  'state-participation': 'next-within-term',
  'co-financing': 'next-within-term',
  'activity-report': 'previous',
  'committee-meeting': 'previous',
  'renewal-decision': 'unmoved',
  'denunciation-notice': 'unmoved',
  expiry: 'unmoved',
};

export const LEDGER_DEADLINE_KIND: Record<LedgerKind, DeadlineKind> = {
  salary: 'salary-payment',
  'state-participation': 'state-participation',
  'co-financing': 'co-financing',
};
