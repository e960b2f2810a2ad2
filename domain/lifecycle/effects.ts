import type { CivilDate } from '../calendar/dates';
import type { TerminationReason } from './context';

/**
 * Side effects the machine asks for. The workflow turns each into an activity call; the machine
 * itself never performs I/O. Notices carry identifiers only: the activity reads the convention's
 * current contacts when it runs.
 */
export type NoticeKind =
  | 'recruitment-decided'
  | 'signatures-complete'
  | 'in-force'
  | 'suspended'
  | 'resumed'
  | 'vacancy'
  | 'concertation-opened'
  | 'renewal-decided'
  | 'denounced'
  | 'renewed'
  | 'terminated'
  | 'settled';

/**
 * A notice to the parties. `key` makes its identity unique (and so its Message-ID): it is never
 * read back; what the notice says comes from the fields beside it and from the convention.
 */
export interface NoticeEffect {
  type: 'notify-parties';
  notice: NoticeKind;
  term: number;
  key: string;
  /** A vacancy's first day without anyone in the post. */
  vacantFrom?: CivilDate;
  /** Why the convention ended. */
  ending?: TerminationReason;
}

export type Effect =
  | { type: 'inform-aniscg'; term: number; round: number; reason: 'creation' | 'vacance' }
  | NoticeEffect
  | { type: 'convene-committee'; term: number; termYear: number; meetingDate: string; key: string }
  | { type: 'send-review-to-procureur'; term: number; termYear: number };

/** How every message's identity begins: its convention and the term it belongs to. */
export function termKey(conventionId: string, term: number): string {
  return `${conventionId}/t${term}`;
}

/** A stable identity per effect occurrence: activities use it to act at most once. */
export function effectKey(conventionId: string, effect: Effect): string {
  const of = termKey(conventionId, effect.term);
  switch (effect.type) {
    case 'inform-aniscg':
      return `${of}/aniscg/${effect.reason}-${effect.round}`;
    case 'notify-parties':
      return `${of}/avis/${effect.notice}/${effect.key}`;
    case 'convene-committee':
      return `${of}/comite-${effect.termYear}/convocation/${effect.key}`;
    case 'send-review-to-procureur':
      return `${of}/comite-${effect.termYear}/procureur`;
  }
}
