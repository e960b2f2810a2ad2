import type { Phase } from '../../domain/lifecycle/phase';
import { activityReport, type ActivityReport } from '../../domain/reports/activity';
import { nationalToday, yearOf } from '../../domain/reports/common';
import { deadlinesReport, type DeadlinesReport } from '../../domain/reports/deadlines';
import type { ConventionFacts } from '../../domain/reports/facts';
import { financingReport, type FinancingReport } from '../../domain/reports/financing';
import { departementAccess, readAccess, type AccessDenial, type Principal } from '../auth/principal';
import type { ConventionFactsCache } from './cache';

/**
 * The reports a key may read: the conventions it may read (the same rule as
 * `GET /conventions/{id}`), narrowed by the filters asked, then the pure reports at the clock's
 * instant. Every answer says how fresh its figures are.
 */

export interface ReportFilters {
  years?: number[];
  departements?: string[];
  phases?: Phase[];
}

export interface Freshness {
  /** The instant the report is computed at (statuses and "late" are decided at it). */
  generatedAt: string;
  /** Every convention was read from Temporal at or after this instant. */
  dataAsOf: string;
  /** True when the last complete reading is more than a minute old (Temporal unreachable). */
  stale: boolean;
  /** Conventions the last reading could not read: their figures may be older. */
  unreadable: string[];
}

export type Reported<R> = R & { freshness: Freshness };

/** Raised when a filter asks for more than the key may see. */
export class ScopeDenied extends Error {
  constructor(readonly denial: AccessDenial) {
    super(denial.reason);
    this.name = 'ScopeDenied';
  }
}

export const STALE_AFTER_MS = 60_000;

export class ReportsService {
  constructor(
    readonly cache: ConventionFactsCache,
    private readonly options: { clock: () => number | Promise<number>; waitMs: number },
  ) {}

  async financing(principal: Principal, filters: ReportFilters): Promise<Reported<FinancingReport>> {
    const { facts, now, freshness } = await this.read(principal, filters);
    return { ...financingReport(facts, { years: this.years(filters, now), now }), freshness };
  }

  async deadlines(
    principal: Principal,
    filters: ReportFilters & { days: number },
  ): Promise<Reported<DeadlinesReport>> {
    const { facts, now, freshness } = await this.read(principal, filters);
    return { ...deadlinesReport(facts, { days: filters.days, now }), freshness };
  }

  async activity(principal: Principal, filters: ReportFilters): Promise<Reported<ActivityReport>> {
    const { facts, now, freshness } = await this.read(principal, filters);
    return { ...activityReport(facts, { years: this.years(filters, now), now }), freshness };
  }

  /** Without `years`: the current calendar year, in metropolitan France. */
  private years(filters: ReportFilters, now: number): number[] {
    return filters.years?.length ? filters.years : [yearOf(nationalToday(now))];
  }

  private async read(
    principal: Principal,
    filters: ReportFilters,
  ): Promise<{ facts: ConventionFacts[]; now: number; freshness: Freshness }> {
    for (const code of filters.departements ?? []) {
      const denial = departementAccess(principal, code);
      if (denial) throw new ScopeDenied(denial);
    }
    const all = await this.cache.facts(this.options.waitMs);
    const now = await this.options.clock();
    const departements = filters.departements?.length ? new Set(filters.departements) : null;
    const phases = filters.phases?.length ? new Set(filters.phases) : null;
    const facts = all
      .filter((f) => readAccess(principal, f) === null)
      .filter((f) => !departements || departements.has(f.departement.code))
      .filter((f) => !phases || phases.has(f.phase))
      .sort((a, b) => a.conventionId.localeCompare(b.conventionId));
    const status = this.cache.status();
    const inScope = new Set(facts.map((f) => f.conventionId));
    const asOf = status.asOf ?? 0;
    return {
      facts,
      now,
      freshness: {
        generatedAt: new Date(now).toISOString(),
        dataAsOf: new Date(asOf).toISOString(),
        stale: Date.now() - asOf > STALE_AFTER_MS,
        unreadable: status.unreadable.map((u) => u.conventionId).filter((id) => inScope.has(id)),
      },
    };
  }
}
