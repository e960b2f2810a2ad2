import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import nodemailer from 'nodemailer';
import type { SendMailOptions, Transporter } from 'nodemailer';
import { NO_RECIPIENT_REASON, type MailOutcome, type MailRequest } from '../../domain/mail/mail-request';
import { createDocumentRenderer, type DocumentRenderer, type RenderedFile } from '../documents/render';
import { activityClock, activityLog } from './activity-context';
import { FolderJournal, type MailJournal } from './journal';
import { loadTemplates, type MailTemplates, type RenderedMail } from './render';

export interface MailConfig {
  /** smtp://user:pass@host:port or smtps://…; absent: mail is written to `outboxDir` as .eml files. */
  smtpUrl: string | null;
  outboxDir: string;
  /** The folder journal's place (one file per message): a retried activity does not send twice. */
  journalDir: string;
  /** Another journal (PostgreSQL, for workers on several hosts); the folder one otherwise. */
  journal?: MailJournal;
  from: string;
  messageIdDomain: string;
  publicUrl: string | null;
  /** Handlebars templates; by default those beside the mailer (activities/mail/templates). */
  templatesDir?: string;
}

export interface Mailer {
  send(request: MailRequest): Promise<MailOutcome>;
  close(): void;
}

/** The error type Temporal retries with backoff: the server may accept the message later. */
export const TRANSIENT_MAIL_ERROR = 'TransientMailError';

/** The SMTP waits stay well under the activity's one-minute start-to-close timeout. */
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

export function messageIdFor(request: MailRequest, domain: string): string {
  return `<${request.id}@${domain}>`;
}

interface SmtpError {
  responseCode?: number;
  command?: string;
  code?: string;
  originalCode?: string;
  timeoutType?: string;
  message?: string;
  response?: string;
}

const NO_CONNECTION = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const SETUP_TIMEOUTS = new Set(['CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT']);

/**
 * Whether the failed attempt certainly left nothing at the server: it answered with a refusal,
 * or no session was ever opened. Otherwise (a connection lost mid-transaction) it is unknown.
 */
function nothingAccepted(error: SmtpError): boolean {
  if (typeof error.responseCode === 'number') return true;
  if (error.originalCode && NO_CONNECTION.has(error.originalCode)) return true;
  return error.timeoutType !== undefined && SETUP_TIMEOUTS.has(error.timeoutType);
}

/** A 5xx SMTP reply: the server will give it again, so retrying cannot help. */
function isPermanent(error: SmtpError): boolean {
  return typeof error.responseCode === 'number' && error.responseCode >= 500 && error.responseCode < 600;
}

const EMAIL = /[^\s<>()"',;:]+@[^\s<>()"',;:]+/g;

/** What may be said about a failure in logs, Temporal history and the convention's state: no address. */
export function describeFailure(error: unknown): string {
  const e = (error ?? {}) as SmtpError;
  const parts = [
    e.responseCode ? `SMTP ${e.responseCode}` : (e.code ?? 'erreur'),
    e.command ? `(${e.command})` : null,
    (e.response ?? e.message ?? String(error)).replace(EMAIL, '<adresse>').slice(0, 300),
  ];
  return parts.filter(Boolean).join(' ');
}

function transportFor(config: MailConfig): Transporter {
  if (config.smtpUrl) return nodemailer.createTransport({ url: config.smtpUrl, ...SMTP_TIMEOUTS });
  return nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
}

function message(
  config: MailConfig,
  request: MailRequest,
  rendered: RenderedMail,
  messageId: string,
  date: Date,
  documents: RenderedFile[],
): SendMailOptions {
  return {
    from: config.from,
    to: request.to.map((r) => r.email),
    cc: request.cc.map((r) => r.email),
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    messageId,
    date,
    headers: {
      'X-ISCG-Convention': request.conventionId,
      'X-ISCG-Kind': request.kind,
      'X-ISCG-Template': request.template,
      // RFC 3834: automatic messages; out-of-office replies should not answer them.
      'Auto-Submitted': 'auto-generated',
      'X-Auto-Response-Suppress': 'All',
    },
    attachments: [
      ...(rendered.ics
        ? [
            {
              filename: request.ics?.start === null ? 'echeance.ics' : 'reunion.ics',
              content: rendered.ics,
              contentType: 'text/calendar; charset=utf-8; method=PUBLISH',
            },
          ]
        : []),
      ...documents.map((file) => ({
        filename: file.filename,
        content: file.bytes,
        contentType: file.contentType,
      })),
    ],
  };
}

/**
 * Renders the documents a message carries. A document whose recorded hash is known must come out
 * with that hash: otherwise the template changed since its version was made, and sending another
 * text than the one recorded would be worse than sending none.
 */
async function renderAttachments(
  request: MailRequest,
  documents: () => DocumentRenderer,
): Promise<RenderedFile[]> {
  const files: RenderedFile[] = [];
  for (const attachment of request.attachments ?? []) {
    const file = await documents().render(attachment.source, 'pdf');
    if (attachment.expectedSha256 && file.sha256 !== attachment.expectedSha256)
      throw new Error(
        `document joint ${file.filename}: empreinte ${file.sha256} au lieu de ${attachment.expectedSha256} (modèle modifié depuis la version)`,
      );
    files.push(file);
  }
  return files;
}

export function createMailer(
  config: MailConfig,
  templates: MailTemplates = loadTemplates(config.templatesDir),
  documentRenderer?: DocumentRenderer,
): Mailer {
  let renderer = documentRenderer ?? null;
  const documents = () => (renderer ??= createDocumentRenderer());
  const transport = transportFor(config);
  const journal = config.journal ?? new FolderJournal(config.journalDir);
  let prepared: Promise<unknown> | null = null;
  // Emails name people and addresses: readable by the service's account only.
  const prepare = () => (prepared ??= fs.mkdir(config.outboxDir, { recursive: true, mode: 0o700 }));

  async function deliver(request: MailRequest, options: SendMailOptions): Promise<string[]> {
    const info = (await transport.sendMail(options)) as { message?: Buffer; rejected?: unknown[] };
    if (!config.smtpUrl && info.message)
      await fs.writeFile(path.join(config.outboxDir, `${request.id}.eml`), info.message, { mode: 0o600 });
    return (info.rejected ?? []).map((r) => (typeof r === 'string' ? r : (r as { address: string }).address));
  }

  return {
    async send(request) {
      await prepare();
      const log = activityLog();
      const messageId = messageIdFor(request, config.messageIdDomain);
      const about = { messageId, kind: request.kind, template: request.template };
      if (await journal.isSent(request.id)) {
        log.info('Courriel déjà envoyé: pas de second envoi', about);
        return { status: 'already-sent', messageId };
      }
      if (request.to.length === 0) return { status: 'rejected', messageId, reason: NO_RECIPIENT_REASON };

      let rendered: RenderedMail;
      let files: RenderedFile[];
      try {
        rendered = templates.render(request, { publicUrl: config.publicUrl, domain: config.messageIdDomain });
        files = await renderAttachments(request, documents);
      } catch (error) {
        // A template error is not cured by waiting: the convention records it and carries on.
        const reason = `rendu impossible: ${describeFailure(error)}`;
        log.error('Courriel non rendu', { ...about, reason });
        return { status: 'rejected', messageId, reason };
      }

      // Workflow time: on the time-skipping server the worker's clock is years behind the convention's.
      const startedAt = Math.max(request.issuedAt ?? 0, activityClock());
      const claim = await journal.claim(request.id, messageId, startedAt);
      if (claim.status === 'sent') {
        log.info('Courriel déjà envoyé: pas de second envoi', about);
        return { status: 'already-sent', messageId };
      }
      if (claim.status === 'busy') {
        // Another worker is in the SMTP exchange for it: its outcome decides; never two at once.
        log.info('Courriel en cours d’envoi par un autre worker: nouvel essai plus tard', about);
        throw ApplicationFailure.retryable('envoi en cours sur un autre worker', TRANSIENT_MAIL_ERROR);
      }
      const { possibleDuplicate } = claim;
      if (possibleDuplicate)
        log.warn(
          'Reprise d’un envoi interrompu pendant la transaction SMTP: doublon possible chez le destinataire',
          about,
        );
      let rejected: string[];
      try {
        rejected = await deliver(
          request,
          message(config, request, rendered, messageId, new Date(startedAt), files),
        );
      } catch (error) {
        const e = error as SmtpError;
        await claim.settle(nothingAccepted(e) ? { kind: 'nothing-sent' } : { kind: 'unknown' });
        const reason = describeFailure(error);
        if (isPermanent(e)) {
          log.warn('Courriel refusé définitivement', { ...about, reason });
          return { status: 'rejected', messageId, reason };
        }
        log.warn('Échec temporaire de l’envoi: nouvel essai', { ...about, reason });
        throw ApplicationFailure.retryable(reason, TRANSIENT_MAIL_ERROR);
      }
      const acceptedAt = Math.max(request.issuedAt ?? 0, activityClock());
      try {
        await claim.settle({ kind: 'sent', acceptedAt, refusedRecipients: rejected.length });
      } catch (error) {
        // The message is out: say so to the workflow, which records it and never asks again.
        // Only a retry of this batch (another message failing) would send it again, flagged.
        log.warn('Courriel accepté mais journal non écrit', { ...about, reason: describeFailure(error) });
      }
      log.info('Courriel accepté par le serveur', {
        ...about,
        recipients: request.to.length + request.cc.length,
        refused: rejected.length,
      });
      return {
        status: 'sent',
        messageId,
        acceptedAt,
        rejectedRecipients: rejected,
        ...(possibleDuplicate ? { possibleDuplicate } : {}),
      };
    },
    close() {
      transport.close();
    },
  };
}
