import { metricMeter, proxyLocalActivities } from '@temporalio/workflow';
import type { ConventionActivities } from '../activities';
import type { MailRequest } from '../domain/mail/mail-request';
import type { ConventionRuntime, Due } from '../domain/runtime/convention-runtime';
import { REFUSED_EMAILS_METRIC } from '../domain/temporal-contract';

/**
 * Emails go out as one local activity per wake-up, with every message due at that moment: a
 * reminder then costs a marker in the history instead of a scheduled activity and a second
 * workflow task, which keeps a whole term well under a thousand events. Transient SMTP failures
 * (4xx, connection lost) retry with backoff; permanent ones (5xx) come back as `rejected`
 * outcomes, recorded on the convention.
 */
const mailOptions = {
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '1 hour' },
} as const;
/**
 * Every retry waits on a durable timer (each backoff is over the threshold). Retried inside the
 * worker, as runs recorded before are for a minute, a relay down held the workflow task open:
 * transitions sent meanwhile waited for its heartbeats, and those heartbeats are tasks without
 * commands, which the SDK's replay has been known to group with the next task otherwise than the
 * run did (temporalio/sdk-core, workflow task chunking).
 */
const { sendMails } = proxyLocalActivities<ConventionActivities>({
  ...mailOptions,
  localRetryThreshold: '1 second',
});
/** Runs recorded before: retried inside the worker for a minute. */
const { sendMails: sendMailsRetryingInWorker } = proxyLocalActivities<ConventionActivities>({
  ...mailOptions,
  localRetryThreshold: '1 minute',
});

/** Sends what is due in one local activity, and records each message's outcome on the convention. */
export class MailDelivery {
  private readonly send: typeof sendMails;
  private readonly refusedEmails = metricMeter.createCounter(
    REFUSED_EMAILS_METRIC,
    'messages',
    'Courriels refusés définitivement par le serveur de messagerie',
  );

  constructor(
    private readonly runtime: ConventionRuntime,
    retriesByTimer: boolean,
  ) {
    this.send = retriesByTimer ? sendMails : sendMailsRetryingInWorker;
  }

  async deliver({ mails: batch }: Due): Promise<void> {
    if (batch.length === 0) return;
    const issuedAt = Date.now();
    const outcomes = await this.send.executeWithOptions({ summary: batchSummary(batch) }, [
      batch.map((mail) => ({ ...mail, issuedAt })),
    ]);
    batch.forEach((mail, i) => {
      // Not a command: nothing in the history changes, and a replay does not count again.
      if (this.runtime.recordOutcome(mail, outcomes[i]!, Date.now()))
        this.refusedEmails.add(1, { kind: mail.kind });
    });
  }
}

/** The local activity's summary in the UI: what goes out, in French, without any address. */
function batchSummary(mails: MailRequest[]): string {
  if (mails.length === 1) return mails[0]!.summary;
  const listed = mails
    .slice(0, 3)
    .map((m) => m.summary)
    .join(' ; ');
  return `${mails.length} courriels: ${listed}${mails.length > 3 ? ' ; …' : ''}`;
}
