import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { simpleParser } from 'mailparser';
import { createMailer, TRANSIENT_MAIL_ERROR, type MailConfig } from '../../../activities/mail/mailer';
import type { MailRequest } from '../../../domain/mail/mail-request';
import { conventionCreate } from '../../support/fixtures';
import { SmtpSink } from '../../support/smtp-sink';
import { openSignatures, signAll, Simulation } from '../reminders/simulation';

/** The mailer against a real SMTP server on loopback: identities, journal, failures. */

let sink: SmtpSink;
let dir: string;
beforeEach(async () => {
  sink = await new SmtpSink().start();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iscg-mailer-'));
});
afterEach(async () => {
  await sink.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function config(overrides: Partial<MailConfig> = {}): MailConfig {
  return {
    smtpUrl: sink.url,
    outboxDir: path.join(dir, 'outbox'),
    journalDir: path.join(dir, 'journal'),
    from: 'ISCG <no-reply@iscg.test>',
    messageIdDomain: 'iscg.test',
    publicUrl: null,
    ...overrides,
  };
}

/** A salary reminder with its .ics, addressed to the employer with the préfecture in copy. */
function reminder(): MailRequest {
  const s = openSignatures(new Simulation(conventionCreate('courriel'), '2027-01-04'));
  signAll(s, '2027-01-05');
  s.goTo('2027-04-10');
  const mail = s.mails.find((m) => m.mail.id.includes('salaire-2027-03.apres-5'))!.mail;
  return mail;
}

const journal = () => fs.readdirSync(path.join(dir, 'journal')).sort();

describe('the mailer', () => {
  const request = reminder();

  it('sends once under a deterministic Message-ID; a second call finds the journal', async () => {
    const mailer = createMailer(config());
    try {
      const first = await mailer.send(request);
      const second = await mailer.send(request);
      expect(first).toMatchObject({
        status: 'sent',
        messageId: `<${request.id}@iscg.test>`,
        rejectedRecipients: [],
      });
      expect(second).toEqual({ status: 'already-sent', messageId: `<${request.id}@iscg.test>` });
      expect(sink.received).toHaveLength(1);
      const mail = sink.received[0]!;
      expect(mail.messageId).toBe(`<${request.id}@iscg.test>`);
      expect(mail.to).toEqual(['direction@accueil-mediation.example']);
      expect(mail.cc).toEqual(['iscg@nord.gouv.example']);
      expect(mail.headers['auto-submitted']).toBe('auto-generated');
      expect(mail.subject).toContain('mars 2027');
      const ics = mail.attachments.find((a) => a.filename === 'echeance.ics')!;
      expect(ics.contentType).toBe('text/calendar');
      expect(ics.content).toContain('DTSTART;VALUE=DATE:20270330');
      expect(journal()).toEqual([`${request.id}.sent`]);
    } finally {
      mailer.close();
    }
  });

  it('throws a retryable failure on a 4xx, naming no address, and leaves no doubt behind', async () => {
    const mailer = createMailer(config());
    sink.refuseNext(1, { kind: 'transient', code: 451 });
    try {
      const error = await mailer.send(request).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApplicationFailure);
      expect((error as ApplicationFailure).type).toBe(TRANSIENT_MAIL_ERROR);
      expect((error as ApplicationFailure).nonRetryable).toBe(false);
      expect((error as Error).message).toMatch(/^SMTP 451/);
      expect((error as Error).message).not.toMatch(/@/);
      expect(journal()).toEqual([]);
      // Once the relay is back, the message goes out, without any doubt of a duplicate.
      expect(await mailer.send(request)).toMatchObject({ status: 'sent' });
      expect(await mailer.send(request)).toMatchObject({ status: 'already-sent' });
      expect(sink.received).toHaveLength(1);
    } finally {
      mailer.close();
    }
  });

  it('throws a retryable failure when the relay cannot be reached', async () => {
    const mailer = createMailer(config({ smtpUrl: 'smtp://127.0.0.1:1' }));
    try {
      const error = await mailer.send(request).catch((e: unknown) => e);
      expect((error as ApplicationFailure).type).toBe(TRANSIENT_MAIL_ERROR);
      expect(journal()).toEqual([]);
    } finally {
      mailer.close();
    }
  });

  it('returns a 5xx as rejected, and a refused address as a partial delivery', async () => {
    const mailer = createMailer(config());
    try {
      sink.refuseNext(1, { kind: 'permanent', code: 554 });
      const rejected = await mailer.send(request);
      expect(rejected).toMatchObject({ status: 'rejected' });
      expect((rejected as { reason: string }).reason).toMatch(/^SMTP 554/);

      sink.refusedRecipients.add('iscg@nord.gouv.example');
      const partial = await mailer.send({ ...request, id: `${request.id}.bis` });
      expect(partial).toMatchObject({ status: 'sent', rejectedRecipients: ['iscg@nord.gouv.example'] });
      expect(sink.received.at(-1)!.envelopeTo).toEqual(['direction@accueil-mediation.example']);

      sink.refusedRecipients.add('direction@accueil-mediation.example');
      const none = await mailer.send({ ...request, id: `${request.id}.ter` });
      expect(none).toMatchObject({ status: 'rejected' });
      expect((none as { reason: string }).reason).toMatch(/^SMTP 550 \(RCPT TO\)/);
      expect((none as { reason: string }).reason).not.toMatch(/@/);
    } finally {
      mailer.close();
    }
  });

  it('the residual window: accepted, then the attempt dies before the journal; the retry sends again, flagged', async () => {
    const mailer = createMailer(config());
    try {
      await mailer.send(request);
      // What a crash right after the relay's 250 leaves: the intent, not the record.
      fs.renameSync(
        path.join(dir, 'journal', `${request.id}.sent`),
        path.join(dir, 'journal', `${request.id}.sending`),
      );
      const again = await mailer.send(request);
      expect(again).toMatchObject({ status: 'sent', possibleDuplicate: true });
      // Detected at the receiver: the same Message-ID twice.
      expect(sink.received.map((m) => m.messageId)).toEqual([
        `<${request.id}@iscg.test>`,
        `<${request.id}@iscg.test>`,
      ]);
      expect(journal()).toEqual([`${request.id}.sent`]);
    } finally {
      mailer.close();
    }
  });

  it('writes .eml files to the outbox when no SMTP URL is set', async () => {
    const mailer = createMailer(config({ smtpUrl: null }));
    try {
      expect(await mailer.send(request)).toMatchObject({ status: 'sent' });
      expect(await mailer.send(request)).toMatchObject({ status: 'already-sent' });
      const eml = await simpleParser(fs.readFileSync(path.join(dir, 'outbox', `${request.id}.eml`)));
      expect(eml.messageId).toBe(`<${request.id}@iscg.test>`);
      expect(sink.received).toHaveLength(0);
    } finally {
      mailer.close();
    }
  });

  it('records a message without any address as rejected, without sending', async () => {
    const mailer = createMailer(config());
    try {
      expect(await mailer.send({ ...request, to: [], cc: [] })).toMatchObject({ status: 'rejected' });
      expect(sink.received).toHaveLength(0);
    } finally {
      mailer.close();
    }
  });
});
