import type { ReminderLadderName, RemindersOverride } from '../convention/schema';

/**
 * One reminder ladder, counted in business days of the département from a reference date: the
 * deadline's due date, or for signatures the day the signatures were opened.
 */
export interface Ladder {
  /** Announcing rungs, n business days before the reference date. */
  before: number[];
  /** Overdue rungs, n business days after it. */
  after: number[];
  /** Then one rung every n business days after the last one, while the deadline is pending. */
  every: number | null;
  /** From this many business days after the reference, the préfecture (party of role etat) is copied. */
  escalateAfter: number | null;
}

export interface ReminderPolicy {
  /** Local hour of every reminder in the département's zone. */
  hour: number;
  ladders: Record<ReminderLadderName, Ladder>;
}

const ladder = (l: Partial<Ladder>): Ladder => ({
  before: [],
  after: [],
  every: null,
  escalateAfter: null,
  ...l,
});

/**
 * The defaults, and why (docs/reminders.md lists them with their recipients). A week is 5
 * business days, a month about 20.
 */
export const DEFAULT_REMINDER_POLICY: ReminderPolicy = {
  // Offices are open and mail is read at the start of the working day.
  hour: 9,
  ladders: {
    // A party that has not signed 3 business days after the signatures opened has usually lost the
    // document; weekly after that; after two weeks the préfet, who steers the convention, is told.
    signature: ladder({ after: [3], every: 5, escalateAfter: 10 }),
    // A week before the start the host service prepares the office and equipment (art. 6).
    start: ladder({ before: [5] }),
    // Two business days before the payment day, so the confirmation is not forgotten; overdue after
    // two days (bookkeeping lag), then the préfecture is copied after a week because a non-payment
    // suspends the convention (art. 9); then every two weeks.
    'salary-payment': ladder({ before: [2], after: [2, 5], every: 10, escalateAfter: 5 }),
    // Annual shares take a budget commitment: a month and a week ahead; overdue after a week, then
    // every two weeks. The State is the payer itself, so there is no one above it to copy.
    'state-participation': ladder({ before: [20, 5], after: [5], every: 10 }),
    'co-financing': ladder({ before: [20, 5], after: [5], every: 10, escalateAfter: 5 }),
    // A month and a week before it is due (the business day before the meeting, or the year's end);
    // a late report blocks the committee, so the préfecture is copied at once.
    'activity-report': ladder({ before: [20, 5], after: [1], every: 10, escalateAfter: 1 }),
    // The préfecture convenes the committee each year: two months and three weeks before the year
    // ends if no meeting is set, then monthly.
    'committee-scheduling': ladder({ before: [40, 15], after: [5], every: 20 }),
    // Members are reminded a week before the meeting (the convocation went out when it was set);
    // three business days after it, the préfecture is asked to record the review, then fortnightly.
    'committee-meeting': ladder({ before: [5], after: [3], every: 10 }),
    // Once the concertation is open: about three months, a month and a week before expiry.
    'renewal-decision': ladder({ before: [65, 20, 5] }),
    // The issue's own ladder: 30, 7 and 1 business days before the notice deadline (art. 9).
    'denunciation-notice': ladder({ before: [30, 7, 1] }),
    // When the convention is known to end (denounced or not renewed): a month and a week before.
    expiry: ladder({ before: [20, 5] }),
  },
};

/** The policy of one convention: its overrides laid over the defaults, key by key. */
export function reminderPolicy(override: RemindersOverride | undefined): ReminderPolicy {
  const ladders = { ...DEFAULT_REMINDER_POLICY.ladders };
  for (const name of Object.keys(ladders) as ReminderLadderName[]) {
    const own = override?.[name];
    if (!own) continue;
    const base = ladders[name];
    ladders[name] = {
      before: own.before ?? base.before,
      after: own.after ?? base.after,
      every: own.every !== undefined ? own.every : base.every,
      escalateAfter: own.escalateAfter !== undefined ? own.escalateAfter : base.escalateAfter,
    };
  }
  return { hour: override?.hour ?? DEFAULT_REMINDER_POLICY.hour, ladders };
}
