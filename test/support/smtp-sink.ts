import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  messageId: string;
  subject: string;
  to: string[];
  cc: string[];
  text: string;
  html: string;
  date: Date;
  receivedAt: number;
  /** The SMTP envelope's recipients (RCPT TO accepted), lower-cased. */
  envelopeTo: string[];
  headers: Record<string, string>;
  attachments: { filename: string | undefined; contentType: string; content: string; bytes: Buffer }[];
}

/** What the sink answers: accept, refuse for now (4xx), or refuse for good (5xx). */
export type SinkMode =
  { kind: 'accept' } | { kind: 'transient'; code?: number } | { kind: 'permanent'; code?: number };

/**
 * A real SMTP server on loopback (the `smtp-server` package) that keeps what it receives and can
 * refuse mail on demand: the tests' stand-in for a mail relay.
 */
export class SmtpSink {
  readonly received: ReceivedMail[] = [];
  /** Messages accepted, and their distinct Message-IDs: all a sink that does not parse keeps. */
  accepted = 0;
  readonly acceptedIds = new Set<string>();
  mode: SinkMode = { kind: 'accept' };
  /** Recipients refused with 550 at RCPT time while the others are accepted. */
  readonly refusedRecipients = new Set<string>();
  refusals = 0;
  /** While above zero, each DATA is refused with this mode and the count goes down (then back to `mode`). */
  private scripted: { remaining: number; mode: SinkMode } = { remaining: 0, mode: { kind: 'accept' } };
  private server: SMTPServer;
  port = 0;

  /** `parse: false` only counts (the benchmark's fleet): parsing costs more than sending. */
  constructor(private readonly options: { parse?: boolean } = {}) {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        if (this.refusedRecipients.has(address.address.toLowerCase())) {
          const error = Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 });
          return callback(error);
        }
        callback();
      },
      onData: (stream, session, callback) => {
        let mode = this.mode;
        if (this.scripted.remaining > 0) {
          this.scripted.remaining--;
          mode = this.scripted.mode;
        }
        const envelopeTo = session.envelope.rcptTo.map((a) => a.address.toLowerCase());
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (mode.kind !== 'accept') {
            this.refusals++;
            const code = mode.code ?? (mode.kind === 'transient' ? 451 : 554);
            return callback(
              Object.assign(new Error(mode.kind === 'transient' ? 'Try again later' : 'Rejected'), {
                responseCode: code,
              }),
            );
          }
          const raw = Buffer.concat(chunks);
          this.accepted++;
          if (this.options.parse === false) {
            const id = /^message-id:\s*(\S+)/im.exec(raw.toString('latin1'))?.[1];
            if (id) this.acceptedIds.add(id);
            return callback();
          }
          simpleParser(raw)
            .then((mail) => {
              this.received.push({ ...toReceived(mail), envelopeTo });
              callback();
            })
            .catch((error: Error) => callback(error));
        });
      },
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  byMessageId(): Map<string, ReceivedMail[]> {
    const map = new Map<string, ReceivedMail[]>();
    for (const mail of this.received) map.set(mail.messageId, [...(map.get(mail.messageId) ?? []), mail]);
    return map;
  }

  clear(): void {
    this.received.length = 0;
  }

  /** Waits (real time) until no message has come in for `quietMs`, then returns all it received. */
  async settled(quietMs: number): Promise<ReceivedMail[]> {
    let count = -1;
    while (count !== this.received.length) {
      count = this.received.length;
      await new Promise((resolve) => setTimeout(resolve, quietMs));
    }
    return this.received;
  }

  /** Refuses the next `count` messages (at the end of DATA) with `mode`, then answers as `mode` says. */
  refuseNext(count: number, mode: Exclude<SinkMode, { kind: 'accept' }>): void {
    this.scripted = { remaining: count, mode };
  }

  /** Resolves once `count` messages have been received; rejects after `timeoutMs` of real time. */
  async waitFor(count: number, timeoutMs = 10_000): Promise<ReceivedMail[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline)
        throw new Error(`SMTP sink: ${this.received.length} message(s) received, ${count} expected`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.received;
  }
}

function addresses(field: ParsedMail['to']): string[] {
  if (!field) return [];
  const list = Array.isArray(field) ? field : [field];
  return list.flatMap((a) => a.value.map((v) => (v.address ?? '').toLowerCase()));
}

function toReceived(mail: ParsedMail): Omit<ReceivedMail, 'envelopeTo'> {
  const headers: Record<string, string> = {};
  for (const [key, value] of mail.headers)
    headers[key] = typeof value === 'string' ? value : JSON.stringify(value);
  return {
    messageId: mail.messageId ?? '',
    subject: mail.subject ?? '',
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    text: mail.text ?? '',
    html: typeof mail.html === 'string' ? mail.html : '',
    date: mail.date ?? new Date(0),
    receivedAt: Date.now(),
    headers,
    attachments: mail.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: a.content.toString('utf8'),
      bytes: a.content,
    })),
  };
}
