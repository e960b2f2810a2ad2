import Holidays from 'date-holidays';
import { DateTime } from 'luxon';
import type { ConventionCreate } from '../../domain/convention/schema';
import { searchAttributes } from '../../domain/temporal-contract';
import type { ReceivedMail } from '../support/smtp-sink';
import { completeConventionData } from '../support/fixtures';
import { Life, party } from '../support/life';
import { startTimeSkipping, type TimeSkippingHarness } from '../support/workflow-env';

/**
 * The edges of a term, lived on the time-skipping server by the real workflow, in two overseas
 * collectivities the calendar learnt with them: a line owed at the end keeps the convention open
 * until it is settled, and a renewal carries every open line, under its own identity, into the
 * next run. The mail the SMTP sink receives is checked against date-holidays' calendar of the
 * territory and its own zone: every reminder at 09:00 local, on a business day.
 */

let h: TimeSkippingHarness;
beforeEach(async () => {
  h = await startTimeSkipping();
});
afterEach(async () => {
  await h?.teardown();
});

/** Reviews chased once, not every fortnight: these lives are about the money. */
const QUIET_REVIEWS = {
  'activity-report': { every: null },
  'committee-scheduling': { every: null },
  'committee-meeting': { every: null },
};

function create(
  slug: string,
  departement: string,
  startDate: string,
  salaryPaymentDay: number,
): ConventionCreate {
  return {
    slug,
    data: completeConventionData({
      departement: departement as never,
      startDate,
      financing: {
        stateAnnualParticipationEur: 20000,
        coFinancers: {
          cd59: { annualContributionEur: 15000 },
          'commune-lille': { annualContributionEur: 8000 },
        },
        salaryPaymentDay,
      },
      reminders: QUIET_REVIEWS,
    }),
  };
}

async function activate(life: Life, convention: ConventionCreate, draftOn: string, signOn: string) {
  await life.goTo(draftOn);
  await life.send('SUBMIT_DRAFT', {});
  await life.recruit();
  await life.signAll(convention, signOn);
  await life.goTo(convention.data.startDate!, 10);
  expect((await life.state()).phase).toBe('active');
}

/**
 * Records, on the first day, every line but those named: the middle of the term is not these
 * lives' matter (paying ahead is allowed; nothing is then reminded).
 */
async function payAllBut(life: Life, on: string, keep: string[]): Promise<void> {
  const state = await life.state();
  for (const line of state.ledger)
    if (!keep.includes(line.id))
      await life.send('RECORD_PAYMENT', {
        itemId: line.id,
        paidOn: on,
        ...(line.kind === 'salary' ? {} : { amountEur: line.plannedAmountEur }),
      });
}

/** Waits until the sink has stopped receiving (real time), then returns this convention's mail. */
async function received(life: Life): Promise<ReceivedMail[]> {
  return (await h.sink.settled(500)).filter((m) => m.messageId.includes(life.conventionId));
}

const idOf = (m: ReceivedMail) => m.messageId.replace(/^<|@iscg\.test>$/g, '');

/** Every planned reminder at 09:00 local on a business day of the territory; no message twice. */
function checkCalendar(mails: ReceivedMail[], zone: string, country: string): void {
  const holidays = new Holidays(country);
  const isHoliday = (date: string) =>
    holidays
      .getHolidays(Number(date.slice(0, 4)))
      .some((d) => d.type === 'public' && d.date.startsWith(date));
  const ids = mails.map(idOf);
  expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  const reminders = mails.filter((m) => idOf(m).includes('.rappel.'));
  expect(reminders.length).toBeGreaterThan(0);
  for (const m of reminders) {
    const local = DateTime.fromMillis(m.date.getTime(), { zone });
    const date = local.toISODate()!;
    expect({ id: idOf(m), hour: local.hour, weekday: local.weekday <= 5, holiday: isHoliday(date) }).toEqual({
      id: idOf(m),
      hour: 9,
      weekday: true,
      holiday: false,
    });
  }
}

test('Saint-Pierre-et-Miquelon: June’s salary, due on the last business day of a term ending on Sunday 30 June, is recorded after the end; the convention settles, then closes', async () => {
  await h.withWorker(async () => {
    const convention = create('miquelon', '975', '2027-07-01', 30);
    const life = await Life.create(h, convention);
    await activate(life, convention, '2027-05-03', '2027-05-04');
    const ledger = (await life.state()).ledger;
    expect(ledger.find((l) => l.id === 't1-salaire-2030-06')).toMatchObject({
      contractualDate: '2030-06-30',
      dueDate: '2030-06-28',
    });
    await payAllBut(life, '2027-07-01', ['t1-salaire-2030-06', 't1-cd59-annee-3']);

    await life.goTo('2030-01-07', 11);
    // The update validator names what a closed list accepts.
    expect(
      await life.refusal(
        'RECORD_RENEWAL_DECISION',
        { decision: 'renewed', decidedOn: '2030-01-07' },
        party('etat'),
      ),
    ).toMatchObject({
      code: 'invalid',
      field: 'decision',
      message: 'valeur non admise: l’une des valeurs "renew" ou "not_renew" attendue',
    });
    await life.send(
      'RECORD_RENEWAL_DECISION',
      { decision: 'not_renew', decidedOn: '2030-01-07' },
      party('etat'),
    );

    // On its due day, in Saint-Pierre, June's salary cannot be recorded unpaid yet.
    await life.goTo('2030-06-28', 22);
    const dueDay = await life.refusal(
      'RECORD_NON_PAYMENT',
      { itemId: 't1-salaire-2030-06', notedOn: '2030-06-28' },
      party('etat'),
    );
    expect(dueDay).toMatchObject({ code: 'refused' });
    expect(dueDay.message).toContain('le payeur a toute cette journée');

    // The day after the end: ended, and open for its two lines.
    await life.goTo('2030-07-01', 10);
    let state = await life.state();
    expect(state.phase).toBe('settling');
    expect(state.phaseLabel).toBe('Terminée, financements à solder');
    expect(state.termination).toMatchObject({ on: '2030-06-30', reason: 'not_renewed', closedOn: null });
    expect(state.deadlines.map((d) => d.subject).sort()).toEqual(['t1-cd59-annee-3', 't1-salaire-2030-06']);
    const handle = h.env.client.workflow.getHandle(life.conventionId);
    const described = await handle.describe();
    expect(described.status.name).toBe('RUNNING');
    expect(described.typedSearchAttributes.get(searchAttributes.phase)).toBe('settling');

    // The payers are still reminded, at 09:00 in Saint-Pierre (summer time, UTC−2).
    await life.goTo('2030-07-03', 12);
    let mails = await received(life);
    const afterEnd = mails.filter((m) => idOf(m).includes('t1-salaire-2030-06.apres-2.2030-07-02'));
    expect(afterEnd).toHaveLength(1);
    expect(afterEnd[0]!.date.toISOString()).toBe('2030-07-02T11:00:00.000Z');
    expect(mails.map(idOf)).toContain(`${life.conventionId}.t1.avis.terminated.not.renewed`);
    const endNotice = mails.find((m) => idOf(m).endsWith('.avis.terminated.not.renewed'))!;
    expect(endNotice.text).toContain('restent à solder');

    await life.send(
      'RECORD_PAYMENT',
      { itemId: 't1-salaire-2030-06', paidOn: '2030-06-28' },
      party('association'),
    );
    expect((await life.state()).phase).toBe('settling');
    const refusal = await life.refusal(
      'WRITE_OFF',
      { itemId: 't1-cd59-annee-3', reason: 'remise-gracieuse', decidedOn: '2030-07-03' },
      party('etat'),
    );
    expect(refusal).toMatchObject({ code: 'forbidden' });
    const closed = await life.send('WRITE_OFF', {
      itemId: 't1-cd59-annee-3',
      reason: 'remise-gracieuse',
      decidedOn: '2030-07-03',
      decisionRef: 'ARR-975-2030-12',
    });
    expect(closed.phase).toBe('terminated');
    expect(await handle.result()).toMatchObject({
      phase: 'terminated',
      terminationReason: 'not_renewed',
      terms: 1,
    });
    state = await life.state();
    expect(state.termination).toMatchObject({ on: '2030-06-30', closedOn: '2030-07-03' });
    expect(state.ledger.find((l) => l.id === 't1-cd59-annee-3')?.status).toBe('written_off');

    mails = await received(life);
    const settled = mails.find((m) => idOf(m) === `${life.conventionId}.t1.avis.settled.2030-07-03`)!;
    expect(settled.subject).toContain('Convention soldée et close le mercredi 3 juillet 2030');
    expect(settled.text).toContain('contribution de Département du Nord, année 3');
    checkCalendar(mails, 'America/Miquelon', 'PM');
    await life.recordHistories('settling-after-expiry');
  });
}, 300_000);

test('Polynésie française: a renewal carries every open line into the next run, with its reminders and its suspension', async () => {
  await h.withWorker(async () => {
    const convention = create('papeete', '987', '2027-03-01', 28);
    const life = await Life.create(h, convention);
    await activate(life, convention, '2026-12-01', '2027-01-11');
    await payAllBut(life, '2027-03-01', ['t1-salaire-2030-01', 't1-salaire-2030-02']);

    await life.goTo('2029-12-03', 11);
    await life.send('RECORD_RENEWAL_DECISION', { decision: 'renew', decidedOn: '2029-12-03' }, party('etat'));
    // January's salary, due Monday 28 January 2030, is noted unpaid a week later.
    await life.goTo('2030-02-05', 11);
    await life.send(
      'RECORD_NON_PAYMENT',
      { itemId: 't1-salaire-2030-01', notedOn: '2030-02-04' },
      party('etat'),
    );

    await life.goTo('2030-03-01', 10);
    let state = await life.state();
    expect(state.term).toMatchObject({ number: 2, startDate: '2030-03-01' });
    expect(state.run.number).toBe(2);
    expect(state.phase).toBe('suspended');
    expect(state.ledger.filter((l) => l.term === 1).map((l) => [l.id, l.status])).toEqual([
      ['t1-salaire-2030-01', 'unpaid'],
      ['t1-salaire-2030-02', 'late'],
    ]);

    // February's salary (due Thursday 28 February) is chased after the renewal under its own term.
    await life.goTo('2030-03-06', 12);
    await life.send(
      'RECORD_PAYMENT',
      { itemId: 't1-salaire-2030-02', paidOn: '2030-03-06' },
      party('association'),
    );
    await life.send(
      'RECORD_PAYMENT',
      { itemId: 't1-salaire-2030-01', paidOn: '2030-03-05' },
      party('association'),
    );
    state = await life.state();
    expect(state.phase).toBe('active');
    expect(state.suspensions).toEqual([
      expect.objectContaining({ from: '2030-02-04', to: '2030-03-05', itemIds: ['t1-salaire-2030-01'] }),
    ]);

    const mails = await received(life);
    const february = mails.map(idOf).filter((id) => id.includes('t1-salaire-2030-02.'));
    expect(february).toEqual(
      expect.arrayContaining([
        `${life.conventionId}.t1.rappel.salary-payment.t1-salaire-2030-02.avant-2.2030-02-26`,
        `${life.conventionId}.t1.rappel.salary-payment.t1-salaire-2030-02.apres-2.2030-03-04`,
      ]),
    );
    for (const id of mails.map(idOf).filter((id) => id.includes('.rappel.salary-payment.')))
      expect(id).toMatch(/\.t1\.rappel\.salary-payment\.t1-salaire-2030-0[12]\./);
    // 09:00 in Papeete is 19:00 UTC.
    const apres2 = mails.find((m) => idOf(m).endsWith('t1-salaire-2030-02.apres-2.2030-03-04'))!;
    expect(apres2.date.toISOString()).toBe('2030-03-04T19:00:00.000Z');
    checkCalendar(mails, 'Pacific/Tahiti', 'PF');
    await life.recordHistories('renewal-carries-open-lines');
  });
}, 300_000);
