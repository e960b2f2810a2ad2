import { localDate } from '../domain/calendar/dates';
import { live, type LifePlan, type LivedLife } from './lives';

/** What a simulated fleet did and sent, counted. */
export interface FleetSummary {
  conventions: number;
  departements: number;
  /** Transitions sent by partners and operators, and those the clock made (CLOCK entries). */
  transitions: { sent: number; clock: number };
  /** Emails sent; `undelivered`: due but without any address, refused by the mailer and recorded. */
  emails: { sent: number; undelivered: number; perConvention: number };
  /** Emails by kind of message (the template), by month of sending (local time), by département. */
  byTemplate: Record<string, number>;
  byMonth: Record<string, number>;
  byDepartement: Record<string, number>;
  /** Conventions by number of terms lived, and by how they ended. */
  terms: Record<string, number>;
  endings: Record<string, number>;
  /** Workflow runs (continue-as-new at each renewal). */
  runs: number;
  /** Every message's identity is its Message-ID: none may go out twice. */
  duplicateMessageIds: number;
}

const bump = (counts: Record<string, number>, key: string, by = 1) => {
  counts[key] = (counts[key] ?? 0) + by;
};

const sorted = (counts: Record<string, number>) =>
  Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/**
 * Lives every planned convention in turn and counts what happened; each life is handed to
 * `onLife` (to write its emails, say) and then let go, so a fleet's memory is one life's.
 */
export async function simulateFleet(
  plans: LifePlan[],
  onLife?: (life: LivedLife) => Promise<void> | void,
): Promise<FleetSummary> {
  const summary: FleetSummary = {
    conventions: plans.length,
    departements: new Set(plans.map((p) => p.departement)).size,
    transitions: { sent: 0, clock: 0 },
    emails: { sent: 0, undelivered: 0, perConvention: 0 },
    byTemplate: {},
    byMonth: {},
    byDepartement: {},
    terms: {},
    endings: {},
    runs: 0,
    duplicateMessageIds: 0,
  };
  for (const plan of plans) {
    const life = live(plan);
    summary.transitions.sent += life.acts.length;
    summary.transitions.clock += life.history.filter((entry) => entry.event === 'CLOCK').length;
    const ids = new Set<string>();
    for (const { at, mail, delivered } of life.mails) {
      if (!delivered) {
        summary.emails.undelivered++;
        continue;
      }
      if (ids.has(mail.id)) summary.duplicateMessageIds++;
      ids.add(mail.id);
      summary.emails.sent++;
      bump(summary.byTemplate, mail.template);
      bump(summary.byMonth, localDate(at, plan.departement).slice(0, 7));
      bump(summary.byDepartement, plan.departement);
    }
    bump(summary.terms, String(life.terms));
    bump(summary.endings, life.terminationReason ?? life.phase);
    summary.runs += life.runs;
    await onLife?.(life);
  }
  summary.emails.perConvention = Math.round((summary.emails.sent / Math.max(1, plans.length)) * 10) / 10;
  summary.byTemplate = sorted(summary.byTemplate);
  summary.byMonth = sorted(summary.byMonth);
  summary.byDepartement = sorted(summary.byDepartement);
  return summary;
}
