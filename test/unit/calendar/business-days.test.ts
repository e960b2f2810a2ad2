import {
  addBusinessDays,
  businessDayOnOrAfter,
  businessDayOnOrBefore,
  businessDaysBetween,
  dueDateByRule,
  isBusinessDay,
  nextBusinessDay,
  previousBusinessDay,
} from '../../../domain/calendar';

describe('business days', () => {
  it('excludes weekends and the département’s own holidays', () => {
    expect(isBusinessDay('75', '2027-03-26')).toBe(true); // Good Friday, ordinary in Paris
    expect(isBusinessDay('67', '2027-03-26')).toBe(false);
    expect(isBusinessDay('75', '2027-03-27')).toBe(false); // Saturday
    expect(isBusinessDay('75', '2027-03-28')).toBe(false); // Sunday
    expect(isBusinessDay('75', '2027-03-29')).toBe(false); // Easter Monday
    expect(isBusinessDay('974', '2027-12-20')).toBe(false);
    expect(isBusinessDay('75', '2027-12-20')).toBe(true);
    expect(isBusinessDay('75', '2027-05-07')).toBe(true); // the Friday after Ascension
  });

  it('steps across the Easter weekend', () => {
    expect(nextBusinessDay('75', '2027-03-26')).toBe('2027-03-30');
    expect(nextBusinessDay('67', '2027-03-25')).toBe('2027-03-30');
    expect(previousBusinessDay('75', '2027-03-30')).toBe('2027-03-26');
    expect(previousBusinessDay('67', '2027-03-30')).toBe('2027-03-25');
    expect(businessDaysBetween('75', '2027-03-25', '2027-03-30')).toBe(2);
    expect(businessDaysBetween('67', '2027-03-25', '2027-03-30')).toBe(1);
  });

  it('keeps or moves a date to the nearest business day', () => {
    expect(businessDayOnOrAfter('75', '2027-03-30')).toBe('2027-03-30');
    expect(businessDayOnOrAfter('75', '2027-03-27')).toBe('2027-03-30');
    expect(businessDayOnOrBefore('75', '2027-03-29')).toBe('2027-03-26');
    expect(businessDayOnOrBefore('67', '2027-03-29')).toBe('2027-03-25');
    expect(businessDayOnOrBefore('75', '2027-03-30')).toBe('2027-03-30');
  });

  it('adds business days over Christmas differently in Haut-Rhin and Paris', () => {
    // 2025-12-24 is a Wednesday; 26 December, a Friday, is a holiday only in Alsace-Moselle.
    expect(addBusinessDays('75', '2025-12-24', 1)).toBe('2025-12-26');
    expect(addBusinessDays('68', '2025-12-24', 1)).toBe('2025-12-29');
    expect(addBusinessDays('75', '2025-12-24', 2)).toBe('2025-12-29');
    expect(addBusinessDays('68', '2025-12-24', 2)).toBe('2025-12-30');
    expect(addBusinessDays('75', '2025-12-29', -1)).toBe('2025-12-26');
    expect(addBusinessDays('68', '2025-12-29', -1)).toBe('2025-12-24');
    expect(businessDaysBetween('68', '2025-12-24', '2025-12-31')).toBe(3);
    expect(businessDaysBetween('75', '2025-12-24', '2025-12-31')).toBe(4);
  });

  it('treats n = 0 as "on or after" and accepts a non-business start', () => {
    expect(addBusinessDays('75', '2027-03-30', 0)).toBe('2027-03-30');
    expect(addBusinessDays('75', '2027-03-27', 0)).toBe('2027-03-30');
    expect(addBusinessDays('75', '2027-03-27', 1)).toBe('2027-03-30');
    expect(addBusinessDays('75', '2027-03-27', -1)).toBe('2027-03-26');
  });

  it('counts business days in (from, to], negative backwards, zero without sign', () => {
    expect(businessDaysBetween('75', '2027-03-05', '2027-03-08')).toBe(1); // Friday → Monday
    expect(businessDaysBetween('75', '2027-03-08', '2027-03-05')).toBe(-1);
    expect(businessDaysBetween('75', '2027-03-08', '2027-03-08')).toBe(0);
    expect(Object.is(businessDaysBetween('75', '2027-03-07', '2027-03-06'), 0)).toBe(true);
    expect(businessDaysBetween('75', '2027-01-01', '2027-12-31')).toBe(254);
  });

  it('rejects bad input', () => {
    expect(() => addBusinessDays('75', '2027-03-30', 1.5)).toThrow(/n: 1.5 must be an integer/);
    expect(() => nextBusinessDay('75', '30/03/2027')).toThrow(/date: "30\/03\/2027"/);
    expect(() => businessDaysBetween('75', '2027-03-30', 'x')).toThrow(/to: "x"/);
  });
});

describe('dueDateByRule (docs/calendar.md, "Closed days")', () => {
  it('moves a date off a closed day by the rule it is given', () => {
    // Sunday 30 June 2030, the last day of a term; Monday 1 July is past it.
    expect(dueDateByRule('59', '2030-06-30', 'next')).toBe('2030-07-01');
    expect(dueDateByRule('59', '2030-06-30', 'next-within-term', '2030-06-30')).toBe('2030-06-28');
    expect(dueDateByRule('59', '2030-06-30', 'next-within-term', '2030-07-31')).toBe('2030-07-01');
    expect(dueDateByRule('59', '2030-06-30', 'previous')).toBe('2030-06-28');
    expect(dueDateByRule('59', '2030-06-30', 'unmoved')).toBe('2030-06-30');
    // A business day stays where it is, whatever the rule.
    for (const rule of ['next', 'next-within-term', 'previous', 'unmoved'] as const)
      expect(dueDateByRule('59', '2030-06-27', rule, '2030-06-30')).toBe('2030-06-27');
    // 20 November is a holiday in Polynesia only.
    expect(dueDateByRule('987', '2030-11-20', 'next')).toBe('2030-11-21');
    expect(dueDateByRule('75', '2030-11-20', 'next')).toBe('2030-11-20');
    expect(() => dueDateByRule('59', '2030-06-30', 'next-within-term')).toThrow(/lastDay/);
  });
});
