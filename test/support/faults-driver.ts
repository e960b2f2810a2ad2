import { eventSlug } from '../../domain/lifecycle/events';
import type { HistoryEntry } from '../../domain/lifecycle/context';
import type { LifePlan, Step } from './faults-fleet';
import type { SeededRandom } from './faults-random';
import { sleep, type ApiCaller, type FaultStack } from './faults-stack';

/**
 * The partner systems and operators of the fleet, one agent per convention. Each agent sends its
 * convention's transitions in order, as a careful client would: it retries what got no answer
 * (503, a dropped connection, a timeout) with the same Idempotency-Key, or, for a transition sent
 * without a key, checks the convention's history before concluding. On top of that it
 * misbehaves on purpose, from its seed: the same transition twice at once, twice in a row, the
 * next one before the current one, or both at once.
 */

export type SendMode = 'single' | 'dup-concurrent' | 'dup-sequential' | 'early-next' | 'pair-concurrent';

export interface StepRecord {
  index: number;
  type: Step['type'];
  as: Step['as'];
  key: string | null;
  mode: SendMode | null;
  requests: number;
  /** 2xx answers saying the transition was applied now (`replayed: false`): exactly one is right. */
  freshAcceptances: number;
  replayedAnswers: number;
  /** Refusals expected by the mode: an early send, or a keyless duplicate. */
  expectedRefusals: number;
  /** Answers that said nothing (503, 5xx, 429, dropped connection, timeout). */
  unanswered: number;
  /** Applied (its history entry found) though no request was answered 2xx. */
  appliedWithoutAnswer: boolean;
  failures: string[];
  firstSentAt: number | null;
}

export interface AgentResult {
  plan: LifePlan;
  created: boolean;
  createRequests: number;
  steps: StepRecord[];
  failures: string[];
}

type Outcome =
  | { kind: 'applied'; replayed: boolean }
  | { kind: 'refused'; status: number; code: string; detail: string }
  | { kind: 'unavailable'; why: string }
  | { kind: 'unexpected'; why: string };

const STEP_DEADLINE_MS = 5 * 60_000;

export class ConventionAgent {
  readonly records: StepRecord[];
  private readonly failures: string[] = [];
  private created = false;
  private createRequests = 0;
  /** History positions already credited to a step, so one entry never explains two. */
  private readonly credited = new Set<number>();

  constructor(
    private readonly stack: ApiCaller,
    readonly plan: LifePlan,
    private readonly random: SeededRandom,
    /** Awaited before each step: a test holds the fleet there while it breaks something. */
    private readonly gate: (step: number, steps: number) => Promise<void> = () => Promise.resolve(),
  ) {
    this.records = plan.steps.map((step, index) => ({
      index,
      type: step.type,
      as: step.as,
      // Transitions the rules would apply twice always carry a key; the others, one time in two.
      key: !step.repeatSafe || random.chance(0.5) ? `${plan.conventionId}.s${index}` : null,
      mode: null,
      requests: 0,
      freshAcceptances: 0,
      replayedAnswers: 0,
      expectedRefusals: 0,
      unanswered: 0,
      appliedWithoutAnswer: false,
      failures: [],
      firstSentAt: null,
    }));
  }

  async run(): Promise<AgentResult> {
    try {
      await this.create();
      for (let i = 0; i < this.plan.steps.length; i++) {
        await this.gate(i, this.plan.steps.length);
        if (this.records[i]!.freshAcceptances > 0 || this.records[i]!.appliedWithoutAnswer) continue;
        await this.perform(i);
        if (this.records[i]!.failures.length > 0) break;
      }
    } catch (error) {
      this.failures.push(`agent: ${error instanceof Error ? error.message : String(error)}`);
    }
    return {
      plan: this.plan,
      created: this.created,
      createRequests: this.createRequests,
      steps: this.records,
      failures: [
        ...this.failures,
        ...this.records.flatMap((r) => r.failures.map((f) => `#${r.index} ${r.type}: ${f}`)),
      ],
    };
  }

  private async create(): Promise<void> {
    const started = Date.now();
    let unanswered = false;
    for (let attempt = 0; ; attempt++) {
      this.createRequests++;
      const answer = await this.request('POST', '/conventions', 'operator', this.plan.create, undefined);
      if (answer.kind === 'applied') break;
      if (answer.kind === 'refused' && answer.code === 'exists' && unanswered) break;
      if (answer.kind !== 'unavailable') throw new Error(`création: ${JSON.stringify(answer)}`);
      unanswered = true;
      if (Date.now() - started > STEP_DEADLINE_MS) throw new Error('création: aucune réponse en 5 minutes');
      await sleep(backoff(attempt));
    }
    this.created = true;
  }

  private chooseMode(i: number): SendMode {
    const hasNext = i + 1 < this.plan.steps.length && this.plan.steps[i]!.nextMayComeFirst;
    return this.random.weighted({
      single: 4,
      'dup-concurrent': 2.5,
      'dup-sequential': this.records[i]!.key ? 1.5 : 0,
      'early-next': hasNext ? 1.5 : 0,
      'pair-concurrent': hasNext ? 1 : 0,
    });
  }

  private async perform(i: number): Promise<void> {
    const mode = this.chooseMode(i);
    this.records[i]!.mode = mode;
    switch (mode) {
      case 'single':
        return this.ensure(i);
      case 'dup-concurrent':
        await Promise.all([this.ensure(i), this.once(i)]);
        return;
      case 'dup-sequential':
        await this.ensure(i);
        await this.once(i);
        return;
      case 'early-next':
        await this.once(i + 1);
        return this.ensure(i);
      case 'pair-concurrent':
        await Promise.all([this.ensure(i), this.once(i + 1)]);
        return;
    }
  }

  /** One request for step `i` whose refusal is no surprise (a duplicate, or sent too early). */
  private async once(i: number): Promise<void> {
    const record = this.records[i]!;
    const outcome = await this.sendStep(i);
    if (outcome.kind === 'applied') this.credit(record, outcome.replayed);
    else if (outcome.kind === 'refused') {
      if (outcome.code === 'conflict') record.failures.push(`conflit d’idempotence: ${outcome.detail}`);
      else record.expectedRefusals++;
    } else if (outcome.kind === 'unavailable') record.unanswered++;
    else record.failures.push(outcome.why);
  }

  /** Sends step `i` until the convention has it. */
  private async ensure(i: number): Promise<void> {
    const record = this.records[i]!;
    for (let attempt = 0; ; attempt++) {
      if (record.freshAcceptances > 0 || record.appliedWithoutAnswer) return;
      const outcome = await this.sendStep(i);
      switch (outcome.kind) {
        case 'applied':
          this.credit(record, outcome.replayed);
          return;
        case 'unavailable':
          record.unanswered++;
          break;
        case 'unexpected':
          record.failures.push(outcome.why);
          return;
        case 'refused': {
          if (outcome.code === 'conflict') {
            record.failures.push(`conflit d’idempotence: ${outcome.detail}`);
            return;
          }
          // Refused now, but applied by an earlier request that got no answer, or by a duplicate.
          if (record.freshAcceptances > 0 || (await this.foundInHistory(record))) return;
          record.failures.push(
            `refusé sans avoir été appliqué: ${outcome.status} ${outcome.code} ${outcome.detail}`,
          );
          return;
        }
      }
      if (Date.now() - record.firstSentAt! > STEP_DEADLINE_MS) {
        record.failures.push('aucune réponse en 5 minutes');
        return;
      }
      await sleep(backoff(attempt));
    }
  }

  private credit(record: StepRecord, replayed: boolean): void {
    if (replayed) record.replayedAnswers++;
    else record.freshAcceptances++;
    if (record.freshAcceptances > 1)
      record.failures.push('appliqué deux fois (deux réponses « replayed: false »)');
  }

  /** The step's entry in the history: its event, sent with its key (the actor's client), since its first request. */
  private async foundInHistory(record: StepRecord): Promise<boolean> {
    for (let attempt = 0; attempt < 30; attempt++) {
      const answer = await this.stack
        .call('GET', `/conventions/${this.plan.conventionId}`, { as: 'operator' })
        .catch(() => null);
      if (answer?.status === 200) {
        const history = answer.body.history as HistoryEntry[];
        const position = history.findIndex(
          (entry, index) =>
            !this.credited.has(index) &&
            entry.event === record.type &&
            (entry.actor as { client?: string }).client === record.as &&
            entry.at >= record.firstSentAt! - 5_000,
        );
        if (position < 0) return false;
        this.credited.add(position);
        record.appliedWithoutAnswer = true;
        return true;
      }
      await sleep(backoff(attempt));
    }
    return false;
  }

  private sendStep(i: number): Promise<Outcome> {
    const record = this.records[i]!;
    const step = this.plan.steps[i]!;
    record.requests++;
    record.firstSentAt ??= Date.now();
    return this.request(
      'POST',
      `/conventions/${this.plan.conventionId}/events/${eventSlug(step.type)}`,
      step.as,
      step.payload,
      record.key ?? undefined,
    );
  }

  private async request(
    method: string,
    url: string,
    as: string,
    body: unknown,
    idempotencyKey: string | undefined,
  ): Promise<Outcome> {
    let answer: Awaited<ReturnType<ApiCaller['call']>>;
    try {
      answer = await this.stack.call(method, url, {
        as,
        body,
        ...(idempotencyKey ? { idempotencyKey } : {}),
      });
    } catch (error) {
      return { kind: 'unavailable', why: error instanceof Error ? error.message : String(error) };
    }
    if (answer.status >= 200 && answer.status < 300)
      return { kind: 'applied', replayed: answer.body?.replayed === true };
    const code = String(answer.body?.code ?? '');
    if (answer.status === 409 || answer.status === 422)
      return { kind: 'refused', status: answer.status, code, detail: String(answer.body?.detail ?? '') };
    if (answer.status === 503 || answer.status === 429 || answer.status >= 500)
      return { kind: 'unavailable', why: `${answer.status} ${answer.text.slice(0, 200)}` };
    return { kind: 'unexpected', why: `${method} ${url}: ${answer.status} ${answer.text.slice(0, 300)}` };
  }
}

function backoff(attempt: number): number {
  return Math.min(500 * 2 ** attempt, 5_000);
}

// ── Faults ──────────────────────────────────────────────────────────────────────────────────────

export const FAULT_KINDS = [
  'worker-kill',
  'worker-kill-in-smtp',
  'smtp-outage',
  'temporal-restart',
  'temporal-kill',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface InjectedFault {
  kind: FaultKind;
  startedAt: number;
  /** How long the piece stayed down (or the relay refused mail). */
  downMs: number;
  detail: string;
}

export interface InjectorPlan {
  /** Faults injected first, in this order, whatever the seed draws next. */
  first: FaultKind[];
  /** At most this many in all. */
  max: number;
  /** Pause between two faults, drawn in this range. */
  gapMs: [number, number];
  weights: Record<FaultKind, number>;
}

/**
 * Injects faults one at a time, from the seed, while the fleet is being driven: kills a worker
 * with SIGKILL (at a random moment, or right after the relay has received a message and before
 * it answers), makes the relay answer 451 for a while, stops the Temporal dev server (SIGTERM)
 * and starts it again on the same database. Every piece is back up when a fault ends.
 */
export class FaultInjector {
  readonly injected: InjectedFault[] = [];
  /** Workers found dead without being killed (a crash): restarted, and reported. */
  readonly crashedWorkers: string[] = [];
  /** Faults that found nothing to break (no message in flight): not counted. */
  readonly skipped: string[] = [];
  private stopped = false;

  constructor(
    private readonly stack: FaultStack,
    private readonly random: SeededRandom,
    private readonly plan: InjectorPlan,
  ) {}

  stop(): void {
    this.stopped = true;
  }

  /** Until `stop()`, and in any case until each of the plan's first faults has been injected. */
  async run(): Promise<void> {
    for (let n = 0; n < this.plan.max; n++) {
      const mandatory = n < this.plan.first.length;
      if (this.stopped && !mandatory) break;
      await this.pause(this.random.int(...this.plan.gapMs), mandatory);
      if (this.stopped && !mandatory) break;
      const kind = this.plan.first[n] ?? this.random.weighted(this.plan.weights);
      await this.inject(kind);
      await this.reviveCrashedWorkers();
    }
  }

  private async pause(ms: number, mandatory: boolean): Promise<void> {
    // Once the fleet is done, the remaining mandatory faults follow each other a second apart.
    const until = Date.now() + (this.stopped && mandatory ? Math.min(ms, 1_000) : ms);
    while (Date.now() < until) {
      if (this.stopped && mandatory) return sleep(Math.min(1_000, until - Date.now()));
      await sleep(Math.min(250, until - Date.now()));
    }
  }

  private async inject(kind: FaultKind): Promise<void> {
    const startedAt = Date.now();
    const worker = this.random.int(0, this.stack.workers.length - 1);
    switch (kind) {
      case 'worker-kill': {
        await this.stack.killWorker(worker);
        await sleep(this.random.int(200, 4_000));
        await this.stack.startWorker(worker);
        this.injected.push({
          kind,
          startedAt,
          downMs: Date.now() - startedAt,
          detail: `worker-${worker + 1}`,
        });
        return;
      }
      case 'worker-kill-in-smtp': {
        // The relay holds its 250 to the next message while the worker that sent it is killed.
        const mail = await this.stack.relay.interceptNext(async () => {
          await Promise.all(this.stack.workers.map((_, i) => this.stack.killWorker(i)));
        }, 20_000);
        if (!mail) {
          this.skipped.push(`${kind}: aucun courriel en 20 s`);
          return;
        }
        const killedAt = Date.now();
        await sleep(this.random.int(200, 2_000));
        await Promise.all(this.stack.workers.map((_, i) => this.stack.startWorker(i)));
        this.injected.push({
          kind,
          startedAt: killedAt,
          downMs: Date.now() - killedAt,
          detail: mail.messageId,
        });
        return;
      }
      case 'smtp-outage': {
        // From the next message on, so the outage meets mail in flight rather than a quiet relay.
        const seen = this.stack.relay.received.length;
        const waitUntil = Date.now() + 15_000;
        while (this.stack.relay.received.length === seen && Date.now() < waitUntil) await sleep(50);
        const downMs = this.random.int(2_000, 12_000);
        const before = this.stack.relay.refusals;
        this.stack.relay.refuse();
        await sleep(downMs);
        this.stack.relay.accept();
        this.injected.push({
          kind,
          startedAt,
          downMs,
          detail: `${this.stack.relay.refusals - before} message(s) refusé(s) en 451`,
        });
        return;
      }
      case 'temporal-restart':
      case 'temporal-kill': {
        // SIGTERM is a stop; SIGKILL a crash of the embedded stack's only Temporal server.
        const signal = kind === 'temporal-kill' ? 'SIGKILL' : 'SIGTERM';
        await this.stack.stopTemporal(signal);
        await sleep(this.random.int(500, 4_000));
        await this.stack.startTemporal();
        this.injected.push({
          kind,
          startedAt,
          downMs: Date.now() - startedAt,
          detail: `${signal}, même base SQLite`,
        });
        return;
      }
    }
  }

  /** After a fault, every worker must be running again; one that died by itself is a crash. */
  async reviveCrashedWorkers(): Promise<void> {
    for (const [i, worker] of this.stack.workers.entries())
      if (!worker.running) {
        this.crashedWorkers.push(`${worker.name}: ${JSON.stringify(worker.unexpectedExits.at(-1) ?? null)}`);
        await this.stack.startWorker(i);
      }
  }
}
