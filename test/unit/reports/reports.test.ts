import fc from 'fast-check';
import { instantAt } from '../../../domain/calendar/dates';
import { conventionView } from '../../../domain/lifecycle/view';
import { activityReport } from '../../../domain/reports/activity';
import { deadlinesReport } from '../../../domain/reports/deadlines';
import { conventionFacts, type ConventionFacts } from '../../../domain/reports/facts';
import { financingReport, LEDGER_STATUSES, type FinancingRow } from '../../../domain/reports/financing';
import { activityTable, deadlinesTable, financingTables } from '../../../domain/reports/tables';
import { conventionCreate } from '../../support/fixtures';
import { Driver, party, recruit, signAll } from '../../support/driver';

/**
 * The national reports on conventions driven through the pure machine: each figure checked against
 * what the conventions' ledgers, deadlines and reports say, worked out by hand.
 */

function facts(d: Driver): ConventionFacts {
  return conventionFacts(conventionView(d.snapshot, d.now));
}

function inForce(
  slug: string,
  overrides: Parameters<typeof conventionCreate>[1] = {},
  signedOn = '2026-12-10',
) {
  const create = conventionCreate(slug, overrides);
  const d = new Driver(create, '2026-12-01');
  d.send('SUBMIT_DRAFT', {});
  recruit(d);
  signAll(d, signedOn);
  d.goTo(create.data.startDate!);
  expect(d.phase).toBe('active');
  return d;
}

function payOnTime(d: Driver, until: string, filter: (id: string) => boolean = () => true): void {
  for (const item of d.context.ledger)
    if (item.dueDate <= until && filter(item.id)) {
      d.goTo(item.dueDate);
      d.send(
        'RECORD_PAYMENT',
        {
          itemId: item.id,
          paidOn: item.dueDate,
          ...(item.plannedAmountEur ? { amountEur: item.plannedAmountEur } : {}),
        },
        item.kind === 'salary' ? party('association') : party(item.payerPartyId),
      );
    }
}

/** Lille (59) from 1 March 2027, and Saint-Denis (974) from 4 January 2027, seen on 15 September 2027. */
function september2027() {
  const lille = inForce('lille-centre');
  payOnTime(lille, '2027-08-31', (id) => id.includes('salaire'));
  lille.goTo('2027-06-10');
  lille.send(
    'RECORD_PAYMENT',
    { itemId: 't1-etat-annee-1', paidOn: '2027-06-10', amountEur: 20000 },
    party('etat'),
  );
  lille.goTo('2027-06-20');
  lille.send(
    'RECORD_PAYMENT',
    { itemId: 't1-cd59-annee-1', paidOn: '2027-06-20', amountEur: 5000 },
    party('cd59'),
  );
  lille.goTo('2027-07-02');
  lille.send(
    'RECORD_NON_PAYMENT',
    { itemId: 't1-commune-lille-annee-1', notedOn: '2027-07-01', reason: 'credits-non-votes' },
    party('association'),
  );
  lille.goTo('2027-09-15');
  const reunion = inForce('saint-denis', { departement: '974', startDate: '2027-01-04' });
  reunion.goTo('2027-09-15');
  return { lille, reunion, now: instantAt('2027-09-15', '59', 10) };
}

function row(rows: FinancingRow[], year: number, code: string | null, payer: string): FinancingRow {
  const found = rows.find((r) => r.year === year && r.place.code === code && r.payer === payer);
  if (!found) throw new Error(`no row ${year} ${code} ${payer}`);
  return found;
}

describe('financing', () => {
  test('each payer’s lines of a calendar year, by status, by département and for the whole', () => {
    const { lille, reunion, now } = september2027();
    expect(lille.phase).toBe('suspended');
    const report = financingReport([facts(lille), facts(reunion)], { years: [2027], now });
    expect(report.scope).toEqual({
      conventions: 2,
      conventionIds: ['convention-59-lille-centre', 'convention-974-saint-denis'],
    });

    const etat59 = row(report.rows, 2027, '59', 'etat');
    expect(etat59).toMatchObject({ lines: 1, plannedEur: 20000, paidEur: 20000, conventions: 1 });
    expect(etat59.byStatus.paid).toEqual({ lines: 1, eur: 20000 });
    const cd59 = row(report.rows, 2027, '59', 'conseil-departemental');
    expect(cd59).toMatchObject({ plannedEur: 15000, paidEur: 5000 });
    expect(cd59.byStatus.partial).toEqual({ lines: 1, eur: 10000 });
    expect(row(report.rows, 2027, '59', 'commune').byStatus.unpaid).toEqual({ lines: 1, eur: 8000 });
    // Salaries from March to December, paid to August; counted in months, never in euros.
    const salaries59 = row(report.rows, 2027, '59', 'employeur');
    expect(salaries59).toMatchObject({ lines: 10, plannedEur: null, paidEur: null });
    expect(salaries59.byStatus.paid).toEqual({ lines: 6, eur: null });
    expect(salaries59.byStatus.upcoming).toEqual({ lines: 4, eur: null });

    // Saint-Denis pays nothing: January to August late, September to December to come.
    const salaries974 = row(report.rows, 2027, '974', 'employeur');
    expect(salaries974.byStatus.late.lines).toBe(8);
    expect(salaries974.byStatus.upcoming.lines).toBe(4);
    expect(row(report.rows, 2027, '974', 'etat').byStatus.late).toEqual({ lines: 1, eur: 20000 });

    const national = row(report.rows, 2027, null, 'etat');
    expect(national).toMatchObject({ lines: 2, plannedEur: 40000, paidEur: 20000, conventions: 2 });
    expect(national.place.name).toBe('Ensemble');
    expect(row(report.rows, 2027, null, 'employeur').lines).toBe(22);
  });

  test('the suspended conventions, since when, and the lines recorded unpaid', () => {
    const { lille, reunion, now } = september2027();
    const report = financingReport([facts(lille), facts(reunion)], { years: [2027], now });
    expect(report.suspended).toEqual([
      {
        conventionId: 'convention-59-lille-centre',
        title: 'ISCG commissariat central de Lille (59)',
        place: { code: '59', name: 'Nord' },
        since: '2027-07-01',
        lines: [
          {
            itemId: 't1-commune-lille-annee-1',
            label: 'Contribution d’un cofinanceur — année 1 de la période 1',
            payer: 'Ville de Lille',
            dueDate: '2027-06-01',
            notedOn: '2027-07-01',
            outstandingEur: 8000,
          },
        ],
      },
    ]);
  });

  test('a year across a renewal counts the lines of both terms; the forecast adds the renewed term’s lines', () => {
    const d = inForce('roubaix', { reminders: {} });
    d.goTo('2029-10-01');
    d.send(
      'RECORD_RENEWAL_DECISION',
      {
        decision: 'renew',
        decidedOn: '2029-10-01',
        nextTermPatch: { financing: { stateAnnualParticipationEur: 22000 } },
      },
      party('etat'),
    );
    d.goTo('2029-10-15');
    const october = financingReport([facts(d)], { years: [2029], now: d.now });
    expect(october.endingTerms).toEqual([
      expect.objectContaining({
        conventionId: 'convention-59-roubaix',
        term: 1,
        endDate: '2030-02-28',
        renewal: 'renew',
        renewalLabel: 'reconduction décidée',
        decidedOn: '2029-10-01',
        stateAnnualEur: 20000,
        coFinancersAnnualEur: 23000,
      }),
    ]);
    const months = october.forecast.months;
    expect(months[0]).toBe('2029-10');
    expect(months).toHaveLength(12);
    const forecast = (month: string, payer: string) =>
      october.forecast.rows.find((r) => r.month === month && r.place.code === null && r.payer === payer);
    // October 2029 to February 2030 from the ledger; March to September 2030 from the decided renewal.
    expect(forecast('2029-11', 'employeur')).toMatchObject({ lines: 1, renewalLines: 0 });
    expect(forecast('2030-04', 'employeur')).toMatchObject({ lines: 0, renewalLines: 1 });
    expect(forecast('2030-06', 'etat')).toMatchObject({ lines: 0, renewalLines: 1, renewalEur: 22000 });

    d.goTo('2030-04-01');
    expect(d.context.term?.number).toBe(2);
    const year2030 = financingReport([facts(d)], { years: [2030], now: d.now });
    // January and February from the first term (kept in its past term), March to December from the second.
    expect(row(year2030.rows, 2030, '59', 'employeur').lines).toBe(12);
    const year2029 = financingReport([facts(d)], { years: [2029], now: d.now });
    expect(row(year2029.rows, 2029, '59', 'employeur').lines).toBe(12);
    expect(row(year2029.rows, 2029, '59', 'etat')).toMatchObject({ lines: 1, plannedEur: 20000 });
  });
});

describe('deadlines', () => {
  test('late ones and those within the horizon, soonest first, with who must act', () => {
    const { lille, now } = september2027();
    const report = deadlinesReport([facts(lille)], { days: 30, now });
    expect(
      report.rows.map((r) => [r.dueDate, r.kind, r.overdue, r.actors.map((a) => a.organisation)]),
    ).toEqual([
      ['2027-06-01', 'co-financing', true, ['Département du Nord']],
      ['2027-06-01', 'co-financing', true, ['Ville de Lille']],
      ['2027-09-28', 'salary-payment', false, ['Association Accueil et Médiation']],
    ]);
    expect(report.rows[2]).toMatchObject({
      daysLeft: 13,
      phaseLabel: 'Suspendue (non-versement des crédits)',
    });
    expect(report.rows[0]!.actors[0]).toMatchObject({
      role: 'conseil-departemental',
      roleLabel: 'Le conseil départemental',
    });
    expect(report.weeks[0]).toMatchObject({ weekStart: null, deadlines: 2 });
    expect(report.weeks.find((w) => w.weekStart === '2027-09-27')?.deadlines).toBe(1);
    expect(report.weeks.reduce((n, w) => n + w.deadlines, 0)).toBe(report.rows.length);
  });
});

describe('activity', () => {
  test('reports expected and received per calendar year, indicators summed, vacancies counted', () => {
    // Lille's first year ends on 29 February 2028: its report counts in 2028.
    const lille = inForce('lille-centre');
    lille.goTo('2027-11-10');
    lille.send('DECLARE_VACANCY', { vacantFrom: '2027-12-01', reason: 'demission' }, party('association'));
    lille.goTo('2028-01-10');
    recruit(lille, 'CAND-2028');
    lille.goTo('2028-02-10');
    lille.send(
      'SUBMIT_ACTIVITY_REPORT',
      {
        termYear: 1,
        submittedOn: '2028-02-10',
        documentRef: 'BILAN-1',
        statistics: { 'personnes-recues': 312, entretiens: 540, constructor: 2 },
      },
      party('association'),
    );
    lille.goTo('2028-03-15');
    const reunion = inForce('saint-denis', { departement: '974', startDate: '2027-01-04' });
    reunion.goTo('2028-03-15');
    const now = instantAt('2028-03-15', '59', 10);
    const report = activityReport([facts(lille), facts(reunion)], { years: [2028], now });
    expect(report.indicators).toEqual(['constructor', 'entretiens', 'personnes-recues']);
    const national = report.rows.find((r) => r.place.code === null)!;
    expect(national).toMatchObject({ expected: 2, received: 1, late: 1, notDueYet: 0, vacantPartOfYear: 1 });
    expect(national.indicators['personnes-recues']).toEqual({ total: 312, reports: 1 });
    expect(national.indicators.constructor).toEqual({ total: 2, reports: 1 });
    const table = activityTable(report);
    expect(table.columns.map((c) => c.header).slice(-3)).toEqual([
      'constructor',
      'entretiens',
      'personnes-recues',
    ]);
    expect(JSON.stringify(report)).not.toContain('BILAN-1');
  });
});

describe('tables', () => {
  test('every table has its columns once, and every row gives a value for each', () => {
    const { lille, reunion, now } = september2027();
    const all = [facts(lille), facts(reunion)];
    const tables = [
      ...Object.values(financingTables(financingReport(all, { years: [2027, 2028], now }))),
      deadlinesTable(deadlinesReport(all, { days: 60, now })),
      activityTable(activityReport(all, { years: [2028], now })),
    ];
    for (const table of tables) {
      const headers = table.columns.map((c) => c.header);
      expect(new Set(headers).size).toBe(headers.length);
      // No term ends within twelve months of September 2027: that table alone is empty.
      expect(table.rows.length > 0 || table.name === 'fins-de-periode').toBe(true);
      for (const r of table.rows) for (const c of table.columns) expect(c.value(r)).not.toBeUndefined();
    }
  });
});

test('for any mix of payments and non-payments, lines partition by status and the whole sums its départements', () => {
  const base = inForce('lille-centre');
  const reunionBase = inForce('saint-denis', { departement: '974', startDate: '2027-01-04' });
  const ids = base.context.ledger.filter((i) => i.dueDate < '2028-01-01').map((i) => i.id);
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.constantFrom(...ids), fc.constantFrom('pay', 'half', 'unpaid')), {
        maxLength: 12,
      }),
      fc.integer({ min: 0, max: 500 }),
      (acts, dayOffset) => {
        const d = new Driver(conventionCreate('lille-centre'), '2026-12-01');
        d.snapshot = base.snapshot;
        d.now = base.now;
        for (const [id, act] of acts) {
          const item = d.context.ledger.find((i) => i.id === id)!;
          d.goTo(item.dueDate < '2027-03-01' ? '2027-03-01' : item.dueDate);
          const payer = item.kind === 'salary' ? party('association') : party(item.payerPartyId);
          if (act === 'unpaid') d.attempt('RECORD_NON_PAYMENT', { itemId: id, notedOn: item.dueDate }, payer);
          else
            d.attempt(
              'RECORD_PAYMENT',
              {
                itemId: id,
                paidOn: item.dueDate,
                ...(item.plannedAmountEur
                  ? { amountEur: act === 'half' ? item.plannedAmountEur / 2 : item.plannedAmountEur }
                  : {}),
              },
              payer,
            );
        }
        const now = instantAt('2027-03-01', '59', 10) + dayOffset * 86_400_000;
        const report = financingReport([facts(d), facts(reunionBase)], { years: [2027, 2028], now });
        for (const r of report.rows) {
          expect(LEDGER_STATUSES.reduce((n, s) => n + r.byStatus[s].lines, 0)).toBe(r.lines);
          if (r.place.code !== null) continue;
          const parts = report.rows.filter(
            (p) => p.year === r.year && p.payer === r.payer && p.place.code !== null,
          );
          expect(parts.reduce((n, p) => n + p.lines, 0)).toBe(r.lines);
          expect(parts.reduce((n, p) => n + (p.paidEur ?? 0), 0)).toBeCloseTo(r.paidEur ?? 0, 2);
          for (const s of LEDGER_STATUSES)
            expect(parts.reduce((n, p) => n + (p.byStatus[s].eur ?? 0), 0)).toBeCloseTo(
              r.byStatus[s].eur ?? 0,
              2,
            );
        }
      },
    ),
    { numRuns: 40 },
  );
});
