import { ConventionError } from '../../client/conventions';
import { ConventionFactsCache } from '../../client/reports/cache';
import { addDays, addMonths, compareDates, localDate } from '../../domain/calendar/dates';
import type { DepartementCode } from '../../domain/calendar/departements';
import { signatoryPartyIds } from '../../domain/convention/completeness';
import type { ExternalEventType } from '../../domain/lifecycle/events';
import { completeConventionData } from '../../test/support/fixtures';
import { startDevStack, type DevStack } from '../support/dev-stack';
import { BENCH_ACTOR, todayInNord } from '../support/plan';
import type { Bundles } from '../support/servers';
import { median, pool, quantile, round, sleep } from '../support/stats';

/**
 * 6. The national reports over a fleet of conventions on the embedded stack (dev server, worker
 * process, API process): conventions in force for up to two years in twenty départements (mainland,
 * Corsica, Alsace-Moselle, overseas), mostly paid, some late, a few suspended, reports sent.
 *
 * Measured: the API's first answer (it reads every convention from Temporal: the rebuild), then the
 * latency of each report over HTTP once warm, against a listing of the same conventions through
 * Temporal's visibility (`GET /conventions?limit=…`) in the same rounds; a sweep of the cache
 * (describe each running convention, query none) and a cold one (query them all); the API's memory.
 */

export interface ReportsBenchOptions {
  conventions: number;
  /** Requests per report kind once warm. */
  samples: number;
  concurrency: number;
}

interface Latency {
  p50: number;
  p90: number;
  p99: number;
}

export interface ReportsBenchResult {
  conventions: number;
  transitionsToSeed: number;
  seedSeconds: number;
  firstAnswerMs: number;
  latencyMs: Record<'financing' | 'financingCsv' | 'deadlines' | 'activity' | 'listing', Latency>;
  /** National financing JSON p50 / listing p50, in the same rounds. */
  ratioFinancingToListing: number;
  bytes: { financingJson: number; financingCsv: number; deadlinesJson: number };
  sweepMs: { cold: number; warm: number };
  apiRssMiB: { beforeReports: number; afterReports: number };
  target: { financingP50Ms: number; holds: boolean };
}

const DEPARTEMENTS: DepartementCode[] = [
  '59',
  '62',
  '75',
  '93',
  '13',
  '69',
  '33',
  '31',
  '67',
  '57',
  '68',
  '2A',
  '2B',
  '06',
  '44',
  '35',
  '971',
  '972',
  '974',
  '976',
];

function latency(samples: number[]): Latency {
  return {
    p50: round(median(samples), 1),
    p90: round(quantile(samples, 0.9), 1),
    p99: round(quantile(samples, 0.99), 1),
  };
}

/**
 * A Temporal call retried while the server says to (a workflow task still to be retried on a
 * machine this busy, a query buffer cleared): the fleet must get seeded, not measure those.
 */
async function patiently<T>(fn: () => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof ConventionError || attempt >= attempts) throw error;
      await sleep(500 * attempt);
    }
  }
}

/**
 * Activation, then the payments of every line due by `payUntil`, a non-payment or a report for some.
 * Dates are the convention's own day: near midnight, Mayotte is a day ahead of Guadeloupe.
 */
async function seedOne(stack: DevStack, i: number): Promise<number> {
  const departement = DEPARTEMENTS[i % DEPARTEMENTS.length]!;
  const today = localDate(Date.now(), departement);
  const startDate = addMonths(`${today.slice(0, 7)}-01`, -(i % 25));
  const create = {
    slug: `rapport-${i}`,
    data: completeConventionData({
      departement,
      startDate,
      financing: {
        stateAnnualParticipationEur: 18000 + (i % 5) * 1000,
        coFinancers: {
          cd59: { annualContributionEur: 12000 + (i % 7) * 500 },
          'commune-lille': { annualContributionEur: 6000 + (i % 3) * 1000 },
        },
        salaryPaymentDay: 5 + (i % 24),
      },
    }),
  };
  const conventionId = `convention-${departement.toLowerCase()}-${create.slug}`;
  try {
    await stack.conventions.create(create, BENCH_ACTOR);
  } catch (error) {
    // Started, but its first state could not be read yet: it is there all the same.
    if (error instanceof ConventionError) throw error;
    await patiently(() => stack.conventions.get(conventionId));
  }
  let sent = 0;
  const send = async (type: ExternalEventType, payload: unknown) => {
    // Idempotency keys make a retried transition count once.
    const idempotencyKey = `seed-${create.slug}-${sent}`;
    await patiently(() =>
      stack.conventions.send(conventionId, { type, payload, actor: BENCH_ACTOR, idempotencyKey }),
    );
    sent += 1;
  };
  await send('SUBMIT_DRAFT', {});
  await send('COMPOSE_SELECTION_COMMITTEE', {
    members: [
      { partyId: 'association', authority: 'hierarchique', title: 'directrice' },
      { partyId: 'police', authority: 'fonctionnelle', title: 'chef de service' },
    ],
  });
  await send('RECORD_APPLICATIONS', { count: 2, references: ['CAND-1', 'CAND-2'] });
  await send('RECORD_RECRUITMENT_DECISION', { outcome: 'selected', candidateRef: 'CAND-1' });
  for (const partyId of signatoryPartyIds(create.data))
    await send('SIGN', { partyId, signerName: 'Signataire', signerTitle: 'Représentant', signedOn: today });
  if (i % 4 === 3) return sent;
  const payUntil = addDays(today, i % 4 === 2 ? -75 : -10);
  const state = await patiently(() => stack.conventions.get(conventionId));
  for (const line of state.ledger) {
    if (compareDates(line.dueDate, payUntil) > 0) continue;
    if (i % 23 === 0 && line.kind === 'co-financing') {
      // A non-payment is noted on the day after the line falls due at the earliest.
      await send('RECORD_NON_PAYMENT', { itemId: line.id, notedOn: addDays(line.dueDate, 1) });
      continue;
    }
    await send('RECORD_PAYMENT', {
      itemId: line.id,
      paidOn: line.dueDate,
      ...(line.plannedAmountEur ? { amountEur: line.plannedAmountEur } : {}),
    });
  }
  const firstYear = state.reviews[0];
  if (firstYear && compareDates(firstYear.yearStart, today) <= 0 && i % 2 === 0)
    await send('SUBMIT_ACTIVITY_REPORT', {
      termYear: 1,
      submittedOn: today,
      documentRef: `BILAN-${i}`,
      statistics: { 'personnes-recues': 100 + (i % 200), entretiens: 150 + (i % 300), orientations: i % 90 },
    });
  return sent;
}

export async function runReports(
  bundles: Bundles,
  options: ReportsBenchOptions,
  log: (line: string) => void,
): Promise<ReportsBenchResult> {
  const stack = await startDevStack(bundles);
  try {
    const today = todayInNord();
    const year = Number(today.slice(0, 4));
    const seedStarted = Date.now();
    let done = 0;
    const transitions = await pool(
      Array.from({ length: options.conventions }, (_, i) => i),
      options.concurrency,
      async (i) => {
        const sent = await seedOne(stack, i);
        if (++done % 50 === 0) log(`  ${done} / ${options.conventions} conventions seeded`);
        return sent;
      },
    );
    const seedSeconds = (Date.now() - seedStarted) / 1000;
    const transitionsToSeed = transitions.reduce((a, b) => a + b, 0);
    log(`  ${transitionsToSeed} transitions in ${round(seedSeconds, 0)} s`);

    const get = async (path: string, accept = 'application/json') => {
      const started = performance.now();
      const response = await fetch(`${stack.apiUrl}${path}`, {
        headers: { authorization: `Bearer ${stack.token}`, accept },
      });
      const body = await response.arrayBuffer();
      if (response.status !== 200)
        throw new Error(`${path}: ${response.status} ${Buffer.from(body).toString()}`);
      return { ms: performance.now() - started, bytes: body.byteLength };
    };
    const rss = async () => (await stack.api.request<{ rssBytes: number }>('status')).rssBytes / 2 ** 20;

    const beforeReports = await rss();
    const years = `${year - 1},${year}`;
    const first = await get(`/reports/financing?years=${years}`);
    log(`  first answer (every convention read from Temporal): ${round(first.ms, 0)} ms`);

    const samples: Record<keyof ReportsBenchResult['latencyMs'], number[]> = {
      financing: [],
      financingCsv: [],
      deadlines: [],
      activity: [],
      listing: [],
    };
    const sizes = { financingJson: 0, financingCsv: 0, deadlinesJson: 0 };
    const ratios: number[] = [];
    for (let i = 0; i < options.samples; i++) {
      const financing = await get(`/reports/financing?years=${years}`);
      const listing = await get(`/conventions?limit=${Math.min(options.conventions, 1000)}`);
      const csv = await get(`/reports/financing?years=${years}&format=csv`, 'text/csv');
      const deadlines = await get('/reports/deadlines?days=30');
      const activity = await get(`/reports/activity?years=${years}`);
      samples.financing.push(financing.ms);
      samples.listing.push(listing.ms);
      samples.financingCsv.push(csv.ms);
      samples.deadlines.push(deadlines.ms);
      samples.activity.push(activity.ms);
      ratios.push(financing.ms / listing.ms);
      sizes.financingJson = financing.bytes;
      sizes.financingCsv = csv.bytes;
      sizes.deadlinesJson = deadlines.bytes;
    }
    const afterReports = await rss();

    // The cache itself, in this process: a rebuild from nothing, then a sweep with nothing new.
    const cache = new ConventionFactsCache(
      {
        runs: () => stack.conventions.runs(),
        run: (id) => stack.conventions.run(id),
        state: (id) => stack.conventions.get(id),
      },
      { refreshMs: 3_600_000 },
    );
    let started = performance.now();
    await cache.sweep();
    const cold = performance.now() - started;
    started = performance.now();
    await cache.sweep();
    const warm = performance.now() - started;
    const status = cache.status();
    log(
      `  sweep: cold ${round(cold, 0)} ms (${status.conventions} read), warm ${round(warm, 0)} ms (${status.lastSweep?.described} described, ${status.lastSweep?.queried} queried)`,
    );
    await cache.stop();

    const latencyMs = {
      financing: latency(samples.financing),
      financingCsv: latency(samples.financingCsv),
      deadlines: latency(samples.deadlines),
      activity: latency(samples.activity),
      listing: latency(samples.listing),
    };
    return {
      conventions: options.conventions,
      transitionsToSeed,
      seedSeconds: round(seedSeconds, 0),
      firstAnswerMs: round(first.ms, 0),
      latencyMs,
      ratioFinancingToListing: round(median(ratios), 2),
      bytes: sizes,
      sweepMs: { cold: round(cold, 0), warm: round(warm, 0) },
      apiRssMiB: { beforeReports: round(beforeReports, 0), afterReports: round(afterReports, 0) },
      target: { financingP50Ms: 1000, holds: latencyMs.financing.p50 < 1000 },
    };
  } finally {
    await stack.teardown();
  }
}
