import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import type { ConventionState } from '../../domain/temporal-contract';
import {
  startApi,
  startDevStack,
  type DevStack,
  type KeySpec,
  type RunningApi,
} from '../support/api-harness';
import { seedConventions, type SeededConventions } from '../support/report-fixtures';
import { oracleFinancing } from '../support/report-oracle';

/**
 * The reports never show a convention outside a key's scope: a fuzzed matrix of keys (operators
 * of all or some départements, role keys whose role some conventions lack, party keys bound to a
 * list) and of filters (years, départements in and out of scope, phases, JSON or CSV, the three
 * reports and the dashboard's pages). Every convention id found anywhere in an answer must be one
 * the key may read, the scope must be exactly what the rules give, and the totals must be those of
 * that scope alone.
 */

let stack: DevStack;
let api: RunningApi;
let seeded: SeededConventions;
let states: ConventionState[];
const suffix = `scope${Date.now().toString(36)}`;

let KEYS: KeySpec[] = [];

function keys(s: SeededConventions): KeySpec[] {
  return [
    { id: 'operator', actsAs: { kind: 'operator' } },
    { id: 'operator-59-2a', actsAs: { kind: 'operator', departements: ['59', '2A'] } },
    { id: 'prefecture-59', actsAs: { kind: 'party-role', role: 'etat', departements: ['59'] } },
    { id: 'prefecture-67-974', actsAs: { kind: 'party-role', role: 'etat', departements: ['67', '974'] } },
    { id: 'gendarmerie-67', actsAs: { kind: 'party-role', role: 'gendarmerie', departements: ['67'] } },
    // No convention of the Nord has a gendarmerie party: this key reads nothing there.
    { id: 'gendarmerie-59', actsAs: { kind: 'party-role', role: 'gendarmerie', departements: ['59'] } },
    { id: 'police-974-2a', actsAs: { kind: 'party-role', role: 'police', departements: ['974', '2A'] } },
    {
      id: 'association-two',
      actsAs: { kind: 'party', partyId: 'association', conventions: [s.lille, s.ajaccio] },
    },
    // A party key listing a convention where it is no party: it reads nothing of it.
    {
      id: 'roubaix-strasbourg',
      actsAs: { kind: 'party', partyId: 'commune-roubaix', conventions: [s.strasbourg] },
    },
  ];
}

/** The rule, written plainly: who may read which convention. */
function readable(key: KeySpec, state: ConventionState): boolean {
  const grant = key.actsAs;
  const code = state.departement.code;
  const parties = Object.entries(state.data.parties);
  switch (grant.kind) {
    case 'operator':
      return !grant.departements || (grant.departements as string[]).includes(code);
    case 'party-role':
      return (
        (grant.departements as string[]).includes(code) && parties.some(([, p]) => p.role === grant.role)
      );
    case 'party':
      return grant.conventions.includes(state.conventionId) && parties.some(([id]) => id === grant.partyId);
  }
}

/** Whether a département filter is within what the key may ask for. */
function mayAsk(key: KeySpec, code: string): boolean {
  const grant = key.actsAs;
  if (grant.kind === 'operator')
    return !grant.departements || (grant.departements as string[]).includes(code);
  if (grant.kind === 'party-role') return (grant.departements as string[]).includes(code);
  return grant.conventions.some((id) => id.startsWith(`convention-${code.toLowerCase()}-`));
}

beforeAll(async () => {
  stack = await startDevStack();
  seeded = await seedConventions(stack.conventions, suffix);
  KEYS = keys(seeded);
  api = await startApi(stack.conventions, { keys: KEYS, rateLimit: { max: 100_000, perSeconds: 60 } });
  states = await Promise.all(seeded.all.map((id) => stack.conventions.get(id)));
}, 120_000);
afterAll(async () => {
  await api?.close();
  await stack?.teardown();
});

const ID_PATTERN = /convention-[0-9a-z]{2,3}-[a-z0-9]+(?:-[a-z0-9]+)*/g;

async function dashboardCookie(key: string): Promise<string> {
  const response = await fetch(`${api.baseUrl}/tableau-de-bord/connexion`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ cle: api.tokens[key]! }).toString(),
  });
  expect(response.status).toBe(303);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

test('a fuzzed matrix of keys and filters never leaks a convention outside the key’s scope', async () => {
  const year = Number(seeded.today.slice(0, 4));
  const codes = ['59', '67', '974', '2A', '62'] as const;
  const cookies: Record<string, string> = {};
  for (const key of KEYS) cookies[key.id] = await dashboardCookie(key.id);
  const stats = { requests: 0, refused: 0, conventionsSeen: 0 };

  await fc.assert(
    fc.asyncProperty(
      // Filters mostly within what the key may ask for, sometimes beyond.
      fc.constantFrom(...KEYS).chain((key) =>
        fc.tuple(
          fc.constant(key),
          fc.oneof(
            {
              weight: 3,
              arbitrary: fc
                .constant(codes.filter((c) => mayAsk(key, c)))
                .chain((allowed) => fc.subarray(allowed, { maxLength: Math.min(3, allowed.length) })),
            },
            { weight: 1, arbitrary: fc.subarray([...codes], { maxLength: 3 }) },
          ),
        ),
      ),
      fc.constantFrom(
        'financing',
        'deadlines',
        'activity',
        'page-financing',
        'page-deadlines',
        'page-activity',
      ),
      fc.subarray(['active', 'suspended', 'signature', 'drafting', 'terminated'], { maxLength: 2 }),
      fc.subarray([year - 2, year - 1, year, year + 1], { minLength: 0, maxLength: 3 }),
      fc.constantFrom('json', 'csv'),
      async ([key, departements], report, phases, years, format) => {
        const page = report.startsWith('page-');
        const name = report.replace('page-', '');
        const query = new URLSearchParams();
        if (departements.length) query.set('departements', departements.join(','));
        if (phases.length) query.set('phase', phases.join(','));
        if (years.length && name !== 'deadlines') query.set('years', years.join(','));
        if (name === 'deadlines') query.set('days', '60');
        if (!page) query.set('format', format);
        const path = page
          ? `/tableau-de-bord${{ financing: '', deadlines: '/echeances', activity: '/activite' }[name]}?${query.toString()}`
          : `/reports/${name}?${query.toString()}`;
        const response = await fetch(`${api.baseUrl}${path}`, {
          headers: page ? { cookie: cookies[key.id]! } : { authorization: `Bearer ${api.tokens[key.id]}` },
          redirect: 'manual',
        });
        const text = await response.text();
        stats.requests += 1;
        const allowed = new Set(states.filter((s) => readable(key, s)).map((s) => s.conventionId));
        const found = new Set(text.match(ID_PATTERN) ?? []);
        for (const id of found) expect([key.id, path, id, allowed.has(id)]).toEqual([key.id, path, id, true]);

        if (departements.some((code) => !mayAsk(key, code))) {
          expect([key.id, path, response.status]).toEqual([key.id, path, 403]);
          stats.refused += 1;
          return;
        }
        expect([key.id, path, response.status]).toEqual([key.id, path, 200]);
        if (page || format === 'csv') return;
        const body = JSON.parse(text);
        const expected = states
          .filter((s) => allowed.has(s.conventionId))
          .filter((s) => !departements.length || (departements as string[]).includes(s.departement.code))
          .filter((s) => !phases.length || phases.includes(s.phase))
          .map((s) => s.conventionId)
          .sort();
        expect([key.id, path, body.scope.conventionIds]).toEqual([key.id, path, expected]);
        stats.conventionsSeen += expected.length;
        if (name === 'financing') {
          const inScope = states.filter((s) => expected.includes(s.conventionId));
          const askedYears = years.length ? [...years].sort() : [year];
          const oracle = oracleFinancing(inScope, askedYears, Date.parse(body.freshness.generatedAt));
          const whole = body.rows.filter((r: any) => r.place.code === null);
          const oracleWhole = [...oracle.entries()].filter(([k]) => k.split('|')[1] === '');
          expect(whole.reduce((n: number, r: any) => n + r.lines, 0)).toBe(
            oracleWhole.reduce((n, [, r]) => n + r.lines, 0),
          );
        }
      },
    ),
    { numRuns: 200 },
  );
  expect(stats.refused).toBeGreaterThan(0);
  expect(stats.conventionsSeen).toBeGreaterThan(0);
  const dir = path.resolve(__dirname, '..', '..', 'test-results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'reports-scope-figures.json'),
    JSON.stringify({ keys: KEYS.length, ...stats }, null, 2),
  );
}, 300_000);

describe('the dashboard’s door', () => {
  const page = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${api.baseUrl}/tableau-de-bord${path}`, { headers, redirect: 'manual' });

  test('no cookie, a bearer header or a wrong cookie: to the sign-in form', async () => {
    const cases: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${api.tokens.operator}` },
      { cookie: 'iscg_tableau=iscg_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
    ];
    for (const headers of cases) {
      const response = await page('', headers);
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/tableau-de-bord/connexion');
    }
  });

  test('signing in from another site is refused and sets nothing', async () => {
    const cases: Record<string, string>[] = [
      { origin: 'https://ailleurs.example' },
      { 'sec-fetch-site': 'cross-site' },
      { origin: 'null' },
    ];
    for (const headers of cases) {
      const response = await fetch(`${api.baseUrl}/tableau-de-bord/connexion`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: `cle=${api.tokens.operator}`,
      });
      expect(response.status).toBe(403);
      expect(response.headers.get('set-cookie')).toBeNull();
    }
  });

  test('the cookie: HttpOnly, SameSite=Strict, this path only, twelve hours; Secure behind HTTPS', async () => {
    const response = await fetch(`${api.baseUrl}/tableau-de-bord/connexion`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: api.baseUrl },
      body: `cle=${api.tokens['prefecture-59']}`,
    });
    expect(response.status).toBe(303);
    const cookie = response.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^iscg_tableau=iscg_/);
    for (const flag of ['HttpOnly', 'SameSite=Strict', 'Path=/tableau-de-bord', 'Max-Age=43200'])
      expect(cookie).toContain(flag);
    expect(cookie).not.toContain('Secure');

    const behindHttps = await startApi(stack.conventions, {
      keys: KEYS,
      publicUrl: 'https://iscg.example.gouv.fr',
    });
    try {
      const secure = await fetch(`${behindHttps.baseUrl}/tableau-de-bord/connexion`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `cle=${behindHttps.tokens.operator}`,
      });
      expect(secure.headers.get('set-cookie')).toContain('Secure');
    } finally {
      await behindHttps.close();
    }
  });

  test('the API never takes the cookie; the pages send their protections', async () => {
    const cookie = await dashboardCookie('operator');
    const api401 = await fetch(`${api.baseUrl}/reports/financing`, { headers: { cookie } });
    expect(api401.status).toBe(401);
    const response = await page('', { cookie });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).not.toContain('<script');
  });

  test('a département beyond the key is refused in the page, which shows the key’s own scope', async () => {
    const cookie = await dashboardCookie('prefecture-59');
    const response = await page('/echeances?departements=67', { cookie });
    expect(response.status).toBe(403);
    const text = await response.text();
    expect(text).toContain('ne donne pas accès aux conventions du département 67');
    expect(text).not.toContain(seeded.strasbourg);
  });

  test('names typed into a convention are shown as text, and never run as a formula in a spreadsheet', async () => {
    const hostile = '=HYPERLINK("http://ailleurs.example";"x") <img src=x onerror=alert(1)>';
    const data = stateWithParty(
      states.find((s) => s.conventionId === seeded.reunion)!,
      hostile,
    );
    const created = await api.call('POST', '/conventions', {
      as: 'operator',
      body: { slug: `hostile-${suffix}`, data },
    });
    expect(created.status).toBe(201);
    const id = created.body.conventionId as string;
    for (const route of [
      'submit-draft',
      'compose-selection-committee',
      'record-applications',
      'record-recruitment-decision',
    ])
      await api.call('POST', `/conventions/${id}/events/${route}`, {
        as: 'operator',
        body: RECRUITMENT[route],
      });
    await api.call('POST', `/conventions/${id}/events/sign`, {
      as: 'operator',
      body: {
        partyId: 'etat',
        signerName: 'Signataire',
        signerTitle: 'Représentant',
        signedOn: seeded.today,
      },
    });
    const cookie = await dashboardCookie('operator');
    const html = await (await page('/echeances?days=90&departements=974', { cookie })).text();
    expect(html).toContain(
      '=HYPERLINK(&quot;http://ailleurs.example&quot;;&quot;x&quot;) &lt;img src=x onerror=alert(1)&gt;',
    );
    expect(html).not.toContain('<img');
    const csv = await (await page('/echeances.csv?days=90&departements=974', { cookie })).text();
    expect(csv).toContain(`"'=HYPERLINK(""http://ailleurs.example"";""x"") <img src=x onerror=alert(1)>`);
    expect(csv).not.toMatch(/(^|;)=HYPERLINK/m);
  });
});

const RECRUITMENT: Record<string, unknown> = {
  'submit-draft': {},
  'compose-selection-committee': {
    members: [
      { partyId: 'association', authority: 'hierarchique', title: 'directrice' },
      { partyId: 'police', authority: 'fonctionnelle', title: 'chef de service' },
    ],
  },
  'record-applications': { count: 1, references: ['CAND-X'] },
  'record-recruitment-decision': { outcome: 'selected', candidateRef: 'CAND-X' },
};

/** The data of a convention with its commune renamed: its signature stays awaited, so it is listed. */
function stateWithParty(state: ConventionState, organisation: string): unknown {
  const data = structuredClone(state.data) as any;
  data.parties['commune-lille'].organisation = organisation;
  return data;
}
