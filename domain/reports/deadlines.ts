import { addDays, compareDates, dayOfWeek, daysBetween, type CivilDate } from '../calendar/dates';
import { PARTY_ROLE_LABELS, type PartyRole } from '../convention/schema';
import { PHASE_LABELS, type Phase } from '../lifecycle/phase';
import { DEADLINE_LABELS, type DeadlineKind } from '../lifecycle/view';
import {
  comparePlaces,
  nationalToday,
  placeOf,
  scopeOf,
  todayOf,
  type Place,
  type ReportScope,
} from './common';
import type { ConventionFacts } from './facts';

/**
 * Deadlines at risk: every deadline of every convention that is already late or falls within the
 * next `days` days, soonest first, with the parties that must act. The list a préfecture's officer
 * works from on Monday morning.
 */

export interface DeadlineActor {
  partyId: string;
  organisation: string;
  role: PartyRole | null;
  roleLabel: string | null;
}

export interface DeadlineRow {
  dueDate: CivilDate;
  /** Days from today in the convention's département: negative when late. */
  daysLeft: number;
  overdue: boolean;
  place: Place;
  conventionId: string;
  title: string;
  phase: Phase;
  phaseLabel: string;
  kind: DeadlineKind;
  kindLabel: string;
  label: string;
  /** Empty for a date that only informs (start, expiry, end of the notice period). */
  actors: DeadlineActor[];
}

export interface DeadlineWeek {
  /** Monday of the week (national time), or null for the deadlines already passed. */
  weekStart: CivilDate | null;
  label: string;
  deadlines: number;
  overdue: number;
}

export interface DeadlinesReport {
  days: number;
  today: CivilDate;
  until: CivilDate;
  scope: ReportScope;
  rows: DeadlineRow[];
  weeks: DeadlineWeek[];
}

function mondayOf(date: CivilDate): CivilDate {
  // dayOfWeek: 1 (Monday) … 7 (Sunday).
  return addDays(date, 1 - dayOfWeek(date));
}

function weeks(rows: DeadlineRow[], today: CivilDate, until: CivilDate): DeadlineWeek[] {
  const list: DeadlineWeek[] = [
    {
      weekStart: null,
      label: 'en retard',
      deadlines: rows.filter((r) => r.overdue).length,
      overdue: rows.filter((r) => r.overdue).length,
    },
  ];
  for (let monday = mondayOf(today); compareDates(monday, until) <= 0; monday = addDays(monday, 7)) {
    const sunday = addDays(monday, 6);
    const inWeek = rows.filter(
      (r) => !r.overdue && compareDates(r.dueDate, monday) >= 0 && compareDates(r.dueDate, sunday) <= 0,
    );
    list.push({
      weekStart: monday,
      label: `semaine du ${Number(monday.slice(8))}/${monday.slice(5, 7)}`,
      deadlines: inWeek.length,
      overdue: 0,
    });
  }
  return list;
}

export function deadlinesReport(
  facts: ConventionFacts[],
  options: { days: number; now: number },
): DeadlinesReport {
  const rows: DeadlineRow[] = [];
  for (const f of facts) {
    if (f.phase === 'terminated') continue;
    const today = todayOf(f, options.now);
    const until = addDays(today, options.days);
    for (const d of f.deadlines) {
      if (compareDates(d.dueDate, until) > 0) continue;
      const daysLeft = daysBetween(today, d.dueDate);
      rows.push({
        dueDate: d.dueDate,
        daysLeft,
        overdue: daysLeft < 0,
        place: placeOf(f),
        conventionId: f.conventionId,
        title: f.title,
        phase: f.phase,
        phaseLabel: PHASE_LABELS[f.phase],
        kind: d.kind,
        kindLabel: DEADLINE_LABELS[d.kind],
        label: d.label,
        actors: d.partyIds.map((partyId) => {
          const party = f.parties[partyId];
          return {
            partyId,
            organisation: party?.organisation ?? partyId,
            role: party?.role ?? null,
            roleLabel: party ? PARTY_ROLE_LABELS[party.role] : null,
          };
        }),
      });
    }
  }
  rows.sort(
    (a, b) =>
      compareDates(a.dueDate, b.dueDate) ||
      comparePlaces(a.place, b.place) ||
      a.conventionId.localeCompare(b.conventionId) ||
      a.kind.localeCompare(b.kind) ||
      a.label.localeCompare(b.label),
  );
  const today = nationalToday(options.now);
  const until = addDays(today, options.days);
  return { days: options.days, today, until, scope: scopeOf(facts), rows, weeks: weeks(rows, today, until) };
}
