import { patched } from '@temporalio/workflow';
import type { LifecycleBehaviour } from '../domain/lifecycle/behaviour';
import type { MailBehaviour } from '../domain/mail/notices';

/**
 * What this run does that runs recorded before a change did not: decided once per run, before any
 * command, with `patched()` in this order, so that a run recorded before a change keeps its behaviour.
 */
export interface RunBehaviour {
  mail: MailBehaviour;
  /** The validator refuses what the current rules refuse… */
  validating: LifecycleBehaviour;
  /** …and the handler applies again what was accepted, so an update a history recorded before a
   * refusal existed replays as it ran. */
  applying: LifecycleBehaviour;
  /** Versions of the text, bound to signatures (docs/documents.md); runs recorded before keep none. */
  documents: boolean;
  /**
   * The main loop lets every update handler finish before it records a command of its own. Without
   * it, a replay that delivers a local activity's result in the same activation as an update (the
   * original run got it later, after a worker restart) ran the loop ahead of the handler, and the
   * commands came out in another order than the history's.
   */
  handlersFirst: boolean;
  /** Every retry of a mail batch waits on a durable timer (workflows/mail-delivery.ts). */
  mailRetriesByTimer: boolean;
}

export function runBehaviour(): RunBehaviour {
  const endNoticeNextMorning = patched('end-notice-next-morning');
  const termEdges = patched('term-edges');
  const documents = patched('document-versions');
  const handlersFirst = patched('handlers-before-loop');
  const mailRetriesByTimer = patched('mail-retries-by-timer');
  return {
    mail: { endNoticeNextMorning, linesKeepTheirTerm: termEdges },
    validating: { termEdges, termEdgeRefusals: true },
    applying: { termEdges, termEdgeRefusals: false },
    documents,
    handlersFirst,
    mailRetriesByTimer,
  };
}
