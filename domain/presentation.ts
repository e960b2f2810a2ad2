import { formatFrenchDate } from './calendar/dates';
import type { ConventionState } from './temporal-contract';
import { DEADLINE_LABELS, type ConventionView } from './lifecycle/view';

/**
 * What operators read in the Temporal UI: search attribute values, the workflow's summary and its
 * current details, in French. These are stored in clear by Temporal, so they name organisations
 * and roles, never a person, an email address or a candidate.
 */

export interface SearchAttributeValues {
  phase: string;
  departement: string;
  site: string;
  employer: string;
  termNumber: number;
  termEnd: string | null;
  nextDeadline: string | null;
  nextDeadlineKind: string | null;
  nextActor: string | null;
  suspended: boolean;
}

function organisationsOf(view: ConventionView, partyIds: string[]): string {
  return partyIds.map((id) => view.data.parties[id]?.organisation ?? id).join(', ');
}

export function searchAttributeValues(view: ConventionView): SearchAttributeValues {
  const site = view.data.site;
  const next = view.nextDeadline;
  return {
    phase: view.phase,
    departement: view.departement.code,
    site: [site?.commissariat, site?.gendarmerieUnit].filter(Boolean).join(' / ') || view.slug,
    employer: view.data.employerPartyId
      ? (view.data.parties[view.data.employerPartyId]?.organisation ?? '')
      : '',
    termNumber: view.term?.number ?? 0,
    termEnd: view.term?.endDate ?? null,
    nextDeadline: next?.dueDate ?? null,
    nextDeadlineKind: next?.kind ?? null,
    nextActor: next && next.partyIds.length > 0 ? organisationsOf(view, next.partyIds) : null,
    suspended: view.flags.suspended,
  };
}

export function staticSummary(view: Pick<ConventionView, 'title' | 'departement'>): string {
  return `${view.title} — ${view.departement.name}`;
}

/** Markdown shown as the workflow's current details. */
export function currentDetails(state: ConventionState): string {
  const lines = [`**${state.phaseLabel}** — ${state.title}`];
  if (state.term)
    lines.push(
      `Période ${state.term.number}: du ${formatFrenchDate(state.term.startDate)} au ${formatFrenchDate(state.term.endDate)}`,
    );
  const next = state.nextDeadline;
  if (next) {
    const who = next.partyIds.length ? ` — à faire par: ${organisationsOf(state, next.partyIds)}` : '';
    lines.push(
      `Prochaine échéance: ${next.label}, le ${formatFrenchDate(next.dueDate)}${next.overdue ? ' (en retard)' : ''}${who}`,
    );
  }
  const overdue = state.deadlines.filter((d) => d.overdue && d.partyIds.length > 0);
  if (overdue.length > 0)
    lines.push(
      `En retard: ${overdue.map((d) => `${DEADLINE_LABELS[d.kind]} (${formatFrenchDate(d.dueDate)})`).join('; ')}`,
    );
  if (state.term) {
    const late = state.ledger.filter((l) => l.status === 'late' || l.status === 'partial').length;
    const unpaid = state.ledger.filter((l) => l.status === 'unpaid').length;
    const paid = state.ledger.filter((l) => l.status === 'paid' && l.term === state.term?.number).length;
    lines.push(
      `Financement: ${paid} échéance(s) réglée(s), ${late} en retard, ${unpaid} non versée(s)${state.flags.suspended ? ' — convention suspendue' : ''}`,
    );
  }
  if (state.flags.postVacant) lines.push('Poste vacant: recrutement en cours');
  if (state.flags.denounced && state.denunciation)
    lines.push(`Dénoncée par ${organisationsOf(state, [state.denunciation.partyId])}: fin à l’échéance`);
  if (state.phase === 'drafting' && state.missingBlanks.length > 0)
    lines.push(`Blancs à compléter: ${state.missingBlanks.length}`);
  if (state.deliveryFailures.length > 0)
    lines.push(
      `⚠ ${state.deliveryFailures.length} courriel(s) refusé(s) définitivement: voir l’état de la convention`,
    );
  return lines.join('\n\n');
}
