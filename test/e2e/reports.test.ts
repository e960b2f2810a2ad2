import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../client/cli/program';
import { EXIT } from '../../client/cli/exit-codes';
import type { ConventionState } from '../../domain/temporal-contract';
import { eventually, startApi, startDevStack, type DevStack, type RunningApi } from '../support/api-harness';
import { oracleActivity, oracleDeadlines, oracleFinancing } from '../support/report-oracle';
import { seedConventions, type SeededConventions } from '../support/report-fixtures';

/**
 * The national view over HTTP and the CLI, on a real Temporal dev server: the figures agree with
 * each convention's own state, follow an event at once (through the API) or at the next reading
 * (sent to Temporal directly), come back the same from a new API process, in JSON and in CSV.
 */

let stack: DevStack;
let api: RunningApi;
let seeded: SeededConventions;
let year: number;
const suffix = Date.now().toString(36);
const KEYS = [
  { id: 'operator', actsAs: { kind: 'operator' as const } },
  {
    id: 'prefecture-59',
    actsAs: { kind: 'party-role' as const, role: 'etat' as const, departements: ['59' as const] },
  },
];

beforeAll(async () => {
  stack = await startDevStack();
  seeded = await seedConventions(stack.conventions, suffix);
  year = Number(seeded.today.slice(0, 4));
  api = await startApi(stack.conventions, { keys: KEYS, reports: { refreshSeconds: 1 } });
}, 120_000);
afterAll(async () => {
  await api?.close();
  await stack?.teardown();
});

async function states(ids: string[]): Promise<ConventionState[]> {
  return Promise.all(ids.map((id) => stack.conventions.get(id)));
}

function allIds(): string[] {
  return seeded.all;
}

test('financing, line by line, as the conventions’ own ledgers say', async () => {
  const years = `${year - 1}-${year}`;
  const { status, body } = await api.call('GET', `/reports/financing?years=${years}`);
  expect(status).toBe(200);
  expect(body.scope.conventionIds).toEqual([...allIds()].sort());
  expect(body.freshness.stale).toBe(false);
  const now = Date.parse(body.freshness.generatedAt);
  const expected = oracleFinancing(await states(allIds()), [year - 1, year], now);
  expect(body.rows).toHaveLength(expected.size);
  for (const row of body.rows) {
    const want = expected.get(`${row.year}|${row.place.code ?? ''}|${row.payer}`);
    expect({ key: [row.year, row.place.code, row.payer], lines: row.lines }).toEqual({
      key: [row.year, row.place.code, row.payer],
      lines: want?.lines,
    });
    expect(row.conventions).toBe(want!.conventions.size);
    expect(row.plannedEur).toBe(want!.plannedEur);
    expect(row.paidEur).toBe(want!.paidEur);
    for (const [s, figures] of Object.entries(row.byStatus as Record<string, { lines: number; eur: number }>))
      expect([s, figures]).toEqual([
        s,
        want!.byStatus[s] ?? { lines: 0, eur: want!.plannedEur === null ? null : 0 },
      ]);
  }
  expect(body.suspended.map((s: any) => s.conventionId)).toEqual([seeded.lille]);
  expect(body.suspended[0].lines[0]).toMatchObject({ payer: 'Ville de Lille', outstandingEur: 8000 });
  expect(body.forecast.months).toHaveLength(12);
});

test('deadlines at risk and activity agree with the conventions', async () => {
  const deadlines = await api.call('GET', '/reports/deadlines?days=45');
  expect(deadlines.status).toBe(200);
  const now = Date.parse(deadlines.body.freshness.generatedAt);
  const all = await states(allIds());
  expect(
    deadlines.body.rows.map((r: any) => `${r.dueDate}|${r.conventionId}|${r.kind}|${r.label}`).sort(),
  ).toEqual(oracleDeadlines(all, 45, now));
  const dates = deadlines.body.rows.map((r: any) => r.dueDate);
  expect(dates).toEqual([...dates].sort());
  const signature = deadlines.body.rows.find((r: any) => r.kind === 'signature');
  expect(signature).toMatchObject({ conventionId: seeded.reunion });
  expect(signature.actors).toEqual([
    {
      partyId: 'cd59',
      organisation: 'Département du Nord',
      role: 'conseil-departemental',
      roleLabel: 'Le conseil départemental',
    },
  ]);

  const activity = await api.call('GET', `/reports/activity?years=${year - 1}-${year + 1}`);
  expect(activity.status).toBe(200);
  const expected = oracleActivity(all, [year - 1, year, year + 1], now);
  expect(activity.body.rows).toHaveLength(expected.size);
  for (const row of activity.body.rows) {
    const want = expected.get(`${row.year}|${row.place.code ?? ''}`)!;
    expect({
      expected: row.expected,
      received: row.received,
      late: row.late,
      notDueYet: row.notDueYet,
    }).toEqual({
      expected: want.expected,
      received: want.received,
      late: want.late,
      notDueYet: want.notDueYet,
    });
    expect(
      Object.fromEntries(Object.entries(row.indicators).map(([k, v]: [string, any]) => [k, v.total])),
    ).toEqual(want.indicators);
  }
  expect(JSON.stringify(activity.body)).not.toContain('BILAN-LILLE');
});

test('a key sees its own département; a filter beyond it is refused', async () => {
  const mine = await api.call('GET', `/reports/financing?years=${year}`, { as: 'prefecture-59' });
  expect(mine.status).toBe(200);
  expect(mine.body.scope.conventionIds).toEqual([seeded.lille, seeded.roubaix, seeded.valenciennes].sort());
  expect(mine.body.rows.every((r: any) => r.place.code === null || r.place.code === '59')).toBe(true);
  const beyond = await api.call('GET', '/reports/deadlines?departements=67', { as: 'prefecture-59' });
  expect(beyond.status).toBe(403);
  expect(beyond.body).toMatchObject({ code: 'forbidden', field: 'departements' });
  expect(beyond.body.detail).toContain('67');
});

test('bad filters get a 422 naming the parameter and the rule', async () => {
  const cases: [string, string, RegExp][] = [
    ['/reports/financing?years=20x7', 'years', /2027-2029/],
    ['/reports/financing?years=2029-2027', 'years', /à l’envers/],
    ['/reports/financing?years=1990', 'years', /2000 à 2100/],
    ['/reports/financing?years=2000-2030', 'years', /vingt années/],
    ['/reports/activity?departements=59,100', 'departements.1', /département inconnu/],
    ['/reports/deadlines?days=0', 'days', /1 jour au moins/],
    ['/reports/deadlines?days=400', 'days', /366/],
    ['/reports/deadlines?years=2027', '', /years/],
    ['/reports/activity?phase=paused', 'phase.0', /active/],
    ['/reports/financing?format=xlsx', 'format', /json|csv/],
    ['/reports/financing?table=tout', 'table', /annees/],
  ];
  for (const [url, field, message] of cases) {
    const { status, body } = await api.call('GET', url);
    expect([url, status, body.code]).toEqual([url, 422, 'invalid']);
    if (field) expect([url, body.field]).toEqual([url, field]);
    expect([url, body.detail]).toEqual([url, expect.stringMatching(message)]);
  }
});

test('CSV for French spreadsheets: semicolons, BOM, decimal comma, by parameter or Accept', async () => {
  const response = await fetch(`${api.baseUrl}/reports/financing?years=${year}&format=csv`, {
    headers: { authorization: `Bearer ${api.tokens.operator}` },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
  expect(response.headers.get('content-disposition')).toBe(
    `attachment; filename="financement-annees-${year}.csv"`,
  );
  const bytes = Buffer.from(await response.arrayBuffer());
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const lines = bytes.subarray(3).toString('utf8').split('\r\n');
  expect(lines[0]!.split(';').slice(0, 7)).toEqual([
    'Année',
    'Code département',
    'Département',
    'Payeur',
    'Conventions',
    'Lignes dues',
    'Montant prévu (€)',
  ]);
  const etat = lines.find((l) => l.startsWith(`${year};59;Nord;État;`))!.split(';');
  expect(etat[6]).toMatch(/^\d+,\d{2}$/);

  const accepted = await fetch(`${api.baseUrl}/reports/deadlines`, {
    headers: { authorization: `Bearer ${api.tokens.operator}`, accept: 'text/csv' },
  });
  expect(accepted.headers.get('content-type')).toContain('text/csv');
  expect((await accepted.text()).split('\r\n')[0]).toContain('Qui doit agir');
});

test('an event through the API shows at once; one sent to Temporal directly at the next reading', async () => {
  const before = await api.call('GET', `/reports/activity?years=${year}`);
  const ajaccio = await stack.conventions.get(seeded.ajaccio);
  const line = ajaccio.ledger.find((l) => l.status === 'upcoming' && l.kind === 'salary')!;
  const paid = await api.call('POST', `/conventions/${seeded.ajaccio}/events/record-payment`, {
    body: { itemId: line.id, paidOn: seeded.today },
  });
  expect(paid.status).toBe(200);
  const lineYear = Number(line.dueDate.slice(0, 4));
  const after = await api.call('GET', `/reports/financing?years=${lineYear}&departements=2A`);
  const salaries = after.body.rows.find((r: any) => r.place.code === '2A' && r.payer === 'employeur');
  const expected = oracleFinancing(
    [await stack.conventions.get(seeded.ajaccio)],
    [lineYear],
    Date.parse(after.body.freshness.generatedAt),
  ).get(`${lineYear}|2A|employeur`)!;
  expect(salaries.byStatus.paid.lines).toBe(expected.byStatus.paid!.lines);

  // Straight to Temporal, as `temporal workflow update execute` would: the API hears nothing.
  const strasbourg = await stack.conventions.get(seeded.strasbourg);
  await stack.conventions.send(seeded.strasbourg, {
    type: 'SUBMIT_ACTIVITY_REPORT',
    payload: {
      termYear: 1,
      submittedOn: seeded.today,
      documentRef: 'BILAN-67',
      statistics: { 'personnes-recues': 7 },
    },
    actor: { kind: 'operator' },
  });
  const reportYear = Number(strasbourg.reviews[0]!.yearEnd.slice(0, 4));
  const seen = await eventually(
    () => api.call('GET', `/reports/activity?years=${reportYear}&departements=67`),
    (r) => r.body.rows.some((row: any) => row.place.code === '67' && row.received === 1),
    15_000,
  );
  expect(seen.body.rows.find((r: any) => r.place.code === '67').indicators['personnes-recues']).toEqual({
    total: 7,
    reports: 1,
  });
  expect(before.status).toBe(200);
});

test('a new API process rebuilds the same figures from Temporal alone', async () => {
  const query = `/reports/financing?years=${year - 1}-${year}`;
  const first = await api.call('GET', query);
  const second = await startApi(stack.conventions, { keys: KEYS, reports: { refreshSeconds: 1 } });
  try {
    const again = await second.call('GET', query);
    const { freshness: _a, ...a } = first.body;
    const { freshness: _b, ...b } = again.body;
    expect(b).toEqual(a);
  } finally {
    await second.close();
  }
});

test('the OpenAPI document describes the three reports, in JSON and CSV', async () => {
  const { body } = await api.call('GET', '/openapi.json', { as: null });
  for (const route of ['/reports/financing', '/reports/deadlines', '/reports/activity']) {
    const get = body.paths[route].get;
    expect(get.tags).toEqual(['rapports']);
    expect(Object.keys(get.responses['200'].content)).toEqual(['application/json', 'text/csv']);
    expect(get.parameters.map((p: any) => p.name)).toEqual(
      expect.arrayContaining(['departements', 'phase', 'format']),
    );
  }
});

describe('iscg report', () => {
  function io(key = 'operator') {
    const out: (string | Uint8Array)[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      io: {
        stdout: { write: (d: string | Uint8Array) => out.push(d) },
        stderr: { write: (d: string) => err.push(d) },
        env: { ISCG_API_URL: api.baseUrl, ISCG_API_KEY: api.tokens[key] },
      },
      text: () => out.map((d) => (typeof d === 'string' ? d : Buffer.from(d).toString('utf8'))).join(''),
    };
  }

  test('financing, deadlines and activity in French, in JSON and in CSV', async () => {
    const human = io();
    expect(await runCli(['report', 'financing', '--years', String(year)], human.io)).toBe(EXIT.ok);
    expect(human.text()).toContain(`Financement ${year}`);
    expect(human.text()).toContain('Conventions suspendues');
    expect(human.text()).toContain(seeded.lille);

    const json = io();
    expect(
      await runCli(['--json', 'report', 'deadlines', '--days', '60', '--departement', '974'], json.io),
    ).toBe(EXIT.ok);
    const parsed = JSON.parse(json.text());
    expect(parsed.scope.conventionIds).toEqual([seeded.reunion]);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iscg-report-'));
    try {
      const file = path.join(dir, 'activite.csv');
      const csv = io();
      expect(await runCli(['report', 'activity', '--years', String(year), '--csv', '-o', file], csv.io)).toBe(
        EXIT.ok,
      );
      const bytes = fs.readFileSync(file);
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(bytes.toString('utf8')).toContain('Bilans attendus;Bilans reçus');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a refused filter exits with the code of a refusal and says why', async () => {
    const denied = io('prefecture-59');
    expect(await runCli(['report', 'financing', '--departement', '67'], denied.io)).toBe(EXIT.denied);
    expect(denied.err.join('')).toContain('67');
    const invalid = io();
    expect(await runCli(['report', 'activity', '--years', 'demain'], invalid.io)).toBe(EXIT.invalid);
    expect(invalid.err.join('')).toContain('years');
  });
});
