import { runCli } from '../../client/cli/program';
import { EXIT } from '../../client/cli/exit-codes';
import { addMonths, localDate } from '../../domain/calendar/dates';
import { completeConventionData } from '../support/fixtures';
import {
  eventually,
  startApi,
  startDevStack,
  type ApiResponse,
  type DevStack,
  type RunningApi,
} from '../support/api-harness';

/**
 * A term's edges on the real stack, over HTTP and through the CLI: an overseas collectivity the
 * calendar knows, a convention whose term is over while lines are owed (its settling phase in the
 * API, the listing, the search attribute and `iscg show`/`list`), an operator closing lines, and
 * refusals of closed-list values that name the accepted ones.
 */

let stack: DevStack;
let api: RunningApi;

beforeAll(async () => {
  stack = await startDevStack();
  api = await startApi(stack.conventions, {
    keys: [
      { id: 'operator', actsAs: { kind: 'operator' } },
      { id: 'prefecture-975', actsAs: { kind: 'party-role', role: 'etat', departements: ['975'] } },
    ],
  });
});
afterAll(async () => {
  await api?.close();
  await stack?.teardown();
});

async function cli(args: string[], key = 'operator') {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { ISCG_API_URL: api.baseUrl, ISCG_API_KEY: api.tokens[key] },
  });
  return { code, stdout, stderr };
}

async function ok(method: string, url: string, body?: unknown, as = 'operator') {
  const response = await api.call(method, url, { as, body });
  if (response.status >= 300) throw new Error(`${method} ${url}: ${response.status} ${response.text}`);
  return response.body;
}

function expectProblem(response: ApiResponse, status: number, code: string) {
  expect({ status: response.status, code: response.body?.code }).toEqual({ status, code });
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
}

const KNOWN_CODES = '01 à 19, 2A, 2B, 21 à 95, 971 à 978, 986 à 988';

test('an unknown département is refused with the known codes, over HTTP and by the CLI', async () => {
  const refused = await api.call('POST', '/conventions', {
    as: 'operator',
    body: { slug: 'vingt', data: { ...completeConventionData(), departement: '20' } },
  });
  expectProblem(refused, 422, 'invalid');
  expect(refused.body).toMatchObject({ field: 'data.departement' });
  expect(refused.body.detail).toContain(`codes admis ${KNOWN_CODES}`);
  const cli20 = await cli(['list', '--departement', '20']);
  expect(cli20.code).toBe(EXIT.invalid);
  expect(cli20.stderr).toContain(KNOWN_CODES);
});

test('a term over with lines owed settles in its own phase until an operator closes its last line', async () => {
  const today = localDate(Date.now(), '975');
  // Signed today, in force since 40 months: its three years ended four months ago, nothing paid.
  const data = completeConventionData({ departement: '975', startDate: addMonths(today, -40) });
  const created = await ok('POST', '/conventions', { slug: 'saint-pierre', data });
  const id = created.conventionId as string;
  expect(id).toBe('convention-975-saint-pierre');
  const send = (route: string, body: unknown, as = 'operator') =>
    api.call('POST', `/conventions/${id}/events/${route}`, { as, body });
  await ok('POST', `/conventions/${id}/events/submit-draft`, {});
  await ok('POST', `/conventions/${id}/events/compose-selection-committee`, {
    members: [
      { partyId: 'association', authority: 'hierarchique', title: 'direction' },
      { partyId: 'police', authority: 'fonctionnelle', title: 'chef de service' },
    ],
  });
  await ok('POST', `/conventions/${id}/events/record-applications`, { count: 1, references: ['CAND-1'] });
  await ok('POST', `/conventions/${id}/events/record-recruitment-decision`, {
    outcome: 'selected',
    candidateRef: 'CAND-1',
  });
  for (const partyId of ['association', 'cd59', 'commune-lille', 'etat', 'police', 'procureur'])
    await ok('POST', `/conventions/${id}/events/sign`, {
      partyId,
      signerName: 'Signataire',
      signerTitle: 'Représentant',
      signedOn: today,
    });

  const state = await eventually(
    () => ok('GET', `/conventions/${id}`),
    (s) => s.phase === 'settling',
  );
  expect(state).toMatchObject({
    phase: 'settling',
    phaseLabel: 'Terminée, financements à solder',
    termination: { reason: 'no_renewal_decision', closedOn: null },
  });
  const open: { id: string; kind: string; status: string }[] = state.ledger.filter(
    (l: { status: string }) => !['paid', 'waived', 'written_off'].includes(l.status),
  );
  expect(open.length).toBeGreaterThan(40);
  expect(new Set(open.map((l) => l.status))).toEqual(new Set(['late']));

  // The listing (a visibility query on IscgPhase) and the CLI show it as such.
  const listed = await eventually(
    () => ok('GET', '/conventions?phase=settling&departement=975'),
    (body) => body.conventions.some((c: { conventionId: string }) => c.conventionId === id),
  );
  expect(listed.conventions.find((c: { conventionId: string }) => c.conventionId === id)).toMatchObject({
    phase: 'settling',
  });
  const list = await cli(['list', '--phase', 'settling', '--departement', '975']);
  expect(list.code).toBe(0);
  expect(list.stdout).toMatch(new RegExp(`${id}\\s+settling`));
  const show = await cli(['show', id]);
  expect(show.code).toBe(0);
  expect(show.stdout).toContain('Phase: Terminée, financements à solder (settling)');
  expect(show.stdout).toContain(`${open.length} échéance(s) de financement à solder avant la clôture`);
  expect(show.stdout).toContain('write-off');

  // Closing a line without payment is for operators, with a reason from a closed list.
  const first = open.find((l) => l.kind === 'salary')!;
  const rest = open.filter((l) => l !== first);
  expectProblem(
    await send(
      'write-off',
      { itemId: first.id, reason: 'remise-gracieuse', decidedOn: today },
      'prefecture-975',
    ),
    403,
    'forbidden',
  );
  const badReason = await send('write-off', { itemId: first.id, reason: 'perdu', decidedOn: today });
  expectProblem(badReason, 422, 'invalid');
  expect(badReason.body).toMatchObject({ field: 'reason' });
  expect(badReason.body.detail).toContain(
    '"remise-gracieuse", "creance-irrecouvrable", "echeance-non-due", "regularisee-hors-convention" ou "autre"',
  );
  const badRenewal = await send('record-renewal-decision', { decision: 'renewed', decidedOn: today });
  expectProblem(badRenewal, 422, 'invalid');
  expect(badRenewal.body.detail).toBe(
    'decision: valeur non admise: l’une des valeurs "renew" ou "not_renew" attendue',
  );
  const cliBad = await cli([
    'send',
    id,
    'write-off',
    '--data',
    JSON.stringify({ itemId: first.id, reason: 'perdu', decidedOn: today }),
  ]);
  expect(cliBad.code).toBe(EXIT.invalid);
  expect(cliBad.stderr).toContain('"creance-irrecouvrable"');

  for (const line of rest)
    await ok('POST', `/conventions/${id}/events/write-off`, {
      itemId: line.id,
      reason: 'creance-irrecouvrable',
      decidedOn: today,
      decisionRef: 'ARR-975-1',
    });
  expect((await ok('GET', `/conventions/${id}`)).phase).toBe('settling');
  // The last line owed, a salary, is paid late: the convention closes.
  const paid = await ok('POST', `/conventions/${id}/events/record-payment`, {
    itemId: first.id,
    paidOn: today,
  });
  expect(paid.phase).toBe('terminated');
  const closed = await eventually(
    () => ok('GET', `/conventions/${id}`),
    (s) => s.phase === 'terminated',
  );
  expect(closed.termination).toMatchObject({ reason: 'no_renewal_decision', closedOn: today });
  expectProblem(await send('record-payment', { itemId: first.id, paidOn: today }), 409, 'terminated');
}, 120_000);

test('the OpenAPI document describes the write-off, the settling phase and the ledger’s statuses', async () => {
  const doc = (await api.call('GET', '/openapi.json', { as: null })).body;
  const writeOff = doc.paths['/conventions/{id}/events/write-off'].post;
  expect(writeOff.description).toContain('opérateur');
  expect(writeOff.requestBody.content['application/json'].schema.properties.reason.enum).toEqual([
    'remise-gracieuse',
    'creance-irrecouvrable',
    'echeance-non-due',
    'regularisee-hors-convention',
    'autre',
  ]);
  const state = doc.paths['/conventions/{id}'].get.responses['200'].content['application/json'].schema;
  expect(state.properties.phase.enum).toContain('settling');
  // One typed ledger line, shared by the state, the schedule and the ledger route.
  const ref = state.properties.ledger.items.$ref as string;
  const line = doc.components.schemas[ref.replace('#/components/schemas/', '')];
  expect(line.properties.id.description).toMatch(/t<période>-salaire-<AAAA-MM>/);
  expect(line.properties.status.enum.join(' ')).toBe(
    'upcoming due late partial unpaid paid waived written_off',
  );
  expect(state.properties.termination.properties.closedOn.nullable).toBe(true);
});
