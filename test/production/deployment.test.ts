import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { phaseOf } from '../../domain/lifecycle/phase';
import { resolveCliPath } from '../../scripts/temporal-binaries';
import { buildFleet, FLEET_KEYS } from '../support/faults-fleet';
import { ConventionAgent, type AgentResult } from '../support/faults-driver';
import {
  judgeConventions,
  judgeMails,
  possibleDuplicatesLogged,
  workflowTaskProblems,
} from '../support/faults-check';
import { SeededRandom, runSeed } from '../support/faults-random';
import { sleep, type ManagedProcess } from '../support/faults-stack';
import { CERTIFICATE_NAMES, NAMESPACE, ProductionDeployment } from '../support/production';
import { ROOT } from '../support/stack';

/**
 * The production path, end to end, on this machine: docker-compose.yml's deployment run by its
 * own scripts and entry points (test/support/production.ts): PostgreSQL, the schema job (twice),
 * the Temporal server on PostgreSQL with mutual TLS, the namespace job, the mail journal's
 * database job (twice), two workers that share nothing but PostgreSQL, the API and the Web UI
 * server, in the production configuration (ISCG_ENV=production, secrets as files, payload
 * encryption, no development key). Then: clients without a certificate, or with one of another
 * CA, are refused and every part connects with its own; a fleet of conventions, a whole first
 * year among them, lives through the API while the Temporal server restarts, PostgreSQL
 * restarts and a worker is killed for good; nothing is lost, nothing applied twice, every email
 * arrives once (but for the documented residual window). Every figure is printed and written to
 * test-results/production/figures.json.
 */

jest.setTimeout(30 * 60_000);

const resultsDir = path.join(ROOT, 'test-results', 'production');
const seed = runSeed();
const figures: Record<string, unknown> = { seed };
let deployment: ProductionDeployment;

function jsonLines(process: ManagedProcess): Record<string, any>[] {
  return process
    .output()
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('[faults]'))
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, any>;
      } catch {
        throw new Error(`${process.name}: ligne de journal non JSON: ${line}`);
      }
    });
}

beforeAll(async () => {
  const started = Date.now();
  deployment = new ProductionDeployment({
    workers: 2,
    keys: FLEET_KEYS,
    logDir: path.join(resultsDir, 'logs'),
  });
  figures.temporalServer = {
    versions: deployment.install.versions,
    buildSeconds: deployment.install.buildSeconds,
  };
  await deployment.start();
  figures.startSeconds = Math.round((Date.now() - started) / 1000);
}, 60 * 60_000);

afterAll(async () => {
  await deployment?.stop();
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.writeFileSync(path.join(resultsDir, 'figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
  console.log(`production:\n${JSON.stringify(figures, null, 2)}`);
  await deployment?.remove();
});

test('the set-up jobs run as their containers do, and run again without changing anything', () => {
  const [schema1, schema2] = deployment.jobs.schema!;
  expect(schema1!.status).toBe(0);
  expect(schema2!.status).toBe(0);
  expect(schema1!.output).toContain('schéma Temporal à jour');
  // The second run finds both databases at the image's version.
  expect(schema2!.output).toMatch(/temporal-sql-tool|schéma Temporal à jour/);
  const [namespace] = deployment.jobs.namespace!;
  expect(namespace!.output).toContain(`namespace ${NAMESPACE}: créé`);
  expect(namespace!.output).toContain('attribut IscgNextActor (KeywordList): présent');
  const again = deployment.runNamespaceJob();
  expect(again.status).toBe(0);
  expect(again.output).toContain(`namespace ${NAMESPACE}: existe déjà`);
  const [database1, database2] = deployment.jobs.database!;
  expect(database1!.output).toContain('base iscg_mail: créée');
  expect(database1!.output).toMatch(/migration \d+_mail-messages: appliquée/);
  expect(database2!.output).toContain('base iscg_mail: existe déjà');
  expect(database2!.output).not.toContain('appliquée');
  expect(database2!.output).toContain('base iscg_mail: schéma à jour (1 migration(s))');
  figures.jobs = Object.fromEntries(
    Object.entries(deployment.jobs).map(([name, runs]) => [
      name,
      runs.map((r) => ({ status: r.status, ms: r.ms })),
    ]),
  );
});

test('mutual TLS: a client without a certificate, or with one of another CA, is refused', async () => {
  const refusals = {
    plaintext: await deployment.tryConnect(false),
    noCertificate: await deployment.tryConnect(deployment.clientTls(null)),
    ...Object.fromEntries(
      await Promise.all(
        CERTIFICATE_NAMES.filter((n) => n !== 'server').map(async (name) => [
          `foreignCa-${name}`,
          await deployment.tryConnect(deployment.clientTls(name, deployment.foreignTlsDir)),
        ]),
      ),
    ),
  };
  for (const [what, error] of Object.entries(refusals))
    expect({ what, refused: error !== null }).toEqual({ what, refused: true });
  // Why, at the TLS level: the server asks for a certificate and refuses none, or a stranger's.
  const handshakes = {
    noCertificate: await deployment.tlsHandshake(null),
    foreignCa: await deployment.tlsHandshake('worker', deployment.foreignTlsDir),
    ownCertificate: await deployment.tlsHandshake('worker'),
  };
  expect(handshakes.noCertificate).toEqual({ ok: false, code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' });
  expect(handshakes.foreignCa).toMatchObject({
    ok: false,
    code: expect.stringMatching(/^ERR_SSL_.*(BAD_CERTIFICATE|UNKNOWN_CA)/),
  });
  expect(handshakes.ownCertificate).toEqual({ ok: true, code: 'connecté (HTTP/2)' });
  figures.tlsHandshakes = handshakes;
  // And with each part's own certificate, the same call goes through.
  for (const name of CERTIFICATE_NAMES)
    expect({
      name,
      error: (await deployment.tryConnect(deployment.clientTls(name)))?.message ?? null,
    }).toEqual({
      name,
      error: null,
    });
  // An operator's temporal CLI, with the compose toolbox's environment: its certificate, then none.
  const cliEnv = deployment.serviceEnv('temporal-admin-tools');
  const cli = (env: Record<string, string>) =>
    spawnSync(resolveCliPath(), ['operator', 'namespace', 'describe', '--namespace', NAMESPACE], {
      env,
      encoding: 'utf8',
      timeout: 30_000,
    });
  const withCertificate = cli(cliEnv);
  expect({ status: withCertificate.status, output: withCertificate.stderr }).toMatchObject({ status: 0 });
  expect(withCertificate.stdout).toContain(NAMESPACE);
  const {
    TEMPORAL_TLS_CLIENT_CERT_PATH: _cert,
    TEMPORAL_TLS_CLIENT_KEY_PATH: _key,
    ...withoutCertificate
  } = cliEnv;
  expect(cli(withoutCertificate).status).not.toBe(0);
  figures.refusedClients = Object.fromEntries(
    Object.entries(refusals).map(([what, error]) => [
      what,
      (error as Error).message.split('\n')[0]!.slice(0, 160),
    ]),
  );
  figures.refusedClientsCount = Object.keys(refusals).length + 1;
});

test('workers, API and UI start from their entry points in production configuration, each with its certificate', async () => {
  for (const worker of deployment.workers) {
    const started = jsonLines(worker).find((l) => String(l.msg).startsWith('[worker] connecté'));
    expect(started).toMatchObject({
      service: 'iscg-worker',
      namespace: NAMESPACE,
      tls: true,
      encryption: true,
      prebuiltBundle: true,
      mailJournal: expect.stringMatching(/^PostgreSQL 127\.0\.0\.1:\d+\/iscg_mail$/),
    });
  }
  const api = jsonLines(deployment.api).find((l) => String(l.msg).startsWith("API à l'écoute"));
  expect(api).toMatchObject({ tls: true, encryption: true, apiKeys: FLEET_KEYS.length });
  // Production: no development key was written anywhere.
  expect(fs.existsSync(path.join(deployment.dir, 'api-data', 'dev-operator.key'))).toBe(false);
  // The Web UI server reads the namespace through its own certificate.
  let answer: Response | null = null;
  for (let attempt = 0; attempt < 120 && answer?.status !== 200; attempt++) {
    answer = await fetch(`${deployment.uiUrl}/api/v1/namespaces/${NAMESPACE}`).catch(() => null);
    if (answer?.status !== 200) await sleep(500);
  }
  expect(answer?.status).toBe(200);
  expect(((await answer!.json()) as any).namespaceInfo?.name).toBe(NAMESPACE);
});

test('a fleet lives through the API while Temporal restarts, PostgreSQL restarts and a worker dies', async () => {
  const runTag = `p${(seed % 46656).toString(36)}`;
  const plans = buildFleet(6, runTag, { reminderSlot: null });
  const phases = 3;
  const opened: boolean[] = [true, false, false];
  const waiting = [0, 0, 0];
  let finished = 0;
  const phaseOfStep = (step: number, steps: number) =>
    Math.min(phases - 1, Math.floor((phases * step) / steps));
  const entered = new Map<string, number>();
  const agents = plans.map(
    (plan) =>
      new ConventionAgent(
        deployment,
        plan,
        new SeededRandom(seed).fork(plan.conventionId),
        async (step, steps) => {
          const phase = phaseOfStep(step, steps);
          if ((entered.get(plan.conventionId) ?? 0) < phase) {
            entered.set(plan.conventionId, phase);
            waiting[phase]!++;
          }
          while (!opened[phase]) await sleep(100);
        },
      ),
  );
  const driving = Promise.all(
    agents.map(async (agent) => {
      const result = await agent.run();
      finished++;
      return result;
    }),
  );
  const reached = async (phase: number) => {
    while (waiting[phase]! + finished < agents.length) await sleep(100);
  };
  const faults: Record<string, number> = {};
  const started = Date.now();

  await reached(1);
  let at = Date.now();
  expect(await deployment.temporal.stop('SIGTERM', 30_000)).toMatchObject({ signal: null });
  await sleep(2_000);
  await deployment.startServer();
  faults.temporalRestartMs = Date.now() - at;
  opened[1] = true;

  await reached(2);
  at = Date.now();
  await deployment.postgresql.stop('SIGINT');
  await sleep(2_000);
  await deployment.postgresql.startServer();
  await deployment.waitHealthy();
  faults.postgresqlRestartMs = Date.now() - at;
  // The last third with one worker: the other was killed and stays down.
  await deployment.killWorker(0);
  faults.workerKilledAt = Date.now() - started;
  opened[2] = true;

  const results: AgentResult[] = await driving;
  const drivingSeconds = Math.round((Date.now() - started) / 1000);

  // The emails settle: every expected one received, then nothing new for a while.
  let verdicts = await judgeConventions(deployment, results, Date.now());
  let expected = verdicts.flatMap((v) => v.model.mails);
  const deadline = Date.now() + 240_000;
  let quiet = Date.now();
  let seen = deployment.relay.received.length;
  for (;;) {
    const received = new Set(deployment.relay.received.map((m) => m.messageId));
    const complete = expected.every((m) => [...received].some((id) => id.startsWith(`<${m.id}@`)));
    if (deployment.relay.received.length !== seen) {
      seen = deployment.relay.received.length;
      quiet = Date.now();
    }
    if ((complete && Date.now() - quiet > 5_000) || Date.now() > deadline) break;
    await sleep(2_000);
    verdicts = await judgeConventions(deployment, results, Date.now());
    expected = verdicts.flatMap((v) => v.model.mails);
  }
  const mails = judgeMails(expected, deployment.relay.received, possibleDuplicatesLogged(deployment));
  const client = await deployment.client('admin', deployment.encryptionKeys);
  const tasks = await workflowTaskProblems(
    client,
    verdicts.map((v) => v.conventionId),
  );
  const journal = await deployment.postgresql.query<{ state: string; n: number }>(
    'iscg_mail',
    'SELECT state, count(*)::int AS n FROM mail_messages GROUP BY state ORDER BY state',
  );

  // Operators see the fleet in the Web UI, which lists it through its own certificate.
  const listed = (await (
    await fetch(
      `${deployment.uiUrl}/api/v1/namespaces/${NAMESPACE}/workflows?query=${encodeURIComponent(`WorkflowId STARTS_WITH "convention-"`)}`,
    )
  ).json()) as { executions?: { execution: { workflowId: string } }[] };
  const inUi = new Set((listed.executions ?? []).map((e) => e.execution.workflowId));
  expect(plans.every((p) => inUi.has(p.conventionId))).toBe(true);

  const steps = results.flatMap((r) => r.steps);
  const firstYear = verdicts.find((v) => v.kind === 'full')!;
  figures.fleet = {
    conventions: plans.length,
    kinds: plans.map((p) => p.kind),
    drivingSeconds,
    faults,
    transitions: {
      planned: steps.length,
      requests: steps.reduce((n, s) => n + s.requests, 0),
      acknowledged: verdicts.reduce((n, v) => n + v.acknowledged, 0),
      appliedWithoutAnswer: verdicts.reduce((n, v) => n + v.appliedWithoutAnswer.length, 0),
      unansweredRequests: steps.reduce((n, s) => n + s.unanswered, 0),
      lost: verdicts.reduce((n, v) => n + v.lost.length, 0),
      appliedTwice: verdicts.reduce((n, v) => n + v.twice.length, 0),
      unexplainedHistoryEntries: verdicts.reduce((n, v) => n + v.model.unexplained.length, 0),
    },
    firstYear: {
      conventionId: firstYear.conventionId,
      transitions: firstYear.acknowledged,
      emails: firstYear.model.mails.length,
      phase: phaseOf(firstYear.model.snapshot),
    },
    emails: {
      expected: mails.expected,
      received: mails.received,
      duplicatedMessageIds: mails.duplicatedIds.length,
      residualWindowDuplicates: mails.residualWindow.length,
      unexplainedDuplicates: mails.unexplainedDuplicates.length,
      missing: mails.missing.length,
      unexpected: mails.unexpected.length,
      wrongRecipients: mails.wrongRecipients.length,
    },
    mailJournal: Object.fromEntries(journal.map((row) => [row.state, row.n])),
    workflowTasks: { failed: tasks.failed.length, timedOut: tasks.timedOut },
  };

  expect(results.flatMap((r) => r.failures.map((f) => `${r.plan.conventionId} ${f}`))).toEqual([]);
  expect(verdicts.flatMap((v) => v.model.unexplained)).toEqual([]);
  expect(verdicts.filter((v) => v.lost.length || v.twice.length)).toEqual([]);
  expect(mails.missing).toEqual([]);
  expect(mails.unexpected).toEqual([]);
  expect(mails.wrongRecipients).toEqual([]);
  expect(mails.unexplainedDuplicates).toEqual([]);
  expect(tasks.failed).toEqual([]);
  expect(firstYear.acknowledged).toBeGreaterThan(15);
  expect(firstYear.model.mails.length).toBeGreaterThanOrEqual(10);
  // The surviving worker did the last third alone; the killed one never came back.
  expect(deployment.workers[0]!.running).toBe(false);
  expect(deployment.workers[1]!.unexpectedExits).toEqual([]);
  // Every message the relay received is in the journal, sent.
  expect(journal.find((row) => row.state === 'sent')?.n).toBe(mails.received);
});

test('SIGTERM: each process stops cleanly; no log line holds a secret', async () => {
  const stopped: Record<string, { code: number | null; signal: string | null; ms: number }> = {};
  for (const process of [deployment.api, deployment.workers[1]!, deployment.ui]) {
    const started = Date.now();
    const status = await process.stop('SIGTERM', 20_000);
    stopped[process.name] = { ...status, ms: Date.now() - started };
  }
  expect(stopped.api).toMatchObject({ code: 0, signal: null });
  expect(stopped['worker-2']).toMatchObject({ code: 0, signal: null });
  for (const process of deployment.processes())
    for (const secret of deployment.secrets)
      expect({ process: process.name, leaks: process.output().includes(secret) }).toEqual({
        process: process.name,
        leaks: false,
      });
  figures.shutdown = stopped;
});
