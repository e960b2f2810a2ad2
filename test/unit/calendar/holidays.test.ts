import {
  DEPARTEMENT_CODES,
  type DepartementCode,
  easterSunday,
  isPublicHoliday,
  publicHolidayName,
  publicHolidays,
} from '../../../domain/calendar';

describe('easterSunday', () => {
  it.each([
    [2000, '2000-04-23'],
    [2008, '2008-03-23'],
    [2019, '2019-04-21'],
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2027, '2027-03-28'],
    [2038, '2038-04-25'],
    [2285, '2285-03-22'],
  ])('%i → %s', (year, date) => {
    expect(easterSunday(year)).toBe(date);
  });

  it('rejects a year outside the Gregorian range', () => {
    expect(() => easterSunday(1500)).toThrow(/year: 1500/);
    expect(() => easterSunday(2027.5)).toThrow(/year/);
  });
});

describe('publicHolidays', () => {
  it('computes the eleven holidays of L3133-1 in Paris', () => {
    expect(publicHolidays('75', 2027)).toEqual([
      { date: '2027-01-01', name: "Jour de l'an" },
      { date: '2027-03-29', name: 'Lundi de Pâques' },
      { date: '2027-05-01', name: 'Fête du Travail' },
      { date: '2027-05-06', name: 'Ascension' },
      { date: '2027-05-08', name: 'Victoire 1945' },
      { date: '2027-05-17', name: 'Lundi de Pentecôte' },
      { date: '2027-07-14', name: 'Fête nationale' },
      { date: '2027-08-15', name: 'Assomption' },
      { date: '2027-11-01', name: 'Toussaint' },
      { date: '2027-11-11', name: 'Armistice 1918' },
      { date: '2027-12-25', name: 'Noël' },
    ]);
  });

  it.each([
    ['2024-04-01', 'Lundi de Pâques'],
    ['2025-04-21', 'Lundi de Pâques'],
    ['2027-03-29', 'Lundi de Pâques'],
    ['2038-04-26', 'Lundi de Pâques'],
    ['2026-05-14', 'Ascension'],
    ['2026-05-25', 'Lundi de Pentecôte'],
  ])('%s is %s everywhere', (date, name) => {
    for (const code of DEPARTEMENT_CODES) expect(publicHolidayName(code, date)).toBe(name);
  });

  it('adds Good Friday and 26 December in Alsace-Moselle only', () => {
    expect(publicHolidayName('67', '2027-03-26')).toBe('Vendredi saint');
    expect(isPublicHoliday('57', '2027-03-26')).toBe(true);
    expect(isPublicHoliday('68', '2027-03-26')).toBe(true);
    expect(isPublicHoliday('75', '2027-03-26')).toBe(false);
    expect(publicHolidayName('57', '2027-12-26')).toBe('Saint-Étienne');
    expect(isPublicHoliday('54', '2027-12-26')).toBe(false);
    expect(publicHolidays('67', 2027)).toHaveLength(13);
  });

  it('adds the abolition of slavery on each overseas département’s own date', () => {
    const abolition: Record<string, string> = {
      '971': '2027-05-27',
      '972': '2027-05-22',
      '973': '2027-06-10',
      '974': '2027-12-20',
      '976': '2027-04-27',
    };
    for (const [code, date] of Object.entries(abolition)) {
      expect(publicHolidayName(code as DepartementCode, date)).toBe("Abolition de l'esclavage");
      expect(publicHolidays(code as DepartementCode, 2027)).toHaveLength(12);
      for (const other of DEPARTEMENT_CODES.filter((c) => c !== code)) {
        expect(isPublicHoliday(other, date)).toBe(false);
      }
    }
  });

  it('does not make Good Friday or Victor Schœlcher day public holidays overseas', () => {
    for (const code of ['971', '972'] as const) {
      expect(isPublicHoliday(code, '2027-03-26')).toBe(false);
      expect(isPublicHoliday(code, '2027-07-21')).toBe(false);
    }
  });

  it('folds holidays falling on the same day into one entry', () => {
    // Easter 2008 was 23 March, so Ascension fell on 1 May.
    const holidays = publicHolidays('75', 2008);
    expect(holidays).toHaveLength(10);
    expect(holidays.find((h) => h.date === '2008-05-01')?.name).toBe('Fête du Travail / Ascension');
  });

  it('returns sorted, frozen and memoised lists', () => {
    for (const code of DEPARTEMENT_CODES) {
      const dates = publicHolidays(code, 2031).map((h) => h.date);
      expect(dates).toEqual([...dates].sort());
    }
    const holidays = publicHolidays('974', 2030);
    expect(publicHolidays('974', 2030)).toBe(holidays);
    expect(Object.isFrozen(holidays)).toBe(true);
    expect(Object.isFrozen(holidays[0])).toBe(true);
  });

  it('rejects bad input with the field named', () => {
    expect(() => publicHolidays('20' as DepartementCode, 2027)).toThrow(/Unknown département/);
    expect(() => isPublicHoliday('75', '2027-02-30')).toThrow(/date: "2027-02-30" is not a civil date/);
  });
});

describe('overseas collectivities', () => {
  // 2027: Easter on 28 March, so Good Friday 26 March, Ascension 6 May, Whit Monday 17 May.
  const NATIONAL_2027 = [
    '2027-01-01',
    '2027-03-29',
    '2027-05-01',
    '2027-05-06',
    '2027-05-08',
    '2027-05-17',
    '2027-07-14',
    '2027-08-15',
    '2027-11-01',
    '2027-11-11',
    '2027-12-25',
  ];
  const dates = (code: DepartementCode) => publicHolidays(code, 2027).map((h) => h.date);
  const withNational = (...extra: string[]) => [...NATIONAL_2027, ...extra].sort();

  it('Saint-Pierre-et-Miquelon has the eleven of L3133-1 only', () => {
    expect(dates('975')).toEqual(NATIONAL_2027);
  });

  it('Saint-Barthélemy and Saint-Martin add their own abolition day (L3422-2)', () => {
    expect(dates('977')).toEqual(withNational('2027-10-09'));
    expect(publicHolidayName('977', '2027-10-09')).toBe("Abolition de l'esclavage");
    expect(dates('978')).toEqual(withNational('2027-05-28'));
    expect(isPublicHoliday('978', '2027-05-27')).toBe(false);
    expect(isPublicHoliday('971', '2027-05-28')).toBe(false);
  });

  it('the Pacific territories add the days of their own labour law', () => {
    expect(dates('986')).toEqual(withNational('2027-04-28', '2027-07-29'));
    expect(publicHolidayName('986', '2027-04-28')).toBe('Saint Pierre Chanel');
    expect(isPublicHoliday('986', '2027-06-29')).toBe(false);
    expect(dates('987')).toEqual(withNational('2027-03-05', '2027-03-26', '2027-11-20'));
    expect(publicHolidayName('987', '2027-03-26')).toBe('Vendredi saint');
    expect(isPublicHoliday('987', '2027-06-29')).toBe(false);
    expect(dates('988')).toEqual(withNational('2027-09-24'));
    expect(publicHolidayName('988', '2027-09-24')).toBe('Fête de la citoyenneté');
  });

  it('keeps each local day to its own territory', () => {
    for (const [code, date] of [
      ['977', '2027-10-09'],
      ['986', '2027-07-29'],
      ['987', '2027-03-05'],
      ['988', '2027-09-24'],
    ] as const)
      for (const other of DEPARTEMENT_CODES.filter((c) => c !== code))
        expect({ other, date, holiday: isPublicHoliday(other, date) }).toEqual({
          other,
          date,
          holiday: false,
        });
  });
});
