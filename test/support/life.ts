import * as fs from 'node:fs';
import * as path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { instantAt, type CivilDate } from '../../domain/calendar/dates';
import { signatoryPartyIds } from '../../domain/convention/completeness';
import type { ConventionCreate } from '../../domain/convention/schema';
import type { Actor, ExternalEventType } from '../../domain/lifecycle/events';
import type { ConventionState, EventResult } from '../../domain/temporal-contract';
import { ConventionError } from '../../client/conventions';
import type { TimeSkippingHarness } from './workflow-env';

export const HISTORIES_DIR = path.resolve(__dirname, '..', 'replay', 'histories');
export const OPERATOR: Actor = { kind: 'operator' };
export const party = (partyId: string): Actor => ({ kind: 'party', partyId });

/** One convention lived on the time-skipping server: moves the server's clock and sends events. */
export class Life {
  constructor(
    readonly h: TimeSkippingHarness,
    readonly conventionId: string,
    readonly departement = '59',
  ) {}

  static async create(h: TimeSkippingHarness, create: ConventionCreate): Promise<Life> {
    const { conventionId } = await h.conventions.create(create, OPERATOR);
    return new Life(h, conventionId, create.data.departement);
  }

  /** Skips server time to the given local day and hour. */
  async goTo(date: CivilDate, hour = 10): Promise<void> {
    const target = instantAt(date, this.departement as never, hour);
    const now = await this.h.env.currentTimeMs();
    if (target > now) await this.h.env.sleep(target - now);
  }

  send(
    type: ExternalEventType,
    payload: unknown,
    actor: Actor = OPERATOR,
    idempotencyKey?: string,
  ): Promise<EventResult> {
    return this.h.conventions.send(this.conventionId, {
      type,
      payload,
      actor,
      ...(idempotencyKey ? { idempotencyKey } : {}),
    });
  }

  async refusal(
    type: ExternalEventType,
    payload: unknown,
    actor: Actor = OPERATOR,
  ): Promise<ConventionError['refusal']> {
    try {
      await this.send(type, payload, actor);
    } catch (error) {
      if (error instanceof ConventionError) return error.refusal;
      throw error;
    }
    throw new Error(`${type} aurait dû être refusé`);
  }

  state(): Promise<ConventionState> {
    return this.h.conventions.get(this.conventionId);
  }

  async recruit(candidateRef = 'CAND-001'): Promise<void> {
    await this.send('COMPOSE_SELECTION_COMMITTEE', {
      members: [
        { partyId: 'association', authority: 'hierarchique', title: 'directrice' },
        { partyId: 'police', authority: 'fonctionnelle', title: 'chef de service' },
      ],
    });
    await this.send('RECORD_APPLICATIONS', { count: 2, references: [candidateRef, 'CAND-XYZ'] });
    await this.send('RECORD_RECRUITMENT_DECISION', { outcome: 'selected', candidateRef });
  }

  async signAll(create: ConventionCreate, signedOn: CivilDate): Promise<void> {
    await this.goTo(signedOn);
    for (const partyId of signatoryPartyIds(create.data))
      await this.send(
        'SIGN',
        { partyId, signerName: `Signataire ${partyId}`, signerTitle: 'Représentant', signedOn },
        party(partyId),
      );
  }

  /** Writes every run's history (continue-as-new included) for the replay tests, when recording is asked. */
  async recordHistories(name: string): Promise<void> {
    if (!process.env.RECORD_HISTORIES) return;
    fs.mkdirSync(HISTORIES_DIR, { recursive: true });
    const histories = [];
    let runId: string | undefined;
    // Walk back from the latest run through each run's "continued from" link.
    for (;;) {
      const history = await this.h.env.client.workflow.getHandle(this.conventionId, runId).fetchHistory();
      histories.unshift(history);
      const previous = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
      if (!previous) break;
      runId = previous;
    }
    histories.forEach((history, i) => {
      const file = path.join(HISTORIES_DIR, `${name}${histories.length > 1 ? `.run${i + 1}` : ''}.json`);
      fs.writeFileSync(file, historyToJSON(history));
    });
  }
}
