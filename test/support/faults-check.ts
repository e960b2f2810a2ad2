import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import type { HistoryEntry } from '../../domain/lifecycle/context';
import { modelConvention, type ExpectedMail, type ModelOutcome } from './faults-model';
import type { AgentResult } from './faults-driver';
import type { RelayedMail } from './faults-smtp';
import { sleep, type ApiCaller, type ManagedProcess } from './faults-stack';

/**
 * The end of a run, convention by convention: the model explains each history with what the
 * agents sent (nothing lost, nothing twice, nothing nobody sent), and the relay's messages are
 * compared with the model's expected emails by Message-ID and recipients.
 */

export interface ConventionVerdict {
  conventionId: string;
  kind: string;
  model: ModelOutcome;
  /** Steps answered 2xx that the history does not hold. */
  lost: number[];
  /** Steps the history holds more than once. */
  twice: number[];
  /** Steps applied although none of their requests was answered 2xx (an answer lost to a fault). */
  appliedWithoutAnswer: number[];
  acknowledged: number;
}

export interface MailVerdict {
  expected: number;
  expectedReminders: number;
  received: number;
  /** Distinct Message-IDs received more than once, and the extra copies. */
  duplicatedIds: string[];
  extraCopies: number;
  /** Duplicates the mailer warned about ("doublon possible"): the documented residual window. */
  residualWindow: string[];
  /** Duplicates nothing explains: a breach of exactly-once. */
  unexplainedDuplicates: string[];
  missing: ExpectedMail[];
  unexpected: string[];
  wrongRecipients: { id: string; expected: string[]; received: string[] }[];
}

export function idOf(messageId: string): string {
  return messageId.replace(/^</, '').replace(/@[^@]*>$/, '');
}

/** Keeps the Temporal history of a convention the API cannot read, to replay it by hand. */
async function saveHistory(stack: ApiCaller, conventionId: string): Promise<string> {
  if (!('temporalClient' in stack)) return '';
  try {
    const faultStack = stack as ApiCaller & { temporalClient(): Promise<Client>; encryptionKeys: string };
    const client = await faultStack.temporalClient();
    const history = await client.workflow.getHandle(conventionId).fetchHistory();
    const path = join('test-results', 'faults', `${conventionId}.history.json`);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, historyToJSON(history));
    // The run's own throwaway key: without it the payloads cannot be read back.
    await writeFile(`${path}.keys`, faultStack.encryptionKeys);
    // What went wrong, in the failure's own message: CI shows the message, not the files.
    const problems = await workflowTaskProblems(client, [conventionId]);
    const causes = [...new Set(problems.failed.map((f) => f.cause.slice(0, 400)))].slice(0, 3);
    const query = await client.workflow
      .getHandle(conventionId)
      .query('getState')
      .then(
        () => 'lisible',
        (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 600),
      );
    const workerLines = ((stack as { workers?: ManagedProcess[] }).workers ?? [])
      .flatMap((w) => w.output().split('\n'))
      .filter((line) => line.includes(conventionId) && /error|erreur|nondetermin|warn/i.test(line))
      .slice(-3)
      .map((line) => line.slice(0, 600));
    return `; historique: ${path}; échecs de tâche: ${JSON.stringify(causes)}; requête: ${query}; journal: ${JSON.stringify(workerLines)}`;
  } catch (error) {
    return `; historique non gardé: ${String(error)}`;
  }
}

async function finalHistory(stack: ApiCaller, conventionId: string): Promise<HistoryEntry[]> {
  for (let attempt = 0; ; attempt++) {
    const answer = await stack
      .call('GET', `/conventions/${conventionId}`, { as: 'operator' })
      .catch(() => null);
    if (answer?.status === 200) return answer.body.history as HistoryEntry[];
    if (attempt > 40) {
      const saved = await saveHistory(stack, conventionId);
      throw new Error(`${conventionId}: état illisible (${answer?.status} ${answer?.text})${saved}`);
    }
    await sleep(500);
  }
}

export async function judgeConventions(
  stack: ApiCaller,
  results: AgentResult[],
  endAt: number,
): Promise<ConventionVerdict[]> {
  const verdicts: ConventionVerdict[] = [];
  for (const result of results) {
    if (!result.created) continue;
    const history = await finalHistory(stack, result.plan.conventionId);
    const model = modelConvention(result.plan.create, history, result.plan.steps, endAt);
    const acknowledged = (i: number) =>
      result.steps[i]!.freshAcceptances + result.steps[i]!.replayedAnswers > 0;
    const indices = result.plan.steps.map((_, i) => i);
    verdicts.push({
      conventionId: result.plan.conventionId,
      kind: result.plan.kind,
      model,
      // A step after the first unexplained entry is not judged: the model stopped there.
      lost: model.unexplained.length
        ? []
        : indices.filter((i) => acknowledged(i) && model.applications[i]!.length === 0),
      twice: indices.filter((i) => model.applications[i]!.length > 1),
      appliedWithoutAnswer: indices.filter((i) => !acknowledged(i) && model.applications[i]!.length === 1),
      acknowledged: indices.filter(acknowledged).length,
    });
  }
  return verdicts;
}

/** Message-IDs the workers warned about when they sent a message again after an interrupted transaction. */
export function possibleDuplicatesLogged(stack: { workers: ManagedProcess[] }): Set<string> {
  const ids = new Set<string>();
  for (const worker of stack.workers) {
    const output = worker.output();
    // Each warning, wherever it is (two may share a timestamp): its Message-ID follows it, on
    // the same JSON line or a few lines down in text logs.
    for (const warning of output.matchAll(/doublon possible/g)) {
      const match = /<([^<>\s]+)@[^<>\s]+>/.exec(output.slice(warning.index, warning.index + 2000));
      if (match) ids.add(match[1]!);
    }
  }
  return ids;
}

export function judgeMails(
  expected: ExpectedMail[],
  received: RelayedMail[],
  warned: Set<string>,
): MailVerdict {
  const byId = new Map<string, RelayedMail[]>();
  for (const mail of received) {
    const id = idOf(mail.messageId);
    byId.set(id, [...(byId.get(id) ?? []), mail]);
  }
  const expectedById = new Map(expected.map((m) => [m.id, m]));
  const duplicatedIds = [...byId.entries()].filter(([, copies]) => copies.length > 1).map(([id]) => id);
  const wrongRecipients: MailVerdict['wrongRecipients'] = [];
  for (const [id, copies] of byId) {
    const want = expectedById.get(id);
    if (!want) continue;
    for (const copy of copies)
      if (JSON.stringify(copy.envelopeTo) !== JSON.stringify(want.recipients))
        wrongRecipients.push({ id, expected: want.recipients, received: copy.envelopeTo });
  }
  return {
    expected: expected.length,
    expectedReminders: expected.filter((m) => m.kind === 'reminder').length,
    received: byId.size,
    duplicatedIds,
    extraCopies: duplicatedIds.reduce((sum, id) => sum + byId.get(id)!.length - 1, 0),
    residualWindow: duplicatedIds.filter((id) => warned.has(id)),
    unexplainedDuplicates: duplicatedIds.filter((id) => !warned.has(id)),
    missing: expected.filter((m) => !byId.has(m.id)),
    unexpected: [...byId.keys()].filter((id) => !expectedById.has(id)),
    wrongRecipients,
  };
}

/** Workflow task failures and timeouts over every run of each convention's workflow. */
export async function workflowTaskProblems(
  client: Client,
  conventionIds: string[],
): Promise<{ failed: { conventionId: string; cause: string }[]; timedOut: number }> {
  return taskProblemsIn(await conventionHistories(client, conventionIds));
}

export function taskProblemsIn(histories: RunHistory[]): {
  failed: { conventionId: string; cause: string }[];
  timedOut: number;
} {
  const failed: { conventionId: string; cause: string }[] = [];
  let timedOut = 0;
  const types = temporal.api.enums.v1.EventType;
  for (const { conventionId, history } of histories)
    for (const event of history.events ?? []) {
      if (event.eventType === types.EVENT_TYPE_WORKFLOW_TASK_FAILED)
        failed.push({
          conventionId,
          cause: `${event.workflowTaskFailedEventAttributes?.cause ?? ''} ${event.workflowTaskFailedEventAttributes?.failure?.message ?? ''}`,
        });
      if (event.eventType === types.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT) timedOut++;
    }
  return { failed, timedOut };
}

export interface RunHistory {
  conventionId: string;
  /** The run's id; `dernier` for the latest. */
  runId: string;
  history: temporal.api.history.v1.IHistory;
}

/** Every run's history of each convention as recorded, oldest run first. */
export async function conventionHistories(client: Client, conventionIds: string[]): Promise<RunHistory[]> {
  const all: RunHistory[] = [];
  for (const conventionId of conventionIds) {
    const runs: RunHistory[] = [];
    let runId: string | undefined;
    do {
      const history = await client.workflow.getHandle(conventionId, runId).fetchHistory();
      runs.unshift({ conventionId, runId: runId ?? 'dernier', history });
      runId =
        history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
    } while (runId);
    all.push(...runs);
  }
  return all;
}

/** The events around the one a replay stumbled on, compactly: what a failure message can carry. */
function eventsAround(history: temporal.api.history.v1.IHistory, eventId: number): string {
  const types = temporal.api.enums.v1.EventType;
  const events = history.events ?? [];
  const first = Number(events[0]?.eventTime?.seconds ?? 0);
  return events
    .filter((e) => Math.abs(Number(e.eventId) - eventId) <= 24)
    .map((e) => {
      const name = (types[e.eventType ?? 0] ?? String(e.eventType)).replace(/^EVENT_TYPE_/, '');
      const at = Number(e.eventTime?.seconds ?? 0) - first + (e.eventTime?.nanos ?? 0) / 1e9;
      const marker = e.markerRecordedEventAttributes?.markerName ?? '';
      const accepted = e.workflowExecutionUpdateAcceptedEventAttributes;
      const update = accepted ? `seq ${Number(accepted.acceptedRequestSequencingEventId)}` : '';
      return `${Number(e.eventId)} ${name} +${at.toFixed(3)}s ${marker}${update}`.trim();
    })
    .join(' | ');
}

/**
 * Replays every run of every convention on a worker with no cache, as a restarted worker would:
 * a history that cannot be replayed fails here even if no worker happened to need it during the run.
 */
export async function replayEveryHistory(
  runs: RunHistory[],
  options: { bundlePath: string; encryptionKeys: string; dataConverter: Client['options']['dataConverter'] },
): Promise<{ replayed: number; failures: string[] }> {
  const histories = runs.map((run) => ({ ...run, workflowId: `${run.conventionId}/${run.runId}` }));
  // FAULTS_KEEP_HISTORIES=1 keeps them all, to study a run's histories by hand.
  if (process.env.FAULTS_KEEP_HISTORIES === '1')
    for (const { workflowId, history } of histories) {
      const path = join('test-results', 'faults', 'histories', `${workflowId.replace('/', '.')}.json`);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, historyToJSON(history));
    }
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories(
    {
      workflowBundle: { codePath: options.bundlePath },
      dataConverter: options.dataConverter,
      replayName: 'faults-replay',
    },
    histories.map(({ workflowId, history }) => ({ workflowId, history })),
  )) {
    if (!result.error) continue;
    const { conventionId, history } = histories.find((h) => h.workflowId === result.workflowId)!;
    const path = join('test-results', 'faults', `${conventionId}.replay-failure.history.json`);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, historyToJSON(history));
    await writeFile(`${path}.keys`, options.encryptionKeys);
    const message = result.error.message;
    const eventId = Number(/HistoryEvent\(id: (\d+)/.exec(message)?.[1] ?? NaN);
    failures.push(
      `${result.workflowId}: ${message.slice(0, 700)}; historique: ${path}` +
        (Number.isFinite(eventId)
          ? `; autour de l’événement ${eventId}: ${eventsAround(history, eventId)}`
          : ''),
    );
  }
  return { replayed: histories.length, failures };
}
