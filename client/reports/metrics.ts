import { Gauge, type Registry } from 'prom-client';
import { compareDates } from '../../domain/calendar/dates';
import { todayOf } from '../../domain/reports/common';
import { DEADLINE_KINDS } from '../../domain/lifecycle/view';
import { PHASES } from '../../domain/lifecycle/phase';
import type { ConventionFactsCache } from './cache';

export const CONVENTIONS_METRIC = 'iscg_conventions';
export const SUSPENDED_METRIC = 'iscg_conventions_suspended';
export const OVERDUE_METRIC = 'iscg_deadlines_overdue';
export const FACTS_AGE_METRIC = 'iscg_conventions_read_age_seconds';

/**
 * What an operator acts on, read from the reports' view of every convention at each scrape:
 * conventions by phase, those suspended for want of payment, and deadlines that passed with an
 * act still owed (a date that only informs, such as the start, does not count). Every label value
 * is present from the start, at 0, so an alert sees the first one appear.
 */
export function registerConventionGauges(
  registry: Registry,
  cache: Pick<ConventionFactsCache, 'current' | 'status'>,
  now: () => number = Date.now,
): void {
  new Gauge({
    name: CONVENTIONS_METRIC,
    help: 'Conventions par phase, selon la dernière lecture des rapports',
    labelNames: ['phase'],
    registers: [registry],
    collect() {
      const counts = Object.fromEntries(PHASES.map((phase) => [phase, 0]));
      for (const facts of cache.current()) counts[facts.phase] = (counts[facts.phase] ?? 0) + 1;
      for (const [phase, count] of Object.entries(counts)) this.set({ phase }, count);
    },
  });
  new Gauge({
    name: SUSPENDED_METRIC,
    help: 'Conventions en cours dont le financement est suspendu (art. 7: un paiement manque)',
    registers: [registry],
    collect() {
      this.set(cache.current().filter((f) => f.suspended && f.phase !== 'terminated').length);
    },
  });
  new Gauge({
    name: OVERDUE_METRIC,
    help: 'Échéances passées sans l’acte attendu d’une partie, par nature',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      const at = now();
      const counts = Object.fromEntries(DEADLINE_KINDS.map((kind) => [kind, 0]));
      for (const facts of cache.current()) {
        if (facts.phase === 'terminated') continue;
        const today = todayOf(facts, at);
        for (const deadline of facts.deadlines)
          if (deadline.partyIds.length > 0 && compareDates(deadline.dueDate, today) < 0)
            counts[deadline.kind] = (counts[deadline.kind] ?? 0) + 1;
      }
      for (const [kind, count] of Object.entries(counts)) this.set({ kind }, count);
    },
  });
  new Gauge({
    name: FACTS_AGE_METRIC,
    help: 'Âge de la dernière lecture complète des conventions (secondes); -1 avant la première',
    registers: [registry],
    collect() {
      const { asOf } = cache.status();
      this.set(asOf === null ? -1 : Math.round((now() - asOf) / 1000));
    },
  });
}
