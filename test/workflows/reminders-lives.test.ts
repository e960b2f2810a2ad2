import Holidays from 'date-holidays';
import { DateTime } from 'luxon';
import type { ConventionCreate, ConventionDataInput } from '../../domain/convention/schema';
import type { Actor, ExternalEventType } from '../../domain/lifecycle/events';
import type { ReceivedMail } from '../support/smtp-sink';
import { completeConventionData } from '../support/fixtures';
import { startTimeSkipping, type TimeSkippingHarness } from '../support/workflow-env';

/**
 * Whole lives on the time-skipping server, with the real worker and a real SMTP server on
 * loopback. What the sink receives is compared, message for message, with a schedule written
 * here from the rules of docs/reminders.md, on a business-day calendar of its own (the
 * date-holidays package, not the product's calendar): nothing missing, nothing twice, nothing on
 * a weekend or a public holiday of the département.
 */

const OPERATOR: Actor = { kind: 'operator' };
const party = (partyId: string): Actor => ({ kind: 'party', partyId });

const ZONES: Record<string, string> = { '67': 'Europe/Paris', '974': 'Indian/Reunion' };
const STATES: Record<string, string> = { '67': '67', '974': 'RE' };

/** Business days of a département, from date-holidays' public holidays. */
class BusinessCalendar {
  private readonly holidays: Holidays;
  private readonly cache = new Map<number, Set<string>>();

  constructor(readonly code: string) {
    this.holidays = new Holidays('FR', STATES[code]!);
  }

  private publicHolidays(year: number): Set<string> {
    let set = this.cache.get(year);
    if (!set) {
      set = new Set(
        this.holidays
          .getHolidays(year)
          .filter((h) => h.type === 'public')
          .map((h) => h.date.slice(0, 10)),
      );
      this.cache.set(year, set);
    }
    return set;
  }

  isBusinessDay(date: string): boolean {
    const d = DateTime.fromISO(date, { zone: 'UTC' });
    return d.weekday <= 5 && !this.publicHolidays(d.year).has(date);
  }

  shift(date: string, days: number): string {
    return DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate()!;
  }

  /** n business days after (n > 0) or before (n < 0) `date`. */
  add(date: string, n: number): string {
    let d = date;
    for (let left = Math.abs(n); left > 0;) {
      d = this.shift(d, Math.sign(n));
      if (this.isBusinessDay(d)) left--;
    }
    return d;
  }

  onOrAfter(date: string): string {
    return this.isBusinessDay(date) ? date : this.add(date, 1);
  }

  onOrBefore(date: string): string {
    return this.isBusinessDay(date) ? date : this.add(date, -1);
  }

  instant(date: string, hour: number, minute = 0): number {
    return DateTime.fromISO(date, { zone: ZONES[this.code] }).set({ hour, minute }).toMillis();
  }

  localDateTime(ms: number): DateTime {
    return DateTime.fromMillis(ms, { zone: ZONES[this.code] });
  }
}

interface Expected {
  id: string;
  to: string[];
  cc: string[];
  date: string;
  /** Local hour it goes out: 9 for planned messages, the event's for immediate ones. */
  hour: number;
}

/** One life: the events sent, the messages the rules call for. */
class Life {
  readonly expected: Expected[] = [];
  /** Contacts changed during the life (AMEND): messages planned after the change use them. */
  readonly contacts: Record<string, string> = {};
  conventionId = '';

  constructor(
    readonly h: TimeSkippingHarness,
    readonly cal: BusinessCalendar,
    readonly create: ConventionCreate,
  ) {}

  email(partyId: string): string {
    return this.contacts[partyId] ?? this.create.data.parties[partyId]!.contacts[0]!.email;
  }

  async start(): Promise<void> {
    this.conventionId = (await this.h.conventions.create(this.create, OPERATOR)).conventionId;
  }

  async goTo(date: string, hour = 10, minute = 0): Promise<void> {
    const target = this.cal.instant(date, hour, minute);
    const now = await this.h.env.currentTimeMs();
    if (target > now) await this.h.env.sleep(target - now);
  }

  async at(date: string, hour: number, type: ExternalEventType, payload: unknown, actor: Actor = OPERATOR) {
    await this.goTo(date, hour);
    await this.h.conventions.send(this.conventionId, { type, payload, actor });
  }

  expect(id: string, to: string[], cc: string[], date: string, hour = 9): void {
    this.expected.push({
      id: `${this.conventionId}.${id}`,
      to: to.map((p) => this.email(p)).sort(),
      cc: cc.map((p) => this.email(p)).sort(),
      date,
      hour,
    });
  }

  /** A ladder's rungs from the rules: `before` and `after` business days around `reference`. */
  rungs(reference: string, before: number[], after: number[], every: number | null, until: number) {
    const list: { name: string; offset: number; date: string }[] = [];
    for (const n of before) list.push({ name: `avant-${n}`, offset: -n, date: this.cal.add(reference, -n) });
    for (const n of after) list.push({ name: `apres-${n}`, offset: n, date: this.cal.add(reference, n) });
    if (every)
      for (let n = (after.at(-1) ?? 0) + every; ; n += every) {
        const date = this.cal.add(reference, n);
        if (this.cal.instant(date, 9) >= until) break;
        list.push({ name: `apres-${n}`, offset: n, date });
      }
    // Only the rungs whose instant comes before the awaited event was recorded.
    return list.filter((r) => this.cal.instant(r.date, 9) < until);
  }

  /** Waits until the sink has stopped receiving (real time), then returns what it got. */
  async received(): Promise<ReceivedMail[]> {
    return (await this.h.sink.settled(500)).filter((m) => m.messageId.includes(this.conventionId));
  }
}

/** Message for message: identity, recipients, local day and hour; none twice; business days only. */
function compare(life: Life, received: ReceivedMail[]) {
  const id = (m: ReceivedMail) => m.messageId.replace(/^<|@iscg\.test>$/g, '');
  const ids = received.map(id);
  const duplicates = ids.filter((x, i) => ids.indexOf(x) !== i);
  expect(duplicates).toEqual([]);
  const got = received
    .map((m) => {
      const local = life.cal.localDateTime(m.date.getTime());
      return {
        id: id(m),
        to: [...m.to].sort(),
        cc: [...m.cc].sort(),
        date: local.toISODate()!,
        hour: local.hour,
      };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
  const want = [...life.expected].sort((a, b) => a.id.localeCompare(b.id));
  expect(got.map((m) => m.id)).toEqual(want.map((m) => m.id));
  expect(got).toEqual(want);
  for (const m of got)
    expect({ id: m.id, businessDay: life.cal.isBusinessDay(m.date) }).toEqual({
      id: m.id,
      businessDay: true,
    });
}

function data(overrides: Partial<ConventionDataInput>): ConventionCreate['data'] {
  return completeConventionData(overrides);
}

// Time is global to a time-skipping server: each life has its own.
let h: TimeSkippingHarness;
beforeEach(async () => {
  h = await startTimeSkipping();
});
afterEach(async () => {
  await h?.teardown();
});

const SIGNATORIES = ['association', 'cd59', 'commune-lille', 'etat', 'police', 'procureur'];

test('Bas-Rhin: a whole term and its renewal, every reminder on its business day (Vendredi saint, Saint-Étienne)', async () => {
  const cal = new BusinessCalendar('67');
  const create: ConventionCreate = {
    slug: 'strasbourg-centre',
    data: data({
      departement: '67',
      site: { commissariat: 'commissariat central de Strasbourg' },
      startDate: '2027-09-28',
      financing: {
        stateAnnualParticipationEur: 20000,
        coFinancers: {
          cd59: { annualContributionEur: 15000 },
          'commune-lille': { annualContributionEur: 8000 },
        },
        salaryPaymentDay: 18,
      },
    }),
  };
  const life = new Life(h, cal, create);
  const all = Object.keys(create.data.parties).sort();
  const members = ['cd59', 'etat', 'police'];

  await h.withWorker(async () => {
    await life.start();
    const t0 = 't0';
    // Recruitment, then the signatures open on Tuesday 1 June 2027.
    await life.at('2027-06-01', 10, 'SUBMIT_DRAFT', {});
    await life.at('2027-06-01', 10, 'COMPOSE_SELECTION_COMMITTEE', {
      members: [
        { partyId: 'association', authority: 'hierarchique', title: 'directrice' },
        { partyId: 'police', authority: 'fonctionnelle', title: 'chef de service' },
      ],
    });
    await life.at('2027-06-01', 10, 'RECORD_APPLICATIONS', { count: 2, references: ['CAND-1', 'CAND-2'] });
    await life.at('2027-06-01', 10, 'RECORD_RECRUITMENT_DECISION', {
      outcome: 'selected',
      candidateRef: 'CAND-1',
    });
    life.expected.push({
      id: `${life.conventionId}.${t0}.aniscg.creation-1`,
      to: ['aniscg@aniscg.example'],
      cc: [life.email('police')],
      date: '2027-06-01',
      hour: 10,
    });
    life.expect(`${t0}.avis.recruitment-decided.creation-1`, all, [], '2027-06-01', 10);

    // Everyone signs the next day but the commune, which signs on 21 June: it is reminded 3, 8 and
    // 13 business days after the opening, the préfecture copied from 10.
    for (const p of SIGNATORIES.filter((p) => p !== 'commune-lille'))
      await life.at(
        '2027-06-02',
        10,
        'SIGN',
        { partyId: p, signerName: 'X', signerTitle: 'Y', signedOn: '2027-06-02' },
        party(p),
      );
    for (const r of life.rungs('2027-06-01', [], [3], 5, cal.instant('2027-06-21', 10)))
      life.expect(
        `${t0}.rappel.signature.commune-lille.${r.name}.${r.date}`,
        ['commune-lille'],
        r.offset >= 10 ? ['etat'] : [],
        r.date,
      );
    await life.at(
      '2027-06-21',
      10,
      'SIGN',
      { partyId: 'commune-lille', signerName: 'X', signerTitle: 'Y', signedOn: '2027-06-21' },
      party('commune-lille'),
    );
    life.expect(`${t0}.avis.signatures-complete.toutes`, all, [], '2027-06-21', 10);
    const startReminder = cal.add('2027-09-28', -5);
    life.expect(
      `${t0}.rappel.start.convention.avant-5.${startReminder}`,
      ['police', 'association'],
      [],
      startReminder,
    );
    // In force on Tuesday 28 September 2027 at midnight: the notice waits for 9:00.
    life.expect('t1.avis.in-force.t1', all, [], '2027-09-28');

    // The plan of the term: payments, committees, then the renewal.
    type Step = { date: string; hour: number; run: () => Promise<void> };
    const steps: Step[] = [];
    const term1End = '2030-09-27';
    const months: string[] = [];
    for (
      let m = DateTime.fromISO('2027-10-01');
      m <= DateTime.fromISO('2030-09-01');
      m = m.plus({ months: 1 })
    )
      months.push(m.toFormat('yyyy-MM'));
    for (const month of months) {
      const due = cal.onOrAfter(`${month}-18`);
      const itemId = `t1-salaire-${month}`;
      let paidOn = due;
      if (month === '2028-01') paidOn = cal.add(due, 5);
      if (month === '2029-06') paidOn = cal.add(due, 15);
      const paidAt = cal.instant(paidOn, 10);
      for (const r of life.rungs(due, [2], [2, 5], 10, paidAt))
        life.expect(
          `t1.rappel.salary-payment.${itemId}.${r.name}.${r.date}`,
          ['association'],
          r.offset >= 5 ? ['etat'] : [],
          r.date,
        );
      if (month === '2029-06') {
        // A non-payment is noted a week after the due date: suspended until the payment.
        const noted = cal.add(due, 6);
        steps.push({
          date: noted,
          hour: 11,
          run: () => life.at(noted, 11, 'RECORD_NON_PAYMENT', { itemId, notedOn: noted }, party('etat')),
        });
        life.expect('t1.avis.suspended.1', all, [], noted, 11);
        life.expect('t1.avis.resumed.1', all, [], paidOn, 10);
      }
      steps.push({
        date: paidOn,
        hour: 10,
        run: () => life.at(paidOn, 10, 'RECORD_PAYMENT', { itemId, paidOn }, party('association')),
      });
    }
    for (const year of [1, 2, 3]) {
      const due = cal.onOrAfter(`${2026 + year}-12-28`);
      for (const [payer, kind, amount, escalate] of [
        ['etat', 'state-participation', 20000, false],
        ['cd59', 'co-financing', 15000, true],
        ['commune-lille', 'co-financing', 8000, true],
      ] as const) {
        const itemId = payer === 'etat' ? `t1-etat-annee-${year}` : `t1-${payer}-annee-${year}`;
        const paidOn = payer === 'commune-lille' && year === 2 ? cal.add(due, 6) : due;
        for (const r of life.rungs(due, [20, 5], [5], 10, cal.instant(paidOn, 10)))
          life.expect(
            `t1.rappel.${kind}.${itemId}.${r.name}.${r.date}`,
            [payer],
            payer === 'etat'
              ? ['association']
              : escalate && r.offset >= 5
                ? ['association', 'etat']
                : ['association'],
            r.date,
          );
        steps.push({
          date: paidOn,
          hour: 10,
          run: () =>
            life.at(paidOn, 10, 'RECORD_PAYMENT', { itemId, paidOn, amountEur: amount }, party(payer)),
        });
      }
      // Committee: set on 1 June for a fortnight before the year's end; report three business
      // days before it is due; review recorded on the day.
      const yearEnd = `${2027 + year}-09-27`;
      const meeting = cal.onOrBefore(cal.shift(yearEnd, -15));
      const scheduleOn = cal.onOrAfter(`${2027 + year}-06-01`);
      const reportDue = cal.onOrBefore(cal.shift(meeting, -1));
      const reportOn = cal.add(reportDue, -3);
      steps.push({
        date: scheduleOn,
        hour: 11,
        run: () =>
          life.at(
            scheduleOn,
            11,
            'SCHEDULE_COMMITTEE',
            {
              termYear: year,
              meetingDate: meeting,
              meetingTime: '14:30',
              location: 'Préfecture du Bas-Rhin',
            },
            party('etat'),
          ),
      });
      life.expect(`t1.comite-${year}.convocation.${meeting}T14.30`, members, [], scheduleOn, 11);
      for (const r of life.rungs(reportDue, [20, 5], [], null, cal.instant(reportOn, 10)))
        life.expect(
          `t1.rappel.activity-report.annee-${year}.${r.name}.${r.date}`,
          ['association'],
          [],
          r.date,
        );
      steps.push({
        date: reportOn,
        hour: 10,
        run: () =>
          life.at(
            reportOn,
            10,
            'SUBMIT_ACTIVITY_REPORT',
            {
              termYear: year,
              submittedOn: reportOn,
              documentRef: `BILAN-${year}`,
              statistics: { 'personnes-recues': 300 },
            },
            party('association'),
          ),
      });
      life.expect(
        `t1.rappel.committee-meeting.annee-${year}.avant-5.${cal.add(meeting, -5)}`,
        members,
        [],
        cal.add(meeting, -5),
      );
      steps.push({
        date: meeting,
        hour: 17,
        run: () =>
          life.at(
            meeting,
            17,
            'RECORD_COMMITTEE_REVIEW',
            { termYear: year, heldOn: meeting, recommendations: ['Maintenir le poste'] },
            party('etat'),
          ),
      });
      life.expect(`t1.comite-${year}.procureur`, ['procureur'], ['etat'], meeting, 17);
    }
    // Concertation opens six months before the end (notice at 9:00), denunciation deadline
    // three months before it; the renewal is decided on 1 July 2030.
    life.expect('t1.avis.concertation-opened.t1', all, [], cal.onOrAfter('2030-03-27'));
    for (const r of life.rungs('2030-06-27', [30, 7, 1], [], null, Infinity))
      life.expect(`t1.rappel.denunciation-notice.t1.${r.name}.${r.date}`, SIGNATORIES, [], r.date);
    const decided = '2030-07-01';
    for (const r of life.rungs(term1End, [65, 20, 5], [], null, cal.instant(decided, 10)))
      life.expect(
        `t1.rappel.renewal-decision.t1.${r.name}.${r.date}`,
        ['etat'],
        SIGNATORIES.filter((p) => p !== 'etat'),
        r.date,
      );
    steps.push({
      date: decided,
      hour: 10,
      run: () =>
        life.at(
          decided,
          10,
          'RECORD_RENEWAL_DECISION',
          { decision: 'renew', decidedOn: decided },
          party('etat'),
        ),
    });
    life.expect(`t1.avis.renewal-decided.renew-${decided}`, all, [], decided, 10);
    // The second term starts on Saturday 28 September 2030: its notice goes out on Monday.
    life.expect('t2.avis.renewed.t2', all, [], cal.onOrAfter('2030-09-28'));
    const octoberDue = cal.onOrAfter('2030-10-18');
    life.expect(
      `t2.rappel.salary-payment.t2-salaire-2030-10.avant-2.${cal.add(octoberDue, -2)}`,
      ['association'],
      [],
      cal.add(octoberDue, -2),
    );

    steps.sort((a, b) => a.date.localeCompare(b.date) || a.hour - b.hour);
    for (const step of steps) await step.run();
    await life.goTo(cal.add(octoberDue, -1), 12);
    const state = await h.conventions.get(life.conventionId);
    expect(state.term?.number).toBe(2);
    expect(state.deliveryFailures).toEqual([]);

    const received = await life.received();
    compare(life, received);
    // The Alsace-Moselle days moved these reminders (elsewhere: 13 April and 20 December 2028).
    const dates = life.expected.map((m) => m.id);
    expect(dates.some((id) => id.endsWith('t1-salaire-2028-04.avant-2.2028-04-12'))).toBe(true);
    expect(dates.some((id) => id.endsWith('t1-cd59-annee-2.avant-5.2028-12-19'))).toBe(true);
    console.log(
      `Bas-Rhin: ${received.length} messages, ${received.filter((m) => m.headers['x-iscg-kind'] === 'reminder').length} reminders`,
    );
    await h.env.client.workflow.getHandle(life.conventionId).terminate('fin du test');
  });
}, 300_000);

test('La Réunion: signatures, a contact changed, a suspension, 20 December, in Indian/Reunion time', async () => {
  const cal = new BusinessCalendar('974');
  const create: ConventionCreate = {
    slug: 'saint-denis',
    data: data({
      departement: '974',
      site: { commissariat: 'commissariat de Saint-Denis' },
      startDate: '2027-11-15',
      financing: {
        stateAnnualParticipationEur: 20000,
        coFinancers: {
          cd59: { annualContributionEur: 15000 },
          'commune-lille': { annualContributionEur: 8000 },
        },
        salaryPaymentDay: 22,
      },
    }),
  };
  const life = new Life(h, cal, create);
  const all = () => Object.keys(create.data.parties).sort();

  await h.withWorker(async () => {
    await life.start();
    await life.at('2027-09-13', 10, 'SUBMIT_DRAFT', {});
    await life.at('2027-09-13', 10, 'COMPOSE_SELECTION_COMMITTEE', {
      members: [
        { partyId: 'association', authority: 'hierarchique', title: 'directrice' },
        { partyId: 'police', authority: 'fonctionnelle', title: 'chef de service' },
      ],
    });
    await life.at('2027-09-13', 10, 'RECORD_APPLICATIONS', { count: 1, references: ['CAND-9'] });
    await life.at('2027-09-13', 10, 'RECORD_RECRUITMENT_DECISION', {
      outcome: 'selected',
      candidateRef: 'CAND-9',
    });
    life.expected.push({
      id: `${life.conventionId}.t0.aniscg.creation-1`,
      to: ['aniscg@aniscg.example'],
      cc: [life.email('police')],
      date: '2027-09-13',
      hour: 10,
    });
    life.expect('t0.avis.recruitment-decided.creation-1', all(), [], '2027-09-13', 10);
    for (const p of SIGNATORIES.filter((p) => p !== 'commune-lille' && p !== 'police'))
      await life.at(
        '2027-09-14',
        10,
        'SIGN',
        { partyId: p, signerName: 'X', signerTitle: 'Y', signedOn: '2027-09-14' },
        party(p),
      );

    // The police signs on 24 September; the commune changes its address on 20 September, and the
    // reminders planned after that go to the new one.
    const policeSigns = cal.instant('2027-09-24', 10);
    for (const r of life.rungs('2027-09-13', [], [3], 5, policeSigns))
      life.expect(
        `t0.rappel.signature.police.${r.name}.${r.date}`,
        ['police'],
        r.offset >= 10 ? ['etat'] : [],
        r.date,
      );
    const communeSigns = cal.instant('2027-10-01', 10);
    const changed = cal.instant('2027-09-20', 10);
    const newAddress = 'secretariat@mairie.example';
    for (const r of life.rungs('2027-09-13', [], [3], 5, communeSigns)) {
      const to = cal.instant(r.date, 9) > changed ? newAddress : life.email('commune-lille');
      life.expected.push({
        id: `${life.conventionId}.t0.rappel.signature.commune-lille.${r.name}.${r.date}`,
        to: [to],
        cc: r.offset >= 10 ? [life.email('etat')] : [],
        date: r.date,
        hour: 9,
      });
    }
    await life.at(
      '2027-09-20',
      10,
      'AMEND',
      { patch: { parties: { 'commune-lille': { contacts: [{ email: newAddress }] } } } },
      party('commune-lille'),
    );
    life.contacts['commune-lille'] = newAddress;
    await life.at(
      '2027-09-24',
      10,
      'SIGN',
      { partyId: 'police', signerName: 'X', signerTitle: 'Y', signedOn: '2027-09-24' },
      party('police'),
    );
    await life.at(
      '2027-10-01',
      10,
      'SIGN',
      { partyId: 'commune-lille', signerName: 'X', signerTitle: 'Y', signedOn: '2027-10-01' },
      party('commune-lille'),
    );
    life.expect('t0.avis.signatures-complete.toutes', all(), [], '2027-10-01', 10);
    life.expect(
      `t0.rappel.start.convention.avant-5.${cal.add('2027-11-15', -5)}`,
      ['police', 'association'],
      [],
      cal.add('2027-11-15', -5),
    );
    life.expect('t1.avis.in-force.t1', all(), [], '2027-11-15');

    // November paid on time; December (due Wednesday 22, reminded on Friday 17 because the 20th
    // is the abolition of slavery there) is not: relaunched, suspended, then paid.
    const novDue = cal.onOrAfter('2027-11-22');
    life.expect(
      `t1.rappel.salary-payment.t1-salaire-2027-11.avant-2.${cal.add(novDue, -2)}`,
      ['association'],
      [],
      cal.add(novDue, -2),
    );
    await life.at(
      novDue,
      10,
      'RECORD_PAYMENT',
      { itemId: 't1-salaire-2027-11', paidOn: novDue },
      party('association'),
    );
    const decDue = cal.onOrAfter('2027-12-22');
    expect(cal.add(decDue, -2)).toBe('2027-12-17');
    const noted = '2028-01-03';
    const paid = '2028-01-11';
    for (const r of life.rungs(decDue, [2], [2, 5], 10, cal.instant(paid, 10)))
      life.expect(
        `t1.rappel.salary-payment.t1-salaire-2027-12.${r.name}.${r.date}`,
        ['association'],
        r.offset >= 5 ? ['etat'] : [],
        r.date,
      );
    // Contributions fall due on 15 February 2028: the first reminder comes within the window.
    const contributionsDue = cal.onOrAfter('2028-02-15');
    const j20 = cal.add(contributionsDue, -20);
    life.expect(
      `t1.rappel.state-participation.t1-etat-annee-1.avant-20.${j20}`,
      ['etat'],
      ['association'],
      j20,
    );
    life.expect(`t1.rappel.co-financing.t1-cd59-annee-1.avant-20.${j20}`, ['cd59'], ['association'], j20);
    life.expect(
      `t1.rappel.co-financing.t1-commune-lille-annee-1.avant-20.${j20}`,
      ['commune-lille'],
      ['association'],
      j20,
    );
    await life.at(
      noted,
      10,
      'RECORD_NON_PAYMENT',
      { itemId: 't1-salaire-2027-12', notedOn: noted },
      party('etat'),
    );
    life.expect('t1.avis.suspended.1', all(), [], noted, 10);
    await life.at(
      paid,
      10,
      'RECORD_PAYMENT',
      { itemId: 't1-salaire-2027-12', paidOn: paid },
      party('association'),
    );
    life.expect('t1.avis.resumed.1', all(), [], paid, 10);
    const janDue = cal.onOrAfter('2028-01-22');
    life.expect(
      `t1.rappel.salary-payment.t1-salaire-2028-01.avant-2.${cal.add(janDue, -2)}`,
      ['association'],
      [],
      cal.add(janDue, -2),
    );
    await life.goTo(cal.add(janDue, -1), 12);

    const received = await life.received();
    compare(life, received);
    // 9:00 in Saint-Denis is 5:00 UTC all year round.
    const planned = received.filter((m) => m.headers['x-iscg-kind'] === 'reminder');
    expect(new Set(planned.map((m) => m.date.getUTCHours()))).toEqual(new Set([5]));
    // The .ics of a deadline is an all-day date; every reminder of a dated deadline carries one.
    const salary = planned.find((m) => m.messageId.includes('t1-salaire-2027-12.avant-2'))!;
    const ics = salary.attachments.find((a) => a.contentType.startsWith('text/calendar'));
    expect(ics?.content).toContain('DTSTART;VALUE=DATE:20271222');
    await h.env.client.workflow.getHandle(life.conventionId).terminate('fin du test');
  });
}, 300_000);
