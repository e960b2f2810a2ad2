import type { StateValue } from 'xstate';
import { labelledValues } from '../labels';

/** The public phase: what operators, the API and search attributes show instead of raw state values. */
export const { values: PHASES, labels: PHASE_LABELS } = labelledValues({
  drafting: 'Rédaction',
  recruitment: 'Recrutement',
  signature: 'Signature',
  awaiting_start: 'Signée, en attente de prise d’effet',
  active: 'En vigueur',
  suspended: 'Suspendue (non-versement des crédits)',
  renewal: 'Concertation sur la reconduction',
  settling: 'Terminée, financements à solder',
  terminated: 'Terminée',
});
export type Phase = (typeof PHASES)[number];

type InForceValue = { funding: string; post: string; term: string };

export function inForceRegions(value: StateValue): InForceValue | null {
  if (typeof value === 'object' && 'inForce' in value) return value.inForce as unknown as InForceValue;
  return null;
}

export function phaseOf(snapshot: { value: StateValue }): Phase {
  const value = snapshot.value;
  const regions = inForceRegions(value);
  if (regions) {
    if (regions.funding === 'suspended') return 'suspended';
    return regions.term === 'concertation' ? 'renewal' : 'active';
  }
  switch (value) {
    case 'drafting':
      return 'drafting';
    case 'recruitment':
      return 'recruitment';
    case 'signature':
      return 'signature';
    case 'awaitingStart':
      return 'awaiting_start';
    case 'settling':
      return 'settling';
    default:
      return 'terminated';
  }
}
