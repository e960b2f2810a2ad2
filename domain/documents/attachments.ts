import type { ConventionContext } from '../lifecycle/context';
import type { Effect } from '../lifecycle/effects';
import { currentConventionRecord, reportRecord, type DocumentRecord } from './ledger';
import { signatureEntries, type ConventionDocumentSource, type DocumentSource } from './sources';

/**
 * A document joined to an email. The request carries what identifies it and what it is rendered
 * from; the mail activity renders it (the workflow holds no file) and, when the version's hash is
 * already known, checks that the bytes it attaches are those.
 */
export interface DocumentAttachment {
  source: DocumentSource;
  expectedSha256: string | null;
}

/**
 * The documents an effect's emails carry: the signed convention with its certificate page for the
 * "signed by all parties" notice, the text of the next term for a renewal decision, the year's
 * report for the procureur (art. 8).
 */
export function documentAttachments(
  effect: Effect,
  context: ConventionContext,
  ledger: readonly DocumentRecord[],
): DocumentAttachment[] {
  if (effect.type === 'send-review-to-procureur') {
    const record = reportRecord(ledger, effect.term, effect.termYear);
    return record ? [{ source: record.source, expectedSha256: record.rendered?.sha256 ?? null }] : [];
  }
  if (effect.type !== 'notify-parties') return [];
  const current = currentConventionRecord(ledger);
  if (!current) return [];
  if (effect.notice === 'signatures-complete' && current.reason === 'signature' && current.rendered)
    return [
      {
        source: {
          kind: 'signed',
          convention: current.source as ConventionDocumentSource,
          sha256: current.rendered.sha256,
          signatures: signatureEntries(context.signatures),
        },
        expectedSha256: null,
      },
    ];
  if (effect.notice === 'renewal-decided' && current.reason === 'renewal' && current.term === effect.term + 1)
    return [{ source: current.source, expectedSha256: current.rendered?.sha256 ?? null }];
  return [];
}
