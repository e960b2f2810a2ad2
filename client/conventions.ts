import {
  Client,
  Connection,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, TypedSearchAttributes, type DataConverter } from '@temporalio/common';
import type { TemporalConnectionConfig } from '../config/env';
import { conventionCreateInputSchema } from '../domain/convention/input-rules';
import { conventionWorkflowId, type ConventionCreate } from '../domain/convention/schema';
import type { DocumentRecord } from '../domain/documents/ledger';
import { newConvention } from '../domain/lifecycle/decide';
import type { Actor } from '../domain/lifecycle/events';
import type { Refusal } from '../domain/lifecycle/refusal';
import { conventionView } from '../domain/lifecycle/view';
import { searchAttributeValues, staticDetails, staticSummary } from '../domain/presentation';
import {
  CONVENTION_WORKFLOW_TYPE,
  applyEventUpdate,
  getDocumentsQuery,
  getStateQuery,
  searchAttributes,
  subscribeWebhookUpdate,
  unsubscribeWebhookUpdate,
  type ConventionState,
  type SubscribeWebhookRequest,
  type ConventionWorkflowInput,
  type EventRequest,
  type EventResult,
} from '../domain/temporal-contract';

/** A refusal from the convention (bad field, forbidden act, wrong phase) or from this library. */
export type ConventionErrorCode = Refusal['code'] | 'not_found' | 'exists' | 'terminated';

/** How long `send` keeps asking again while the convention answers `not_ready`, and how often. */
const NOT_READY_WAIT_MS = 12_000;
const NOT_READY_RETRY_MS = 400;

export class ConventionError extends Error {
  constructor(readonly refusal: Omit<Refusal, 'code'> & { code: ConventionErrorCode }) {
    super(refusal.field ? `${refusal.field}: ${refusal.message}` : refusal.message);
    this.name = 'ConventionError';
  }
}

export interface ConventionSummary {
  conventionId: string;
  status: string;
  phase: string | null;
  departement: string | null;
  site: string | null;
  employer: string | null;
  termNumber: number | null;
  termEnd: string | null;
  nextDeadline: string | null;
  nextDeadlineKind: string | null;
  nextActor: string | null;
  suspended: boolean | null;
  /** Null for a convention that has not published its roles yet (started before they were). */
  partyRoles: string[] | null;
  startTime: string;
}

/** A convention's latest run: its history grows with every change the convention records. */
export interface ConventionRun {
  conventionId: string;
  runId: string;
  /** Events in the run's history, as the server counts them now (0 when only listed). */
  historyLength: number;
  closed: boolean;
}

/**
 * One Temporal client for the process. `lazy` connects on first use, so a server that starts later
 * (or restarts) does not stop the caller: the API then answers 503 until Temporal is back.
 */
export async function connectClient(
  config: TemporalConnectionConfig,
  options: { lazy?: boolean; dataConverter?: DataConverter } = {},
): Promise<Client> {
  const connectionOptions = { address: config.address, tls: config.tls ?? undefined, apiKey: config.apiKey };
  const connection = options.lazy
    ? Connection.lazy(connectionOptions)
    : await Connection.connect(connectionOptions);
  return new Client({ connection, namespace: config.namespace, dataConverter: options.dataConverter });
}

function refusalFrom(error: unknown): Refusal | null {
  let cause: unknown = error;
  while (cause) {
    if (cause instanceof ApplicationFailure && cause.type === 'ConventionRefusal') {
      const refusal = cause.details?.[0] as Refusal | undefined;
      return refusal ?? { code: 'refused', message: cause.message };
    }
    cause = (cause as { cause?: unknown }).cause;
  }
  return null;
}

/** Typed access to conventions for the API, the CLI and tests. One Temporal client, shared. */
export class ConventionsClient {
  constructor(
    readonly client: Client,
    readonly taskQueue: string,
    private readonly defaults: { aniscgEmail?: string } = {},
  ) {}

  async create(
    input: ConventionCreate,
    actor: Actor,
  ): Promise<{ conventionId: string; state: ConventionState }> {
    const parsed = conventionCreateInputSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ConventionError({ code: 'invalid', field: issue.path.join('.'), message: issue.message });
    }
    const create = parsed.data;
    if (!create.data.aniscgEmail && this.defaults.aniscgEmail)
      create.data.aniscgEmail = this.defaults.aniscgEmail;
    const conventionId = conventionWorkflowId(create.data.departement, create.slug);
    const preview = conventionView(newConvention(create, actor, Date.now()), Date.now());
    const values = searchAttributeValues(preview);
    try {
      await this.client.workflow.start(CONVENTION_WORKFLOW_TYPE, {
        workflowId: conventionId,
        taskQueue: this.taskQueue,
        args: [{ create: { ...create, actor } } satisfies ConventionWorkflowInput],
        staticSummary: staticSummary(preview),
        staticDetails: staticDetails(preview, preview.today),
        typedSearchAttributes: new TypedSearchAttributes([
          { key: searchAttributes.phase, value: values.phase },
          { key: searchAttributes.departement, value: values.departement },
          { key: searchAttributes.site, value: values.site },
          { key: searchAttributes.termNumber, value: 0 },
          { key: searchAttributes.suspended, value: false },
          { key: searchAttributes.partyRoles, value: values.partyRoles },
        ]),
      });
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError)
        throw new ConventionError({
          code: 'exists',
          field: 'slug',
          message: `la convention ${conventionId} existe déjà: choisissez un autre nom court (slug)`,
        });
      throw error;
    }
    return { conventionId, state: await this.get(conventionId) };
  }

  async get(conventionId: string): Promise<ConventionState> {
    try {
      return await this.client.workflow.getHandle(conventionId).query(getStateQuery);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError)
        throw new ConventionError({ code: 'not_found', message: `convention ${conventionId} introuvable` });
      throw error;
    }
  }

  /** Every document version with its source (an empty list for conventions started before versions). */
  async documents(conventionId: string): Promise<DocumentRecord[]> {
    try {
      return await this.client.workflow.getHandle(conventionId).query(getDocumentsQuery);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError)
        throw new ConventionError({ code: 'not_found', message: `convention ${conventionId} introuvable` });
      // A worker of a release before documents answers "unknown query": no version to show.
      if (error instanceof Error && /getDocuments/.test(error.message)) return [];
      throw error;
    }
  }

  /**
   * Sends an event. Repeats with the same idempotency key are recognised by the workflow itself
   * (across continue-as-new too), not by a Temporal update id: the server would answer a reused
   * update id with the first outcome even when the body differs, hiding the conflict.
   */
  async send(conventionId: string, request: EventRequest): Promise<EventResult> {
    const giveUpAt = Date.now() + NOT_READY_WAIT_MS;
    for (;;)
      try {
        return await this.update(conventionId, (handle) =>
          handle.executeUpdate(applyEventUpdate, { args: [request] }),
        );
      } catch (error) {
        // A SIGN while the text is still rendering: a matter of seconds, asked again here.
        if (
          !(error instanceof ConventionError && error.refusal.code === 'not_ready') ||
          Date.now() > giveUpAt
        )
          throw error;
        await new Promise((resolve) => setTimeout(resolve, NOT_READY_RETRY_MS));
      }
  }

  /** Subscribes a client system to the convention's state changes. */
  async subscribeWebhook(
    conventionId: string,
    request: SubscribeWebhookRequest,
  ): Promise<{ subscriptionId: string }> {
    return this.update(conventionId, (handle) =>
      handle.executeUpdate(subscribeWebhookUpdate, { args: [request] }),
    );
  }

  async unsubscribeWebhook(conventionId: string, id: string): Promise<{ removed: boolean }> {
    return this.update(conventionId, (handle) =>
      handle.executeUpdate(unsubscribeWebhookUpdate, { args: [{ id }] }),
    );
  }

  private async update<T>(conventionId: string, run: (handle: WorkflowHandle) => Promise<T>): Promise<T> {
    try {
      return await run(this.client.workflow.getHandle(conventionId));
    } catch (error) {
      const refusal = refusalFrom(error);
      if (refusal) throw new ConventionError(refusal);
      if (error instanceof WorkflowNotFoundError) throw await this.notRunning(conventionId);
      throw error;
    }
  }

  /** An update found no running workflow: the convention either never existed or has ended. */
  private async notRunning(conventionId: string): Promise<ConventionError> {
    try {
      await this.client.workflow.getHandle(conventionId).describe();
      return new ConventionError({
        code: 'terminated',
        message: `la convention ${conventionId} est terminée`,
      });
    } catch {
      return new ConventionError({ code: 'not_found', message: `convention ${conventionId} introuvable` });
    }
  }

  /** The latest run of a convention, read from the server's own record (no worker involved). */
  async run(conventionId: string): Promise<ConventionRun> {
    try {
      const description = await this.client.workflow.getHandle(conventionId).describe();
      return {
        conventionId,
        runId: description.runId,
        historyLength: description.historyLength,
        closed: description.status.name !== 'RUNNING',
      };
    } catch (error) {
      if (error instanceof WorkflowNotFoundError)
        throw new ConventionError({ code: 'not_found', message: `convention ${conventionId} introuvable` });
      throw error;
    }
  }

  /**
   * Every convention the namespace holds, running or ended (within its retention), by its latest
   * run: the runs a renewal continued as new are left out.
   */
  async runs(pageSize = 1000): Promise<ConventionRun[]> {
    const latest = new Map<string, ConventionRun & { startTime: number }>();
    const query = `WorkflowType = '${CONVENTION_WORKFLOW_TYPE}' AND ExecutionStatus != 'ContinuedAsNew'`;
    for await (const execution of this.client.workflow.list({ query, pageSize })) {
      const startTime = execution.startTime.getTime();
      const known = latest.get(execution.workflowId);
      // A slug reused after a convention ended starts a new run under the same id: the newest counts.
      if (known && known.startTime >= startTime) continue;
      latest.set(execution.workflowId, {
        conventionId: execution.workflowId,
        runId: execution.runId,
        historyLength: 0,
        closed: execution.status.name !== 'RUNNING',
        startTime,
      });
    }
    return [...latest.values()].map(({ startTime: _startTime, ...run }) => run);
  }

  async list(query: string, pageSize = 100, limit = Number.POSITIVE_INFINITY): Promise<ConventionSummary[]> {
    const summaries: ConventionSummary[] = [];
    const fullQuery = `WorkflowType = '${CONVENTION_WORKFLOW_TYPE}'${query ? ` AND (${query})` : ''}`;
    for await (const execution of this.client.workflow.list({ query: fullQuery, pageSize })) {
      const sa = execution.typedSearchAttributes;
      const date = (d: Date | undefined) => (d ? d.toISOString().slice(0, 10) : null);
      summaries.push({
        conventionId: execution.workflowId,
        status: execution.status.name,
        phase: sa.get(searchAttributes.phase) ?? null,
        departement: sa.get(searchAttributes.departement) ?? null,
        site: sa.get(searchAttributes.site) ?? null,
        employer: sa.get(searchAttributes.employer) ?? null,
        termNumber: sa.get(searchAttributes.termNumber) ?? null,
        termEnd: date(sa.get(searchAttributes.termEnd)),
        nextDeadline: date(sa.get(searchAttributes.nextDeadline)),
        nextDeadlineKind: sa.get(searchAttributes.nextDeadlineKind) ?? null,
        nextActor: sa.get(searchAttributes.nextActor)?.join(', ') || null,
        suspended: sa.get(searchAttributes.suspended) ?? null,
        partyRoles: sa.get(searchAttributes.partyRoles) ?? null,
        startTime: execution.startTime.toISOString(),
      });
      if (summaries.length >= limit) break;
    }
    return summaries;
  }
}
