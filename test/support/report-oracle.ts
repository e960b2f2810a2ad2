import { DateTime } from 'luxon';
import { departement, type DepartementCode } from '../../domain/calendar/departements';
import type { ConventionState } from '../../domain/temporal-contract';

/**
 * The reports' figures worked out again, independently, from each convention's own state as
 * `GET /conventions/{id}` returns it: its ledger (past terms included), its deadlines, its review
 * years. Written plainly, without the reports' code, so that the two can be compared line by line.
 */

type Line = ConventionState['ledger'][number];

function todayIn(code: string, now: number): string {
  return DateTime.fromMillis(now, { zone: departement(code as DepartementCode).zone }).toISODate()!;
}

function paid(line: Line): number {
  let sum = 0;
  for (const p of line.payments) sum += p.amountEur ?? 0;
  return sum;
}

/** Where a line stands on `today`, by the rules of docs/reports.md. */
export function statusOn(line: Line, today: string): string {
  if (line.waived) return 'waived';
  const settled =
    line.kind === 'salary' ? line.payments.length > 0 : paid(line) >= (line.plannedAmountEur ?? 0) - 0.005;
  if (settled) return 'paid';
  if (line.nonPayment) return 'unpaid';
  if (line.payments.length > 0) return 'partial';
  if (line.dueDate > today) return 'upcoming';
  return line.dueDate === today ? 'due' : 'late';
}

function payerOf(line: Line, state: ConventionState): string {
  if (line.kind === 'salary') return 'employeur';
  if (line.kind === 'state-participation') return 'etat';
  const role = state.data.parties[line.payerPartyId]?.role;
  return role && ['conseil-departemental', 'epci', 'commune', 'association'].includes(role) ? role : 'autre';
}

/** Every line a convention holds or held, once each: its ledger wins over a past term's copy. */
export function allLines(state: ConventionState): Line[] {
  const byId = new Map<string, Line>();
  for (const past of state.pastTerms)
    for (const line of (past as { ledger?: Line[] }).ledger ?? []) byId.set(line.id, line);
  for (const line of state.ledger) byId.set(line.id, line);
  return [...byId.values()];
}

export interface OracleFinancingRow {
  lines: number;
  plannedEur: number | null;
  paidEur: number | null;
  byStatus: Record<string, { lines: number; eur: number | null }>;
  conventions: Set<string>;
}

/** Key: `${year}|${code or ''}|${payer}`; '' is the whole. */
export function oracleFinancing(
  states: ConventionState[],
  years: number[],
  now: number,
): Map<string, OracleFinancingRow> {
  const rows = new Map<string, OracleFinancingRow>();
  for (const state of states) {
    const code = state.departement.code;
    const today = todayIn(code, now);
    for (const line of allLines(state)) {
      const year = Number(line.dueDate.slice(0, 4));
      if (!years.includes(year)) continue;
      const payer = payerOf(line, state);
      const status = statusOn(line, today);
      const euros = payer !== 'employeur';
      const planned = line.plannedAmountEur ?? 0;
      const amount = status === 'paid' ? planned : Math.max(planned - paid(line), 0);
      for (const place of [code, '']) {
        const key = `${year}|${place}|${payer}`;
        const row = rows.get(key) ?? {
          lines: 0,
          plannedEur: euros ? 0 : null,
          paidEur: euros ? 0 : null,
          byStatus: {},
          conventions: new Set<string>(),
        };
        rows.set(key, row);
        row.lines += 1;
        row.conventions.add(state.conventionId);
        const s = (row.byStatus[status] ??= { lines: 0, eur: euros ? 0 : null });
        s.lines += 1;
        if (euros) {
          row.plannedEur! += planned;
          row.paidEur! += paid(line);
          s.eur! += amount;
        }
      }
    }
  }
  return rows;
}

/** Deadlines already passed or due within `days`, as `${dueDate}|${conventionId}|${kind}|${label}`. */
export function oracleDeadlines(states: ConventionState[], days: number, now: number): string[] {
  const keys: string[] = [];
  for (const state of states) {
    if (state.phase === 'terminated') continue;
    const until = DateTime.fromISO(todayIn(state.departement.code, now)).plus({ days }).toISODate()!;
    for (const d of state.deadlines)
      if (d.dueDate <= until) keys.push(`${d.dueDate}|${state.conventionId}|${d.kind}|${d.label}`);
  }
  return keys.sort();
}

export interface OracleActivityRow {
  expected: number;
  received: number;
  late: number;
  notDueYet: number;
  indicators: Record<string, number>;
}

/** Key: `${year}|${code or ''}`; a review year counts in the calendar year it ends. */
export function oracleActivity(
  states: ConventionState[],
  years: number[],
  now: number,
): Map<string, OracleActivityRow> {
  const rows = new Map<string, OracleActivityRow>();
  for (const state of states) {
    const code = state.departement.code;
    const today = todayIn(code, now);
    const reviews = new Map<string, ConventionState['reviews'][number]>();
    for (const past of state.pastTerms)
      for (const y of (past as { reviews?: ConventionState['reviews'] }).reviews ?? [])
        reviews.set(`${y.term}.${y.termYear}`, y);
    for (const y of state.reviews) reviews.set(`${y.term}.${y.termYear}`, y);
    // The report's due date as the convention itself states it while it is pending.
    const pendingDue = new Map(
      state.deadlines.filter((d) => d.kind === 'activity-report').map((d) => [d.subject, d.dueDate]),
    );
    for (const y of reviews.values()) {
      const year = Number(y.yearEnd.slice(0, 4));
      if (!years.includes(year)) continue;
      for (const place of [code, '']) {
        const key = `${year}|${place}`;
        const row = rows.get(key) ?? { expected: 0, received: 0, late: 0, notDueYet: 0, indicators: {} };
        rows.set(key, row);
        row.expected += 1;
        if (y.report) {
          row.received += 1;
          for (const [name, value] of Object.entries(y.report.statistics))
            row.indicators[name] = (row.indicators[name] ?? 0) + value;
        } else {
          // Past terms and ended conventions list no deadline: their years are over.
          const current = y.term === state.term?.number && state.phase !== 'terminated';
          const due = (current ? pendingDue.get(`annee-${y.termYear}`) : undefined) ?? y.yearEnd;
          if (due < today) row.late += 1;
          else row.notDueYet += 1;
        }
      }
    }
  }
  return rows;
}
