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

export interface IcsEvent {
  uid: string;
  /** Civil date of the deadline or meeting. */
  date: string;
  /** Local start time "HH:MM"; absent for an all-day deadline. */
  time: string | null;
  durationMinutes: number;
  zone: string;
  title: string;
  location: string | null;
}

export interface MailRequest {
  /** Deterministic identity of this occurrence; also the Message-ID's local part. */
  id: string;
  conventionId: string;
  kind: MailKind;
  template: string;
  /** One French line for operators (activity summary in the Temporal UI); never personal data. */
  summary: string;
  to: Recipient[];
  cc: Recipient[];
  data: Record<string, unknown>;
  ics: IcsEvent | null;
}

export type MailOutcome =
  | { status: 'sent'; messageId: string; acceptedAt: number; rejectedRecipients: string[] }
  | { status: 'already-sent'; messageId: string }
  | { status: 'rejected'; messageId: string; reason: string };
