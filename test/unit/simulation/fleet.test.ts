import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isBusinessDay } from '../../../domain/calendar/business-days';
import { localDate } from '../../../domain/calendar/dates';
import { DEPARTEMENT_CODES, departement } from '../../../domain/calendar/departements';
import { simulateFleet } from '../../../simulation/fleet';
import { live, planFleet, type LivedLife } from '../../../simulation/lives';
import { main, parseArguments, UsageError } from '../../../scripts/simulate';

const plans = planFleet(22, '2027-01-04');
const lives: LivedLife[] = plans.map(live);

test('the fleet covers metropolitan départements, the three of Alsace-Moselle and every overseas time zone', () => {
  const codes = new Set(plans.map((p) => p.departement));
  for (const code of ['57', '67', '68']) expect(codes).toContain(code);
  expect([...codes].filter((c) => departement(c).regime === 'metropole').length).toBeGreaterThanOrEqual(5);
  const overseasZones = new Set(
    DEPARTEMENT_CODES.filter((c) => ['outre-mer', 'pacifique'].includes(departement(c).regime)).map(
      (c) => departement(c).zone,
    ),
  );
  for (const zone of overseasZones) expect([...codes].some((c) => departement(c).zone === zone)).toBe(true);
});

test('every convention lives three terms, in three runs, and ends as planned', () => {
  for (const life of lives) {
    expect([life.plan.conventionId, life.terms, life.runs, life.phase]).toEqual([
      life.plan.conventionId,
      3,
      3,
      'terminated',
    ]);
    expect(life.terminationReason).toBe(life.plan.ending === 'denounced' ? 'denounced' : 'not_renewed');
    const renewals = life.history.filter((e) => e.event === 'RECORD_RENEWAL_DECISION');
    expect(renewals.map((e) => e.term)).toEqual(life.plan.ending === 'denounced' ? [1, 2] : [1, 2, 3]);
  }
});

test('the incidents happen: a suspension and its resumption, a vacancy and its recruitment, partners joining', () => {
  const templates = (life: LivedLife) => new Set(life.mails.map((m) => m.mail.template));
  for (const life of lives) {
    const events = life.history.map((e) => e.event);
    const mails = templates(life);
    expect([life.plan.index, events.includes('RECORD_NON_PAYMENT')]).toEqual([
      life.plan.index,
      life.plan.suspension,
    ]);
    expect([life.plan.index, mails.has('notices/suspended') && mails.has('notices/resumed')]).toEqual([
      life.plan.index,
      life.plan.suspension,
    ]);
    expect([life.plan.index, events.includes('DECLARE_VACANCY'), mails.has('notices/vacancy')]).toEqual([
      life.plan.index,
      life.plan.vacancy,
      life.plan.vacancy,
    ]);
    expect(events.filter((e) => e === 'RECORD_RECRUITMENT_DECISION')).toHaveLength(life.plan.vacancy ? 2 : 1);
    // The EPCI that joined at the first renewal is written to in the second term.
    const epci = life.mails.filter((m) => m.mail.to.some((r) => r.email.startsWith('epci-')));
    expect(epci.length).toBeGreaterThan(0);
    expect(
      Math.min(...epci.map((m) => Number(/\.t(\d+)\./.exec(m.mail.id)?.[1] ?? 2))),
    ).toBeGreaterThanOrEqual(2);
  }
});

test('no message goes out twice; reminders go out at 9:00 local time on business days', () => {
  for (const life of lives) {
    const ids = life.mails.map((m) => m.mail.id);
    expect(new Set(ids).size).toBe(ids.length);
    const code = life.plan.departement;
    for (const { at, mail } of life.mails.filter((m) => m.mail.kind === 'reminder')) {
      const day = localDate(at, code);
      expect([mail.id, isBusinessDay(code, day)]).toEqual([mail.id, true]);
      const hour = new Intl.DateTimeFormat('en-GB', {
        timeZone: departement(code).zone,
        hour: 'numeric',
        hourCycle: 'h23',
      }).format(at);
      expect([mail.id, hour]).toEqual([mail.id, '09']);
    }
    expect(life.mails.map((m) => m.at)).toEqual([...life.mails.map((m) => m.at)].sort((a, b) => a - b));
  }
});

test('the summary adds up, and the same fleet gives the same summary', async () => {
  const summary = await simulateFleet(plans.slice(0, 6));
  const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
  expect(summary.emails.sent).toBe(lives.slice(0, 6).reduce((n, l) => n + l.mails.length, 0));
  expect(total(summary.byTemplate)).toBe(summary.emails.sent);
  expect(total(summary.byMonth)).toBe(summary.emails.sent);
  expect(total(summary.byDepartement)).toBe(summary.emails.sent);
  expect(summary.transitions.sent).toBe(lives.slice(0, 6).reduce((n, l) => n + l.acts.length, 0));
  expect(summary.terms).toEqual({ 3: 6 });
  expect(summary.runs).toBe(18);
  expect(summary.duplicateMessageIds).toBe(0);
  expect(await simulateFleet(plans.slice(0, 6))).toEqual(summary);
});

test('npm run simulate refuses bad arguments by name and rule', () => {
  const refusal = (argv: string[]) => {
    try {
      parseArguments(argv);
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      return (error as Error).message;
    }
    throw new Error(`${argv.join(' ')} accepté`);
  };
  expect(refusal(['--conventions', '0'])).toBe('--conventions: entier de 1 à 100000 attendu');
  expect(refusal(['--conventions', 'beaucoup'])).toBe('--conventions: entier de 1 à 100000 attendu');
  expect(refusal(['--from', '2027-02-30'])).toBe('--from: date AAAA-MM-JJ attendue, pas "2027-02-30"');
  expect(refusal(['--json'])).toBe('--json: valeur attendue');
  expect(refusal(['--vite'])).toBe('argument inattendu: --vite');
  expect(parseArguments([])).toEqual({ conventions: 500, from: '2027-01-04', json: null, eml: null });
});

test('npm run simulate writes its summary and every email as an .eml file dated when it is sent', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iscg-simulate-'));
  const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    await main([
      '--conventions',
      '1',
      '--json',
      path.join(dir, 'summary.json'),
      '--eml',
      path.join(dir, 'eml'),
    ]);
  } finally {
    write.mockRestore();
  }
  const summary = JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8')) as {
    emails: { sent: number };
  };
  const files = fs.readdirSync(path.join(dir, 'eml'));
  expect(files).toHaveLength(summary.emails.sent);
  expect(summary.emails.sent).toBe(lives[0]!.mails.length);
  const first = lives[0]!.mails[0]!;
  const eml = fs.readFileSync(path.join(dir, 'eml', `${first.mail.id}.eml`), 'utf8');
  // A long header is folded onto the next line.
  expect(/^Message-ID:\s+<([^>]+)>/m.exec(eml)?.[1]).toBe(`${first.mail.id}@simulation.example.org`);
  const date = /^Date: (.+)$/m.exec(eml)![1]!;
  expect(new Date(date).getTime()).toBe(Math.floor(first.at / 1000) * 1000);
  fs.rmSync(dir, { recursive: true, force: true });
});
