import { addBusinessDays, businessDayOnOrAfter, nextBusinessDay } from '../calendar/business-days';
import { addDays, instantAt, localDate, startOfLocalDay, type CivilDate } from '../calendar/dates';
import type { DepartementCode } from '../calendar/departements';
import { PureMemo } from '../pure-memo';
import type { Ladder } from './policy';

/**
 * When reminders go out (docs/calendar.md, rule 4): on business days of the département only, at
 * the policy's hour in its own zone. Rungs are counted in business days, so every rung falls on a
 * business day by construction: "n business days before" a deadline on a Sunday is counted from
 * the Friday before it, "n after" a due date from that date.
 */

export interface Rung {
  /** 'avant-5', 'apres-2': stable within a ladder, part of the message identity. */
  name: string;
  /** Signed business days from the reference date (negative: announcing). */
  offset: number;
  /** The local send date, always a business day. */
  date: CivilDate;
  /** The send instant: `hour` o'clock on `date` in the département's zone. */
  at: number;
  /** Until when it may still go out if the worker was late: see `rungWindows`. */
  expires: number;
}

const instants = new PureMemo<number>(20_000);

/**
 * `instantAt` memoised: the same local wall time always maps to the same instant, and the planner
 * asks for the same few hundred of them at every wake-up.
 */
export function sendInstant(code: DepartementCode, date: CivilDate, hour: number): number {
  return instants.get(`${code}|${date}|${hour}`, () => instantAt(date, code, hour));
}

/** The first send slot at or after an instant: today at the hour if it is still ahead, else the next business day. */
export function firstSlotFrom(
  code: DepartementCode,
  instant: number,
  hour: number,
): { date: CivilDate; at: number } {
  const today = localDate(instant, code);
  let date = businessDayOnOrAfter(code, today);
  if (date === today && sendInstant(code, date, hour) < instant) date = nextBusinessDay(code, date);
  return { date, at: sendInstant(code, date, hour) };
}

const repeats = new PureMemo<CivilDate[]>(5_000);

/**
 * The dates of a repeating rung, `every` business days from `from`, up to two after `today`.
 * Memoised per ladder and only ever extended, so a deadline overdue for months costs no more at
 * each wake-up than one overdue for days. Pure, hence safe in a workflow.
 */
function repeatDates(code: DepartementCode, from: CivilDate, every: number, today: CivilDate): CivilDate[] {
  const dates = repeats.get(`${code}|${from}|${every}`, () => []);
  const ahead = () => dates.filter((d) => d > today).length;
  while (ahead() < 2) dates.push(addBusinessDays(code, dates.at(-1) ?? from, every));
  // The memo is shared by every convention of a worker thread and may run further ahead (one
  // whose clock is later): the answer must not depend on it.
  return dates.slice(0, dates.findIndex((d) => d > today) + 2);
}

/**
 * The rungs of a ladder around `reference`, in send order. Of the repeats, only those of the
 * last week and the next two are produced: an older rung's window has closed (see below).
 */
export function ladderRungs(
  code: DepartementCode,
  reference: CivilDate,
  ladder: Ladder,
  hour: number,
  now: number,
): Rung[] {
  const rungs: Omit<Rung, 'expires'>[] = [];
  const push = (name: string, offset: number, date: CivilDate) =>
    rungs.push({ name, offset, date, at: sendInstant(code, date, hour) });

  for (const n of [...new Set(ladder.before)].sort((a, b) => b - a))
    push(`avant-${n}`, -n, addBusinessDays(code, reference, -n));
  const after = [...new Set(ladder.after)].sort((a, b) => a - b);
  for (const n of after) push(`apres-${n}`, n, addBusinessDays(code, reference, n));

  if (ladder.every !== null) {
    const last = after.at(-1) ?? 0;
    const from = last === 0 ? reference : rungs.at(-1)!.date;
    const today = localDate(now, code);
    const recent = addDays(today, -7);
    repeatDates(code, from, ladder.every, today).forEach((date, i) => {
      if (date >= recent)
        push(`apres-${last + (i + 1) * ladder.every!}`, last + (i + 1) * ladder.every!, date);
    });
  }
  return rungWindows(code, reference, rungs, hour, now);
}

/**
 * A rung may go out from its instant until the first of: the next rung of its ladder (a late
 * worker sends only the latest one), the next business day at the hour (a reminder is about its
 * day), and for an announcing rung the end of the deadline's day (never announce a past date).
 * Only rungs whose instant has come need it; the others get +∞.
 */
function rungWindows(
  code: DepartementCode,
  reference: CivilDate,
  rungs: Omit<Rung, 'expires'>[],
  hour: number,
  now: number,
): Rung[] {
  return rungs.map((rung, i) => {
    if (rung.at > now) return { ...rung, expires: Number.POSITIVE_INFINITY };
    const limits = [sendInstant(code, nextBusinessDay(code, rung.date), hour)];
    const following = rungs[i + 1];
    if (following) limits.push(following.at);
    if (rung.offset < 0) limits.push(startOfLocalDay(addDays(reference, 1), code));
    return { ...rung, expires: Math.min(...limits) };
  });
}

/**
 * A date no rung of the ladder falls before: n business days never span more than 2n + 10
 * calendar days (weekends and the densest runs of holidays included), so the planner can skip
 * ladders far from now without computing them.
 */
export function earliestRungDate(reference: CivilDate, ladder: Ladder): CivilDate {
  const farthest = Math.max(0, ...ladder.before);
  return farthest === 0 ? addDays(reference, 1) : addDays(reference, -(2 * farthest + 10));
}

/** A one-off notice, sent at the first slot after the moment it became true, however late. */
export function noticeRung(code: DepartementCode, since: number, hour: number): Rung {
  const slot = firstSlotFrom(code, since, hour);
  return { name: 'avis', offset: 0, date: slot.date, at: slot.at, expires: Number.POSITIVE_INFINITY };
}
