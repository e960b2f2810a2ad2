import { patched, proxyActivities, upsertMemo } from '@temporalio/workflow';
import type { ConventionActivities } from '../activities';
import { describeRecord, type DocumentRecord } from '../domain/documents/ledger';
import { BesideTheLoop } from './beside-the-loop';

/**
 * A document's PDF is rendered in the worker, which answers its SHA-256; the workflow keeps the
 * hash. Rendering is deterministic, so a failure is a defect to fix: it retries until it renders.
 */
const { renderDocument } = proxyActivities<ConventionActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '30 minutes' },
});

/** The renderings of the convention's versions whose hash is not known yet, beside the main loop. */
export class DocumentRenders extends BesideTheLoop<string> {
  constructor(
    private readonly documents: DocumentRecord[],
    /** Told when a version gets its hash (the state changed). */
    private readonly onRendered: () => void,
  ) {
    super();
  }

  /** Starts the rendering of every version without a hash that is not rendering already. */
  renderPending(): void {
    for (const record of this.documents)
      if (!record.rendered && !this.isRunning(record.key)) this.track(record.key, this.render(record));
  }

  private async render(record: DocumentRecord): Promise<void> {
    const rendered = await renderDocument.executeWithOptions(
      { summary: `Rendu du document — ${describeRecord(record)} — période ${record.term}` },
      [{ source: record.source }],
    );
    record.rendered = rendered;
    this.onRendered();
    // The task that learns the hash records it, so that it is never a task without commands: the
    // SDK's replay may merge such a task with the next one (a SIGN, often), and run the update
    // before the rendering it came after.
    if (patched('rendering-in-memo'))
      upsertMemo({
        [`document:${record.key}`]: {
          version: record.version,
          sha256: rendered.sha256,
          pages: rendered.pages,
        },
      });
  }
}
