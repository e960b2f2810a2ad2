/**
 * An email the convention asks to send, fully decided by pure code (who, what, when); the
 * activity only renders its template and hands it to SMTP. Recipients are read from the
 * convention's current contacts when the request is built.
 */
export const MAIL_KINDS = ['reminder', 'notice', 'convocation', 'procureur', 'aniscg'] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

export interface Recipient {
  partyId: string | null;
  email: string;
}

/** A calendar entry attached as an .ics file. */
export interface IcsEvent {
  /** Stable per deadline or meeting, so each new message updates the same calendar entry. */
  uid: string;
  /** Civil date of the deadline or meeting. */
  date: string;
  /** Start instant (epoch ms) of a meeting; null for an all-day deadline. */
  start: number | null;
  durationMinutes: number;
  /** The département's zone, to say in words which local time is meant. */
  zone: string;
  title: string;
  description: string | null;
  location: string | null;
  /** Grows with each message about the same entry, so calendars keep the latest. */
  sequence: number;
  /** DTSTAMP: the instant the message was planned for, so a re-rendered file is identical. */
  stamp: number;
}

import type { DocumentAttachment } from '../documents/attachments';

export interface MailRequest {
  /** Deterministic identity of this occurrence; also the Message-ID's local part. */
  id: string;
  conventionId: string;
  /** When the convention asked for it (workflow time): the message's Date, at the earliest. */
  issuedAt?: number;
  kind: MailKind;
  template: string;
  /** One French line for operators (activity summary in the Temporal UI); never personal data. */
  summary: string;
  to: Recipient[];
  cc: Recipient[];
  data: Record<string, unknown>;
  ics: IcsEvent | null;
  /** Documents rendered by the activity and joined as PDF files (docs/documents.md). */
  attachments?: DocumentAttachment[];
}

/** Why the mailer refuses a message that has no address to go to (a party without contact). */
export const NO_RECIPIENT_REASON = 'aucun destinataire: adresse de contact manquante';

export type MailOutcome =
  | {
      status: 'sent';
      messageId: string;
      acceptedAt: number;
      /** Addresses the server refused while it accepted the others. */
      rejectedRecipients: string[];
      /** An earlier attempt reached the SMTP transaction and left no trace of its end (docs/reminders.md). */
      possibleDuplicate?: boolean;
    }
  | { status: 'already-sent'; messageId: string }
  | { status: 'rejected'; messageId: string; reason: string };
