import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { PostgresqlJournal } from '../../activities/mail/journal';
import { createMailer, TRANSIENT_MAIL_ERROR, type Mailer } from '../../activities/mail/mailer';
import type { MailRequest } from '../../domain/mail/mail-request';
import { PostgresqlCluster } from '../support/postgresql';
import { FaultSmtpRelay } from '../support/faults-smtp';
import { ROOT } from '../support/stack';
import { openSignatures, signAll, Simulation } from '../unit/reminders/simulation';
import { conventionCreate } from '../support/fixtures';

/**
 * The mail journal in PostgreSQL, on a real server and a real SMTP server on loopback: its
 * database set up by the job (role, database, versioned schema, twice), a worker refusing a
 * schema behind its code, two workers ("two hosts": a pool each, nothing else shared) sending
 * the same messages at once and the relay receiving each once, and the residual window: a
 * worker whose connection dies mid-exchange, a PostgreSQL restart before the outcome is written.
 */

jest.setTimeout(300_000);

const password = randomBytes(12).toString('base64url');
const journalPassword = randomBytes(12).toString('base64url');
let cluster: PostgresqlCluster;
let sink: FaultSmtpRelay;
let dir: string;
let url: string;
const journals: PostgresqlJournal[] = [];
const mailers: Mailer[] = [];

function setupJob(databaseUrl: string) {
  return spawnSync(path.join(ROOT, 'deploy', 'docker-entrypoint.sh'), ['setup-database', 'mail-journal'], {
    env: {
      PATH: process.env.PATH,
      POSTGRES_SEEDS: '127.0.0.1',
      DB_PORT: String(cluster.port),
      POSTGRES_USER: 'temporal',
      POSTGRES_PWD: password,
      ISCG_MAIL_JOURNAL_URL: databaseUrl,
    },
    encoding: 'utf8',
    timeout: 120_000,
  });
}

async function journal(): Promise<PostgresqlJournal> {
  const opened = await PostgresqlJournal.connect(url, () => undefined);
  journals.push(opened);
  return opened;
}

async function mailer(): Promise<Mailer> {
  const created = createMailer({
    smtpUrl: sink.url,
    outboxDir: path.join(dir, 'outbox'),
    journalDir: path.join(dir, 'unused'),
    journal: await journal(),
    from: 'ISCG <no-reply@iscg.test>',
    messageIdDomain: 'iscg.test',
    publicUrl: null,
  });
  mailers.push(created);
  return created;
}

/** Salary reminders of one convention, each with its own id. */
function requests(count: number): MailRequest[] {
  const s = openSignatures(new Simulation(conventionCreate('journal'), '2027-01-04'));
  signAll(s, '2027-01-05');
  s.goTo('2027-12-20');
  const all = s.mails.map((m) => m.mail).filter((m) => m.to.length > 0);
  expect(all.length).toBeGreaterThanOrEqual(count);
  return all.slice(0, count);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iscg-journal-'));
  cluster = await new PostgresqlCluster({ superuser: 'temporal', password }).start();
  url = cluster.url('iscg_mail', 'iscg_mail', journalPassword);
  sink = await new FaultSmtpRelay().start();
});

afterAll(async () => {
  for (const m of mailers) m.close();
  for (const j of journals) await j.close().catch(() => undefined);
  await sink?.stop();
  await cluster?.remove();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the set-up job creates the role, the database and the schema, and a second run changes nothing', async () => {
  const first = setupJob(url);
  expect({ status: first.status, output: first.stdout + first.stderr }).toMatchObject({ status: 0 });
  expect(first.stdout).toContain('rôle iscg_mail: créé');
  expect(first.stdout).toContain('base iscg_mail: créée, propriété de iscg_mail');
  expect(first.stdout).toMatch(/migration \d+_mail-messages: appliquée/);
  const again = setupJob(url);
  expect(again.status).toBe(0);
  expect(again.stdout).toContain('base iscg_mail: existe déjà');
  expect(again.stdout).not.toContain('appliquée');
  // The tables belong to the journal's role; other roles cannot even connect.
  const owners = await cluster.query<{ owner: string }>(
    'iscg_mail',
    "SELECT tableowner AS owner FROM pg_tables WHERE tablename = 'mail_messages'",
  );
  expect(owners).toEqual([{ owner: 'iscg_mail' }]);
  const access = await cluster.query<{ connect: boolean }>(
    'postgres',
    "SELECT has_database_privilege('pg_monitor', 'iscg_mail', 'CONNECT') AS connect",
  );
  expect(access).toEqual([{ connect: false }]);
  // A URL the job cannot use says which variable and why.
  const bad = setupJob('postgres://iscg_mail@127.0.0.1/iscg_mail');
  expect(bad.status).toBe(1);
  expect(bad.stderr).toContain('ISCG_MAIL_JOURNAL_URL: le rôle, le mot de passe et la base sont requis');
});

test('a worker refuses a journal whose schema is behind its code', async () => {
  await cluster.query('postgres', 'CREATE DATABASE behind');
  await expect(PostgresqlJournal.connect(cluster.url('behind'), () => undefined)).rejects.toThrow(
    /migrations manquantes: \d+_mail-messages.*setup-database mail-journal/,
  );
});

test('two workers sharing only the journal send each message once, however they race', async () => {
  const [hostA, hostB] = [await mailer(), await mailer()];
  const batch = requests(12);
  const outcomes: string[] = [];
  await Promise.all(
    batch.flatMap((request) =>
      [hostA, hostB, hostA].map(async (m) => {
        try {
          outcomes.push((await m.send(request)).status);
        } catch (error) {
          // The one that found the other in the SMTP exchange: a retryable failure, no send.
          expect(error).toBeInstanceOf(ApplicationFailure);
          expect((error as ApplicationFailure).type).toBe(TRANSIENT_MAIL_ERROR);
          expect((error as Error).message).toBe('envoi en cours sur un autre worker');
          outcomes.push('busy');
        }
      }),
    ),
  );
  const ids = sink.received.map((m) => m.messageId);
  expect(new Set(ids).size).toBe(batch.length);
  expect(ids).toHaveLength(batch.length);
  expect(outcomes.filter((o) => o === 'sent')).toHaveLength(batch.length);
  expect(outcomes.filter((o) => o === 'sent' || o === 'already-sent' || o === 'busy')).toHaveLength(
    3 * batch.length,
  );
  // A retry afterwards, on either host, finds each one sent.
  for (const request of batch) expect((await hostB.send(request)).status).toBe('already-sent');
  const rows = await cluster.query<{ state: string; attempts: number }>(
    'iscg_mail',
    'SELECT state, attempts FROM mail_messages WHERE id = ANY($1)',
    [batch.map((r) => r.id)],
  );
  expect(rows.every((r) => r.state === 'sent' && r.attempts === 1)).toBe(true);
});

test('a worker that dies mid-exchange frees its claim; the next attempt sends again, flagged', async () => {
  const [request] = requests(13).slice(12);
  const dying = await journal();
  const claim = await dying.claim(request!.id, `<${request!.id}@iscg.test>`, Date.now());
  expect(claim).toMatchObject({ status: 'claimed', possibleDuplicate: false });
  // Meanwhile, another worker is told to wait.
  const other = await journal();
  expect(await other.claim(request!.id, `<${request!.id}@iscg.test>`, Date.now())).toEqual({
    status: 'busy',
  });
  // The first worker's host vanishes: PostgreSQL ends its session, and the lock with it.
  await cluster.query(
    'postgres',
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'iscg_mail' AND pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory')",
  );
  // What the dying worker still tries goes nowhere.
  if (claim.status === 'claimed') await expect(claim.settle({ kind: 'unknown' })).rejects.toThrow();
  const host = await mailer();
  const before = sink.received.length;
  const outcome = await host.send(request!);
  expect(outcome).toMatchObject({ status: 'sent', possibleDuplicate: true });
  expect(sink.received.length).toBe(before + 1);
});

test('PostgreSQL restarting before the outcome is written: the message counts as sent, the journal keeps the doubt', async () => {
  const [request] = requests(14).slice(13);
  const host = await mailer();
  // The relay has the message and holds its 250 while PostgreSQL restarts.
  const restarted = sink.interceptNext(async () => {
    await cluster.stop('SIGINT');
    await cluster.startServer();
  }, 60_000);
  const outcome = await host.send(request!);
  expect(await restarted).not.toBeNull();
  expect(outcome).toMatchObject({ status: 'sent' });
  const rows = await cluster.query<{ state: string }>(
    'iscg_mail',
    'SELECT state FROM mail_messages WHERE id = $1',
    [request!.id],
  );
  expect(rows).toEqual([{ state: 'sending' }]);
  // Were the batch retried, the message would go again under the same Message-ID, flagged.
  const retry = await (await mailer()).send(request!);
  expect(retry).toMatchObject({ status: 'sent', possibleDuplicate: true });
  expect(sink.received.filter((m) => m.messageId === `<${request!.id}@iscg.test>`)).toHaveLength(2);
});
