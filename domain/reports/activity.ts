import { compareDates, type CivilDate } from '../calendar/dates';
import {
  comparePlaces,
  NATIONAL,
  nationalToday,
  placeOf,
  scopeOf,
  todayOf,
  yearOf,
  type Place,
  type ReportScope,
} from './common';
import type { ConventionFacts, FactReviewYear } from './facts';

/**
 * The yearly activity reports (art. 2 and 8), summed by département and for the whole scope: for
 * each calendar year, the reports expected (one per year of a term, counted in the calendar year
 * where that year of the term ends), received, late or not due yet, and the sum of each indicator
 * over the reports received. Counts only, as the reports give them: nobody is ever named.
 */

export interface ActivityRow {
  year: number;
  place: Place;
  conventions: number;
  expected: number;
  received: number;
  late: number;
  notDueYet: number;
  /** Expected reports whose year saw the post vacant for some months (salaries waived), or all of them. */
  vacantPartOfYear: number;
  vacantWholeYear: number;
  /** Sum of each indicator over the reports received, and how many reports gave it. */
  indicators: Record<string, { total: number; reports: number }>;
}

export interface ActivityReport {
  years: number[];
  today: CivilDate;
  scope: ReportScope;
  /** Every indicator found in the reports counted, in alphabetical order. */
  indicators: string[];
  rows: ActivityRow[];
}

/** Months of that year of the term whose salary was waived because the post was vacant. */
function vacancy(f: ConventionFacts, year: FactReviewYear): 'none' | 'part' | 'whole' {
  const salaries = f.ledger.filter(
    (i) => i.kind === 'salary' && i.term === year.term && i.termYear === year.termYear,
  );
  const vacant = salaries.filter((i) => i.waived === 'poste-vacant').length;
  if (vacant === 0) return 'none';
  return vacant === salaries.length ? 'whole' : 'part';
}

export function activityReport(
  facts: ConventionFacts[],
  options: { years: number[]; now: number },
): ActivityReport {
  const wanted = new Set(options.years);
  const rows = new Map<string, ActivityRow & { ids: Set<string> }>();
  const indicators = new Set<string>();
  const row = (year: number, place: Place) => {
    const key = `${year}|${place.code ?? ''}`;
    let r = rows.get(key);
    if (!r) {
      r = {
        year,
        place,
        conventions: 0,
        expected: 0,
        received: 0,
        late: 0,
        notDueYet: 0,
        vacantPartOfYear: 0,
        vacantWholeYear: 0,
        // Indicator names are the reporters' own: "constructor" must not meet Object's prototype.
        indicators: Object.create(null) as ActivityRow['indicators'],
        ids: new Set(),
      };
      rows.set(key, r);
    }
    return r;
  };
  for (const f of facts) {
    const today = todayOf(f, options.now);
    for (const year of f.reviews) {
      const calendarYear = yearOf(year.yearEnd);
      if (!wanted.has(calendarYear)) continue;
      const vacant = vacancy(f, year);
      for (const place of [placeOf(f), NATIONAL]) {
        const r = row(calendarYear, place);
        r.ids.add(f.conventionId);
        r.expected += 1;
        if (vacant === 'part') r.vacantPartOfYear += 1;
        if (vacant === 'whole') r.vacantWholeYear += 1;
        if (year.report) {
          r.received += 1;
          for (const [indicator, value] of Object.entries(year.report.statistics)) {
            indicators.add(indicator);
            const sum = (r.indicators[indicator] ??= { total: 0, reports: 0 });
            sum.total += value;
            sum.reports += 1;
          }
        } else if (compareDates(year.reportDueDate, today) < 0) r.late += 1;
        else r.notDueYet += 1;
      }
    }
  }
  return {
    years: [...options.years].sort((a, b) => a - b),
    today: nationalToday(options.now),
    scope: scopeOf(facts),
    indicators: [...indicators].sort(),
    rows: [...rows.values()]
      .map(({ ids, ...r }) => ({ ...r, conventions: ids.size }))
      .sort((a, b) => a.year - b.year || comparePlaces(a.place, b.place)),
  };
}
