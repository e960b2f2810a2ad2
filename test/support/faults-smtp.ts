import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One message the relay accepted (it answered, or was about to answer, 250 to the end of DATA). */
export interface RelayedMail {
  messageId: string;
  /** RCPT TO, lower-cased, sorted. */
  envelopeTo: string[];
  subject: string;
  receivedAt: number;
  /** The 250 was held while the worker was killed: the sender never read it (the residual window). */
  replyWithheld: boolean;
}

/**
 * The mail relay of the fault suites: a real SMTP server on loopback that keeps every message it
 * accepts, can refuse mail for a while (451, as a relay that is overloaded or down for
 * maintenance), and can hold its 250 reply to the next message while the test kills the worker,
 * which puts the mailer exactly in its residual window (docs/reminders.md).
 */
export class FaultSmtpRelay {
  readonly received: RelayedMail[] = [];
  /** Addresses refused with 550 at RCPT time while the others are accepted. */
  readonly refusedRecipients = new Set<string>();
  refusals = 0;
  private refusing = false;
  private interception: ((mail: RelayedMail) => Promise<void>) | null = null;
  private readonly server: SMTPServer;
  port = 0;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      // Stopping the relay must not wait for a killed worker's connection to time out.
      closeTimeout: 1000,
      // A relay with credentials in SMTP_URL: any login is accepted, the point is not to leak it.
      allowInsecureAuth: true,
      onAuth: (_auth, _session, callback) => callback(null, { user: 'iscg' }),
      onRcptTo: (address, _session, callback) => {
        if (!this.refusedRecipients.has(address.address.toLowerCase())) return callback();
        callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (this.refusing) {
            this.refusals++;
            return callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
          }
          const envelopeTo = session.envelope.rcptTo.map((a) => a.address.toLowerCase()).sort();
          simpleParser(Buffer.concat(chunks), { skipHtmlToText: true, skipTextToHtml: true })
            .then(async (parsed) => {
              const mail: RelayedMail = {
                messageId: parsed.messageId ?? '',
                envelopeTo,
                subject: parsed.subject ?? '',
                receivedAt: Date.now(),
                replyWithheld: false,
              };
              // Counted before the reply: from here on the message is delivered, whatever the sender hears.
              this.received.push(mail);
              const intercept = this.interception;
              if (intercept) {
                this.interception = null;
                mail.replyWithheld = true;
                await intercept(mail);
              }
              callback();
            })
            .catch((error: Error) => callback(error));
        });
      },
    });
    // A sender killed mid-transaction resets its socket: not an error of the relay.
    this.server.on('error', () => undefined);
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Answers 451 to every message until `accept()`. */
  refuse(): void {
    this.refusing = true;
  }

  accept(): void {
    this.refusing = false;
  }

  get isRefusing(): boolean {
    return this.refusing;
  }

  /**
   * Runs `action` when the next message has been received, before the relay answers 250; resolves
   * with that message once the action is done, or with null if no message came within `timeoutMs`.
   */
  interceptNext(
    action: (mail: RelayedMail) => Promise<void>,
    timeoutMs: number,
  ): Promise<RelayedMail | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (this.interception === wrapped) this.interception = null;
        resolve(null);
      }, timeoutMs);
      const wrapped = async (mail: RelayedMail) => {
        clearTimeout(timer);
        try {
          await action(mail);
        } finally {
          resolve(mail);
        }
      };
      this.interception = wrapped;
    });
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
