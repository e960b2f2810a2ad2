import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Pool, type PoolClient } from 'pg';
import { DATABASES, missingMigrations } from '../../database/databases';

/**
 * The mail journal: what makes a retried or re-run activity send each message once
 * (docs/reminders.md, "Exactly once"). Before the SMTP exchange the worker claims the message;
 * after it, it settles the claim with what it knows: accepted (sent), certainly not accepted
 * (nothing at the server), or unknown (the connection broke mid-exchange: the residual window).
 * A later attempt that finds the message sent answers "already sent"; one that finds an unknown
 * outcome sends again under the same Message-ID and says it may be a duplicate.
 *
 * Two journals: a folder (the embedded default, one host, or hosts sharing a file system) and a
 * PostgreSQL database (workers on several hosts: a claim is a transaction under a lock held for
 * the whole exchange, so two workers never send the same message at once).
 */

export type SettledOutcome =
  | { kind: 'sent'; acceptedAt: number; refusedRecipients: number }
  | { kind: 'nothing-sent' }
  | { kind: 'unknown' };

export type Claim =
  | { status: 'sent' }
  /** Another worker is in the middle of sending it: try again later. */
  | { status: 'busy' }
  | {
      status: 'claimed';
      /** An earlier exchange for this message ended without a known outcome. */
      possibleDuplicate: boolean;
      settle(outcome: SettledOutcome): Promise<void>;
    };

export interface MailJournal {
  /** What it is, for the worker's start-up line. */
  readonly description: string;
  isSent(id: string): Promise<boolean>;
  claim(id: string, messageId: string, startedAt: number): Promise<Claim>;
  close(): Promise<void>;
}

/**
 * Two files per message in a folder: `<id>.sending` is written (and synced) before the SMTP
 * exchange; `<id>.sent` replaces it once the server has accepted the message. Exactly once holds
 * between the workers that share the folder.
 */
export class FolderJournal implements MailJournal {
  private prepared: Promise<unknown> | null = null;

  constructor(private readonly dir: string) {}

  get description(): string {
    return `dossier ${this.dir}`;
  }

  private file(id: string, state: 'sending' | 'sent') {
    return path.join(this.dir, `${id}.${state}`);
  }

  private async has(id: string, state: 'sending' | 'sent'): Promise<boolean> {
    try {
      await fs.access(this.file(id, state));
      return true;
    } catch {
      return false;
    }
  }

  private async writeSynced(file: string, content: string) {
    await (this.prepared ??= fs.mkdir(this.dir, { recursive: true, mode: 0o700 }));
    const temporary = `${file}.${process.pid}.tmp`;
    const handle = await fs.open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temporary, file);
  }

  isSent(id: string): Promise<boolean> {
    return this.has(id, 'sent');
  }

  async claim(id: string, messageId: string, startedAt: number): Promise<Claim> {
    if (await this.has(id, 'sent')) return { status: 'sent' };
    const possibleDuplicate = await this.has(id, 'sending');
    await this.writeSynced(this.file(id, 'sending'), `${JSON.stringify({ messageId, startedAt })}\n`);
    return {
      status: 'claimed',
      possibleDuplicate,
      settle: async (outcome) => {
        if (outcome.kind === 'unknown') return;
        if (outcome.kind === 'sent')
          await this.writeSynced(
            this.file(id, 'sent'),
            `${JSON.stringify({
              messageId,
              acceptedAt: new Date(outcome.acceptedAt).toISOString(),
              refusedRecipients: outcome.refusedRecipients,
            })}\n`,
          );
        await fs.rm(this.file(id, 'sending'), { force: true });
      },
    };
  }

  async close(): Promise<void> {}
}

/** A 64-bit advisory lock per message; a collision only makes two messages wait for each other. */
const LOCK_KEY = 'hashtextextended($1, 0)';

/**
 * The journal in its own PostgreSQL database (database/mail-journal/). A claim takes a session
 * advisory lock on the message, records the exchange (`sending`, one more attempt) and commits,
 * all in one transaction; the lock is held on that connection until the claim is settled. A
 * worker that dies, or whose host vanishes, loses its connection and with it the lock (TCP
 * keepalives bound the wait to about a minute): another worker then sees the unknown outcome
 * and sends again, flagged. While the lock is held, another worker's attempt is told `busy`.
 */
export class PostgresqlJournal implements MailJournal {
  private constructor(
    private readonly pool: Pool,
    private readonly worker: string,
    private readonly where: string,
    private readonly onError: (error: Error) => void,
  ) {}

  get description(): string {
    return `PostgreSQL ${this.where}`;
  }

  /**
   * Connects and checks that the schema is this code's (the set-up job migrates it). `onError`
   * hears of connections lost while idle (a PostgreSQL restart): the pool replaces them.
   */
  static async connect(url: string, onError: (error: Error) => void): Promise<PostgresqlJournal> {
    const pool = new Pool({
      connectionString: url,
      max: 10,
      connectionTimeoutMillis: 10_000,
      query_timeout: 15_000,
      keepAlive: true,
      application_name: 'iscg-worker',
      // The server drops the session of a worker that no longer answers, and frees its claims.
      options: '-c tcp_keepalives_idle=20 -c tcp_keepalives_interval=10 -c tcp_keepalives_count=3',
    });
    pool.on('error', onError);
    const { hostname, port, pathname } = new URL(url);
    const journal = new PostgresqlJournal(
      pool,
      `${os.hostname()}:${process.pid}`,
      `${hostname}:${port || 5432}${pathname}`,
      onError,
    );
    let client: PoolClient;
    try {
      client = await pool.connect();
      client.on('error', onError);
    } catch (error) {
      await pool.end();
      throw new Error(`journal des courriels injoignable (${journal.where}): ${(error as Error).message}`, {
        cause: error,
      });
    }
    try {
      const missing = await missingMigrations(client, DATABASES['mail-journal']!);
      if (missing.length > 0)
        throw new Error(
          `schéma du journal des courriels en retard (${journal.where}), migrations manquantes: ${missing.join(', ')}; ` +
            'lancez le job de mise en place (docker-entrypoint.sh setup-database mail-journal)',
        );
    } catch (error) {
      client.off('error', onError);
      client.release();
      await pool.end();
      throw error;
    }
    client.off('error', onError);
    client.release();
    return journal;
  }

  async isSent(id: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ state: string }>(
      'SELECT state FROM mail_messages WHERE id = $1',
      [id],
    );
    return rows[0]?.state === 'sent';
  }

  async claim(id: string, messageId: string, startedAt: number): Promise<Claim> {
    const client = await this.pool.connect();
    // A connection lost while checked out (PostgreSQL restarting) is reported on the client, not
    // the pool: heard here, so that the next query fails rather than the process.
    const lost = (error: Error) => this.onError(error);
    client.on('error', lost);
    const release = (error?: Error) => {
      client.off('error', lost);
      client.release(error);
    };
    let previous: string | undefined;
    try {
      await client.query('BEGIN');
      const locked = (
        await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${LOCK_KEY}) AS locked`, [id])
      ).rows[0]!.locked;
      if (!locked) {
        await client.query('ROLLBACK');
        release();
        return { status: 'busy' };
      }
      previous = (
        await client.query<{ state: string }>('SELECT state FROM mail_messages WHERE id = $1', [id])
      ).rows[0]?.state;
      if (previous === 'sent') {
        await client.query('COMMIT');
        await client.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`, [id]);
        release();
        return { status: 'sent' };
      }
      await client.query(
        `INSERT INTO mail_messages (id, message_id, state, attempts, claimed_by, claimed_at)
         VALUES ($1, $2, 'sending', 1, $3, to_timestamp($4 / 1000.0))
         ON CONFLICT (id) DO UPDATE SET state = 'sending', attempts = mail_messages.attempts + 1,
           claimed_by = excluded.claimed_by, claimed_at = excluded.claimed_at`,
        [id, messageId, this.worker, startedAt],
      );
      await client.query('COMMIT');
    } catch (error) {
      // A broken connection, or a statement refused: the session goes, and its lock with it.
      release(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    return {
      status: 'claimed',
      possibleDuplicate: previous === 'sending',
      settle: async (outcome) => {
        try {
          if (outcome.kind === 'sent')
            await client.query(
              `UPDATE mail_messages SET state = 'sent', accepted_at = to_timestamp($2 / 1000.0),
                 refused_recipients = $3 WHERE id = $1`,
              [id, outcome.acceptedAt, outcome.refusedRecipients],
            );
          else if (outcome.kind === 'nothing-sent')
            await client.query(`UPDATE mail_messages SET state = 'failed' WHERE id = $1`, [id]);
          await client.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`, [id]);
          release();
        } catch (error) {
          release(error instanceof Error ? error : new Error(String(error)));
          throw error;
        }
      },
    };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
