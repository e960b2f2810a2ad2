import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Principal } from '../../client/auth/principal';
import { ConventionFactsCache, type ConventionSource } from '../../client/reports/cache';
import { ReportsService, type Reported } from '../../client/reports/service';
import type { ActivityReport } from '../../domain/reports/activity';
import type { DeadlinesReport } from '../../domain/reports/deadlines';
import type { FinancingReport } from '../../domain/reports/financing';
import { addDays, instantAt, type CivilDate } from '../../domain/calendar/dates';
import type { DepartementCode } from '../../domain/calendar/departements';
import { signatoryPartyIds } from '../../domain/convention/completeness';
import type { ConventionCreate } from '../../domain/convention/schema';
import type { ExternalEventType } from '../../domain/lifecycle/events';
import type { ConventionState } from '../../domain/temporal-contract';
import { conventionCreate } from '../support/fixtures';
import { OPERATOR } from '../support/life';
import { oracleActivity, oracleDeadlines, oracleFinancing } from '../support/report-oracle';
import { startTimeSkipping, type TimeSkippingHarness } from '../support/workflow-env';

/**
 * A fleet of conventions driven through whole lives on the time-skipping server, in seven
 * départements (Alsace-Moselle and overseas among them): paid on time, paid late, recorded
 * unpaid then paid, left unpaid, a vacancy, renewals with a new partner, a denunciation, a
 * non-renewal, a convention never signed. At checkpoints years apart, every row of the three
 * reports is compared with the totals worked out independently from each convention's own state
 * (test/support/report-oracle.ts), and a cache built from nothing gives the same reports.
 */

let h: TimeSkippingHarness;
const figures: Record<string, unknown>[] = [];
const YEARS = [2027, 2028, 2029, 2030, 2031];
const OPERATOR_KEY: Principal = { keyId: 'fleet', label: null, grant: { kind: 'operator' } };

beforeAll(async () => {
  h = await startTimeSkipping();
});
afterAll(async () => {
  await h?.teardown();
  const dir = path.resolve(__dirname, '..', '..', 'test-results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'reports-fleet-figures.json'), JSON.stringify(figures, null, 2));
});

interface Member {
  id: string;
  departement: DepartementCode;
  create: ConventionCreate;
}

const ONE_CHASE = Object.fromEntries(
  ['salary-payment', 'state-participation', 'co-financing', 'activity-report', 'committee-meeting'].map(
    (l) => [l, { every: null }],
  ),
);

function member(
  slug: string,
  departement: DepartementCode,
  startDate: CivilDate,
  salaryPaymentDay = 28,
): Member {
  const create = conventionCreate(slug, {
    departement,
    startDate,
    reminders: ONE_CHASE,
    financing: {
      stateAnnualParticipationEur: 20000,
      coFinancers: {
        cd59: { annualContributionEur: 15000 },
        'commune-lille': { annualContributionEur: 8000 },
      },
      salaryPaymentDay,
    },
  });
  return { id: `convention-${departement.toLowerCase()}-${slug}`, departement, create };
}

const lille = member('lille', '59', '2027-03-01');
const strasbourg = member('strasbourg', '67', '2027-06-01', 5);
const reunion = member('saint-denis', '974', '2027-09-01', 25);
const ajaccio = member('ajaccio', '2A', '2028-01-03');
const metz = member('metz', '57', '2027-03-01', 15);
const guadeloupe = member('pointe-a-pitre', '971', '2028-04-01');
const lyon = member('lyon', '69', '2029-01-02');
const FLEET = [lille, strasbourg, reunion, ajaccio, metz, guadeloupe, lyon];

interface Action {
  at: number;
  what: string;
  /** May plan more actions (payments known once a term's ledger exists). */
  run: () => Promise<unknown>;
}

function send(m: Member, type: ExternalEventType, payload: unknown) {
  return h.conventions.send(m.id, { type, payload, actor: OPERATOR });
}

function act(m: Member, date: CivilDate, what: string, run: () => Promise<unknown>, hour = 11): Action {
  return { at: instantAt(date, m.departement, hour), what: `${m.id} ${date} ${what}`, run };
}

/** Acts in time order, moving the server's clock to each act; acts may plan further ones. */
async function perform(initial: Action[]): Promise<number> {
  const queue = [...initial];
  let done = 0;
  while (queue.length > 0) {
    queue.sort((a, b) => a.at - b.at);
    const action = queue.shift()!;
    const now = await h.env.currentTimeMs();
    if (action.at > now) await h.env.sleep(action.at - now);
    try {
      const more = await action.run();
      if (Array.isArray(more)) queue.push(...(more as Action[]));
    } catch (error) {
      throw new Error(`${action.what}: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
    done += 1;
  }
  return done;
}

function activation(m: Member, signedOn: CivilDate, signers = signatoryPartyIds(m.create.data)): Action[] {
  return [
    act(m, addDays(signedOn, -20), 'create and recruit', async () => {
      await h.conventions.create(m.create, OPERATOR);
      await send(m, 'SUBMIT_DRAFT', {});
      await send(m, 'COMPOSE_SELECTION_COMMITTEE', {
        members: [
          { partyId: 'association', authority: 'hierarchique', title: 'directrice' },
          { partyId: 'police', authority: 'fonctionnelle', title: 'chef de service' },
        ],
      });
      await send(m, 'RECORD_APPLICATIONS', { count: 2, references: ['CAND-1', 'CAND-2'] });
      await send(m, 'RECORD_RECRUITMENT_DECISION', { outcome: 'selected', candidateRef: 'CAND-1' });
    }),
    act(m, signedOn, 'sign', async () => {
      for (const partyId of signers)
        await send(m, 'SIGN', {
          partyId,
          signerName: `Signataire ${partyId}`,
          signerTitle: 'Représentant',
          signedOn,
        });
    }),
  ];
}

type Line = ConventionState['ledger'][number];

/**
 * On `date`, reads the convention's ledger and plans the payment of each line of `term` matching
 * `which`, `delayDays` after its due date (or on `paidOn`), in full or for a `share` of it.
 */
function plan(
  m: Member,
  date: CivilDate,
  term: number,
  which: (line: Line) => boolean,
  options: { delayDays?: number; share?: number; until?: CivilDate; paidOn?: CivilDate } = {},
): Action {
  return act(m, date, `plan payments of term ${term}`, async () => {
    const state = await h.conventions.get(m.id);
    return state.ledger
      .filter((l) => l.term === term && which(l) && (!options.until || l.dueDate <= options.until))
      .map((line) => {
        const paidOn = options.paidOn ?? addDays(line.dueDate, options.delayDays ?? 0);
        return act(m, paidOn, `pay ${line.id}`, () =>
          send(m, 'RECORD_PAYMENT', {
            itemId: line.id,
            paidOn,
            ...(line.plannedAmountEur ? { amountEur: line.plannedAmountEur * (options.share ?? 1) } : {}),
          }),
        );
      });
  });
}

function report(m: Member, termYear: number, on: CivilDate, statistics: Record<string, number>): Action {
  return act(m, on, `report ${termYear}`, () =>
    send(m, 'SUBMIT_ACTIVITY_REPORT', {
      termYear,
      submittedOn: on,
      documentRef: `BILAN-${termYear}`,
      statistics,
    }),
  );
}

function ids(): string[] {
  return FLEET.map((m) => m.id);
}

/** The time-skipping server has no visibility listing: the fleet's ids are known. */
const source: ConventionSource = {
  runs: async () => {
    const runs = await Promise.all(ids().map((id) => h.conventions.run(id).catch(() => null)));
    return runs.filter((r) => r !== null);
  },
  run: (id) => h.conventions.run(id),
  state: (id) => h.conventions.get(id),
};

const strip = <T extends { freshness: unknown }>({ freshness: _f, ...rest }: T) => rest;

/** The reports against the oracle, row by row, and a cache rebuilt from nothing against the first. */
async function checkpoint(label: string, service: ReportsService, rebuild: boolean): Promise<void> {
  await service.cache.sweep();
  const now = await h.env.currentTimeMs();
  const states = await Promise.all(ids().map((id) => h.conventions.get(id).catch(() => null)));
  const present = states.filter((s): s is ConventionState => s !== null);

  const financing = await service.financing(OPERATOR_KEY, { years: YEARS });
  const expected = oracleFinancing(present, YEARS, now);
  expect(financing.rows.length).toBe(expected.size);
  for (const row of financing.rows) {
    const key = `${row.year}|${row.place.code ?? ''}|${row.payer}`;
    const want = expected.get(key);
    expect({ key, lines: row.lines, conventions: row.conventions }).toEqual({
      key,
      lines: want?.lines,
      conventions: want?.conventions.size,
    });
    if (want!.plannedEur === null) expect([key, row.plannedEur, row.paidEur]).toEqual([key, null, null]);
    else {
      expect(row.plannedEur).toBeCloseTo(want!.plannedEur, 2);
      expect(row.paidEur).toBeCloseTo(want!.paidEur!, 2);
    }
    for (const [status, got] of Object.entries(row.byStatus)) {
      const w = want!.byStatus[status] ?? { lines: 0, eur: want!.plannedEur === null ? null : 0 };
      expect({ key, status, lines: got.lines }).toEqual({ key, status, lines: w.lines });
      if (w.eur === null) expect(got.eur).toBeNull();
      else expect(got.eur).toBeCloseTo(w.eur, 2);
    }
  }

  const deadlines = await service.deadlines(OPERATOR_KEY, { days: 60 });
  expect(deadlines.rows.map((r) => `${r.dueDate}|${r.conventionId}|${r.kind}|${r.label}`).sort()).toEqual(
    oracleDeadlines(present, 60, now),
  );

  const activity = await service.activity(OPERATOR_KEY, { years: YEARS });
  const expectedActivity = oracleActivity(present, YEARS, now);
  expect(activity.rows.length).toBe(expectedActivity.size);
  for (const row of activity.rows) {
    const key = `${row.year}|${row.place.code ?? ''}`;
    const want = expectedActivity.get(key)!;
    expect({
      key,
      expected: row.expected,
      received: row.received,
      late: row.late,
      notDue: row.notDueYet,
    }).toEqual({
      key,
      expected: want.expected,
      received: want.received,
      late: want.late,
      notDue: want.notDueYet,
    });
    expect(Object.fromEntries(Object.entries(row.indicators).map(([k, v]) => [k, v.total]))).toEqual(
      want.indicators,
    );
  }

  // Lost and rebuilt from Temporal alone: the same reports. (Reading an ended convention replays
  // its whole history on the worker: done at two checkpoints only, to keep the suite short.)
  if (rebuild) await expectSameWhenRebuilt(now, financing, deadlines, activity);

  figures.push({
    checkpoint: label,
    conventions: present.length,
    phases: Object.fromEntries(present.map((s) => [s.conventionId, s.phase])),
    financingRows: financing.rows.length,
    ledgerLines: financing.rows.filter((r) => r.place.code === null).reduce((n, r) => n + r.lines, 0),
    late: financing.rows
      .filter((r) => r.place.code === null)
      .reduce((n, r) => n + r.byStatus.late.lines + r.byStatus.partial.lines, 0),
    deadlines: deadlines.rows.length,
    activityRows: activity.rows.length,
    reportsReceived: activity.rows.filter((r) => r.place.code === null).reduce((n, r) => n + r.received, 0),
    sweep: service.cache.status().lastSweep,
  });
}

async function expectSameWhenRebuilt(
  now: number,
  financing: Reported<FinancingReport>,
  deadlines: Reported<DeadlinesReport>,
  activity: Reported<ActivityReport>,
): Promise<void> {
  const rebuilt = new ReportsService(new ConventionFactsCache(source, { refreshMs: 3_600_000 }), {
    clock: () => now,
    waitMs: 60_000,
  });
  expect(strip(await rebuilt.financing(OPERATOR_KEY, { years: YEARS }))).toEqual(strip(financing));
  expect(strip(await rebuilt.deadlines(OPERATOR_KEY, { days: 60 }))).toEqual(strip(deadlines));
  expect(strip(await rebuilt.activity(OPERATOR_KEY, { years: YEARS }))).toEqual(strip(activity));
  await rebuilt.cache.stop();
}

test('reports over a fleet’s whole lives agree, row by row, with each convention’s own state', async () => {
  await h.withWorker(async () => {
    const service = new ReportsService(new ConventionFactsCache(source, { refreshMs: 3_600_000 }), {
      clock: () => h.env.currentTimeMs(),
      waitMs: 60_000,
    });
    const checkpointAt = (date: CivilDate, rebuild = false) =>
      act(lille, date, 'checkpoint', () => checkpoint(date, service, rebuild), 12);
    const transitions = await perform([
      ...activation(lille, '2027-01-11'),
      ...activation(strasbourg, '2027-03-15'),
      ...activation(reunion, '2027-06-14'),
      ...activation(metz, '2027-01-18'),
      ...activation(ajaccio, '2027-12-13'),
      ...activation(lyon, '2028-12-03'),
      // Pointe-à-Pitre: the conseil départemental never signs.
      ...activation(
        guadeloupe,
        '2028-02-14',
        signatoryPartyIds(guadeloupe.create.data).filter((p) => p !== 'cd59'),
      ),

      // Lille pays on time, is recorded unpaid once (suspended, then paid), renews with a new
      // commune, then pays salaries and half the State's share of its second term.
      plan(lille, '2027-03-02', 1, (l) => l.id !== 't1-commune-lille-annee-2', { until: '2029-12-31' }),
      act(lille, '2028-06-15', 'non-payment', () =>
        send(lille, 'RECORD_NON_PAYMENT', { itemId: 't1-commune-lille-annee-2', notedOn: '2028-06-12' }),
      ),
      act(lille, '2028-07-20', 'late payment', () =>
        send(lille, 'RECORD_PAYMENT', {
          itemId: 't1-commune-lille-annee-2',
          paidOn: '2028-07-20',
          amountEur: 8000,
        }),
      ),
      report(lille, 1, '2028-02-10', { 'personnes-recues': 312, entretiens: 540 }),
      report(lille, 2, '2029-02-08', { 'personnes-recues': 355, entretiens: 601, orientations: 90 }),
      act(lille, '2029-10-01', 'renew', () =>
        send(lille, 'RECORD_RENEWAL_DECISION', {
          decision: 'renew',
          decidedOn: '2029-10-01',
          nextTermPatch: {
            parties: {
              'commune-roubaix': {
                role: 'commune',
                organisation: 'Ville de Roubaix',
                representative: { title: 'Maire de Roubaix' },
                contacts: [{ email: 'prevention@roubaix.example' }],
              },
            },
            financing: { coFinancers: { 'commune-roubaix': { annualContributionEur: 5000 } } },
          },
        }),
      ),
      plan(lille, '2030-03-02', 2, (l) => l.kind === 'salary', { until: '2031-03-31' }),
      plan(lille, '2030-03-02', 2, (l) => l.kind === 'state-participation', {
        share: 0.5,
        until: '2030-12-31',
      }),

      // Strasbourg pays salaries ten days late, the State on time, its département never; denounced.
      plan(strasbourg, '2027-06-02', 1, (l) => l.kind === 'salary', { delayDays: 10, until: '2029-06-30' }),
      plan(strasbourg, '2027-06-02', 1, (l) => l.kind === 'state-participation'),
      report(strasbourg, 1, '2028-05-02', { 'personnes-recues': 120 }),
      act(strasbourg, '2029-09-02', 'denounce', () =>
        send(strasbourg, 'DENOUNCE', {
          partyId: 'commune-lille',
          letterSentOn: '2029-09-02',
          letterReference: '1A 000 111 222 3',
        }),
      ),

      // La Réunion loses its social worker for four months; nobody decides on renewal.
      plan(
        reunion,
        '2027-09-02',
        1,
        (l) => l.kind !== 'salary' || l.month! < '2028-06' || l.month! > '2028-09',
      ),
      act(reunion, '2028-05-10', 'vacancy', () =>
        send(reunion, 'DECLARE_VACANCY', { vacantFrom: '2028-06-01', reason: 'mutation' }),
      ),
      act(reunion, '2028-09-15', 'recruitment', async () => {
        await send(reunion, 'COMPOSE_SELECTION_COMMITTEE', {
          members: [
            { partyId: 'association', authority: 'hierarchique', title: 'directrice' },
            { partyId: 'police', authority: 'fonctionnelle', title: 'chef de service' },
          ],
        });
        await send(reunion, 'RECORD_APPLICATIONS', { count: 3, references: ['CAND-974-1'] });
        await send(reunion, 'RECORD_RECRUITMENT_DECISION', {
          outcome: 'selected',
          candidateRef: 'CAND-974-1',
          startsOn: '2028-10-01',
        });
      }),
      report(reunion, 1, '2028-08-20', { 'personnes-recues': 98, entretiens: 130 }),

      // Metz records nothing for a year, then every line at once; then nothing again.
      plan(metz, '2028-03-02', 1, (l) => l.dueDate <= '2028-03-01', { paidOn: '2028-03-02' }),

      // Ajaccio pays on time until mid-2029 and is not renewed; Lyon pays two days late.
      plan(ajaccio, '2028-01-04', 1, () => true, { until: '2029-06-30' }),
      act(ajaccio, '2030-07-15', 'not renewed', () =>
        send(ajaccio, 'RECORD_RENEWAL_DECISION', { decision: 'not_renew', decidedOn: '2030-07-15' }),
      ),
      plan(lyon, '2029-01-03', 1, () => true, { until: '2031-05-31', delayDays: 2 }),

      checkpointAt('2028-03-10', true),
      checkpointAt('2029-11-20'),
      checkpointAt('2030-06-10'),
      checkpointAt('2031-06-20', true),
    ]);

    // Lille's salaries: all of 2029 and January–February 2030 from its first term, kept in its past
    // term since the renewal, the rest of 2030 from its second; Roubaix joined for the second only.
    const lastYears = await service.financing(OPERATOR_KEY, { years: [2029, 2030], departements: ['59'] });
    const row = (year: number, payer: string) =>
      lastYears.rows.find((r) => r.year === year && r.place.code === '59' && r.payer === payer);
    expect(row(2029, 'employeur')?.lines).toBe(12);
    expect(row(2030, 'employeur')?.lines).toBe(12);
    expect(row(2030, 'commune')?.lines).toBe(2);

    // Those that ended with lines still owed stay open for them (`settling`); Réunion paid all.
    const final = await Promise.all(ids().map((id) => h.conventions.get(id)));
    expect(Object.fromEntries(final.map((s) => [s.conventionId, s.phase]))).toEqual({
      [lille.id]: 'active',
      [strasbourg.id]: 'settling',
      [reunion.id]: 'terminated',
      [ajaccio.id]: 'settling',
      [metz.id]: 'settling',
      [guadeloupe.id]: 'signature',
      [lyon.id]: 'active',
    });
    figures.push({ actions: transitions, conventions: FLEET.length });
  });
}, 900_000);
