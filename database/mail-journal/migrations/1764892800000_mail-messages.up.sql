-- The mail journal (activities/mail/journal.ts): one row per message a worker has begun to send.
-- A claim is a transaction under an advisory lock held for the whole SMTP exchange, so two
-- workers, on two hosts, never send the same message at once; `sent` is written once the SMTP
-- server has accepted it, and a retried attempt then answers "already sent".
CREATE TABLE mail_messages (
  -- The mail request's id, the same on every attempt (the workflow derives it).
  id text PRIMARY KEY,
  message_id text NOT NULL,
  -- sending: an SMTP exchange began and its outcome is unknown (the residual window);
  -- sent: the server accepted the message; failed: the last attempt left nothing at the server.
  state text NOT NULL CHECK (state IN ('sending', 'sent', 'failed')),
  -- SMTP exchanges begun, over every attempt and every worker.
  attempts integer NOT NULL CHECK (attempts > 0),
  -- Which worker (host:pid) began the last exchange, and when.
  claimed_by text NOT NULL,
  claimed_at timestamptz NOT NULL,
  -- On the workflow's clock, as in the folder journal.
  accepted_at timestamptz,
  refused_recipients integer,
  CHECK ((state = 'sent') = (accepted_at IS NOT NULL))
);

-- What an operator looks for: exchanges left in the residual window, oldest first.
CREATE INDEX mail_messages_unsettled ON mail_messages (claimed_at) WHERE state <> 'sent';
