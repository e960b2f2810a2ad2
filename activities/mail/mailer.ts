import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type { MailOutcome, MailRequest } from '../../domain/mail/mail-request';
import { renderMail, type RenderedMail } from './render';

export interface MailConfig {
  /** smtp://user:pass@host:port or smtps://…; absent: mail is written to `outboxDir` as .eml files. */
  smtpUrl: string | null;
  outboxDir: string;
  /** One file per message accepted by SMTP: a retried activity finds it and does not send twice. */
  journalDir: string;
  from: string;
  messageIdDomain: string;
  publicUrl: string | null;
}

export interface Mailer {
  send(request: MailRequest): Promise<MailOutcome>;
  close(): void;
}

/** A 5xx SMTP reply: the server will give it again, so retrying cannot help. */
function isPermanent(error: unknown): error is { responseCode: number; message: string } {
  const code = (error as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

export function messageIdFor(request: MailRequest, domain: string): string {
  return `<${request.id}@${domain}>`;
}

function journalFile(config: MailConfig, request: MailRequest): string {
  return path.join(config.journalDir, `${request.id}.sent`);
}

async function alreadySent(config: MailConfig, request: MailRequest): Promise<boolean> {
  try {
    await fs.access(journalFile(config, request));
    return true;
  } catch {
    return false;
  }
}

async function recordSent(config: MailConfig, request: MailRequest, acceptedAt: number): Promise<void> {
  await fs.writeFile(journalFile(config, request), `${new Date(acceptedAt).toISOString()}\n`, { flag: 'w' });
}

function transportFor(config: MailConfig): Transporter {
  if (config.smtpUrl) return nodemailer.createTransport(config.smtpUrl);
  return nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
}

export function createMailer(config: MailConfig): Mailer {
  const transport = transportFor(config);
  let prepared: Promise<void> | null = null;
  const prepare = () =>
    (prepared ??= Promise.all([
      fs.mkdir(config.journalDir, { recursive: true }),
      fs.mkdir(config.outboxDir, { recursive: true }),
    ]).then(() => undefined));

  async function deliver(request: MailRequest, rendered: RenderedMail, messageId: string) {
    const message = {
      from: config.from,
      to: request.to.map((r) => r.email),
      cc: request.cc.map((r) => r.email),
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      messageId,
      headers: { 'X-ISCG-Convention': request.conventionId, 'X-ISCG-Kind': request.kind },
      icalEvent: rendered.ics
        ? { method: 'REQUEST', filename: 'invitation.ics', content: rendered.ics }
        : undefined,
    };
    const info = (await transport.sendMail(message)) as { message?: Buffer; rejected?: unknown[] };
    if (!config.smtpUrl && info.message) {
      await fs.writeFile(path.join(config.outboxDir, `${request.id}.eml`), info.message);
    }
    return (info.rejected ?? []).map(String);
  }

  return {
    async send(request) {
      await prepare();
      const messageId = messageIdFor(request, config.messageIdDomain);
      if (await alreadySent(config, request)) return { status: 'already-sent', messageId };
      if (request.to.length === 0)
        return { status: 'rejected', messageId, reason: 'aucun destinataire: adresse de contact manquante' };
      const rendered = renderMail(request, { publicUrl: config.publicUrl });
      try {
        const rejected = await deliver(request, rendered, messageId);
        const acceptedAt = Date.now();
        await recordSent(config, request, acceptedAt);
        return { status: 'sent', messageId, acceptedAt, rejectedRecipients: rejected };
      } catch (error) {
        if (isPermanent(error))
          return { status: 'rejected', messageId, reason: `SMTP ${error.responseCode}: ${error.message}` };
        throw error;
      }
    },
    close() {
      transport.close();
    },
  };
}
