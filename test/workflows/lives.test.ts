import * as fs from 'node:fs';
import * as path from 'node:path';
import { addDays, addMonths, compareDates, type CivilDate } from '../../domain/calendar/dates';
import { businessDayOnOrBefore } from '../../domain/calendar/business-days';
import type { ConventionState } from '../../domain/temporal-contract';
import { conventionCreate, chasedOnce } from '../support/fixtures';
import { Life, OPERATOR, party } from '../support/life';
import { startTimeSkipping, type TimeSkippingHarness } from '../support/workflow-env';

/**
 * Whole lives of conventions on the time-skipping server: years pass in seconds, every event
 * goes through the real workflow as an update, and each life's history is kept for replay.
 */

let h: TimeSkippingHarness;
const figures: Record<string, unknown> = {};

// Time is global to a time-skipping server: each life gets its own server, starting today.
beforeEach(async () => {
  h = await startTimeSkipping();
});
afterEach(async () => {
  await h?.teardown();
});
afterAll(() => {
  const dir = path.resolve(__dirname, '..', '..', 'test-results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'lifecycle-figures.json'), JSON.stringify(figures, null, 2));
});

async function activate(
  life: Life,
  create = conventionCreate(life.conventionId.replace('convention-59-', '')),
) {
  await life.goTo('2026-12-01');
  await life.send('SUBMIT_DRAFT', {});
  await life.recruit();
  await life.signAll(create, '2027-01-11');
  await life.goTo('2027-03-01');
  expect((await life.state()).phase).toBe('active');
}

type Action = { date: CivilDate; run: () => Promise<unknown> };

/** Every ledger item paid on its due date, and each year's report, committee and review. */
function yearOfDuties(life: Life, state: ConventionState, term: number): Action[] {
  const actions: Action[] = [];
  for (const item of state.ledger.filter((i) => i.term === term)) {
    const actor = item.kind === 'salary' ? party('association') : party(item.payerPartyId);
    actions.push({
      date: item.dueDate,
      run: () =>
        life.send(
          'RECORD_PAYMENT',
          {
            itemId: item.id,
            paidOn: item.dueDate,
            ...(item.plannedAmountEur ? { amountEur: item.plannedAmountEur } : {}),
          },
          actor,
        ),
    });
  }
  for (const year of state.reviews.filter((r) => r.term === term)) {
    const meeting = businessDayOnOrBefore('59', addMonths(year.yearEnd, -1));
    const scheduleOn = addMonths(meeting, -2);
    const reportOn = addDays(meeting, -14);
    actions.push(
      {
        date: scheduleOn,
        run: () =>
          life.send(
            'SCHEDULE_COMMITTEE',
            { termYear: year.termYear, meetingDate: meeting, location: 'Préfecture' },
            party('etat'),
          ),
      },
      {
        date: reportOn,
        run: () =>
          life.send(
            'SUBMIT_ACTIVITY_REPORT',
            {
              termYear: year.termYear,
              submittedOn: reportOn,
              documentRef: `BILAN-T${term}-A${year.termYear}`,
              statistics: { 'personnes-recues': 300 + year.termYear },
            },
            party('association'),
          ),
      },
      {
        date: meeting,
        run: () =>
          life.send(
            'RECORD_COMMITTEE_REVIEW',
            {
              termYear: year.termYear,
              heldOn: meeting,
              recommendations: ['Maintenir le poste'],
              minutesRef: `PV-${year.termYear}`,
            },
            party('etat'),
          ),
      },
    );
  }
  return actions;
}

async function perform(life: Life, actions: Action[]): Promise<void> {
  actions.sort((a, b) => compareDates(a.date, b.date));
  for (const action of actions) {
    await life.goTo(action.date, 11);
    await action.run();
  }
}

test('a three-year term with every monthly payment and annual review', async () => {
  await h.withWorker(async () => {
    const life = await Life.create(h, conventionCreate('trois-ans'));
    await activate(life);
    const state = await life.state();
    expect(state.ledger.filter((i) => i.kind === 'salary')).toHaveLength(36);
    await perform(life, yearOfDuties(life, state, 1));
    await life.goTo('2029-10-01');
    await life.send(
      'RECORD_RENEWAL_DECISION',
      { decision: 'not_renew', decidedOn: '2029-10-01', reason: 'financement-non-reconduit' },
      party('etat'),
    );
    await life.goTo('2030-03-02');
    const final = await life.state();
    expect(final.phase).toBe('terminated');
    expect(final.termination).toMatchObject({ reason: 'not_renewed', on: '2030-02-28' });
    expect(final.ledger.every((l) => l.status === 'paid')).toBe(true);
    expect(final.reviews.every((r) => r.review !== null)).toBe(true);
    const outcome = await h.env.client.workflow.getHandle(life.conventionId).result();
    expect(outcome).toMatchObject({ phase: 'terminated', terminationReason: 'not_renewed', terms: 1 });
    const history = await h.env.client.workflow.getHandle(life.conventionId).fetchHistory();
    figures.eventsPerTerm = history.events?.length;
    figures.historyBytesPerTerm = JSON.stringify(history).length;
    await life.recordHistories('three-year-term');
    expect(history.events!.length).toBeLessThan(1000);
  });
});

test('nine years with two renewals, a new commune joining at the first', async () => {
  await h.withWorker(async () => {
    const create = conventionCreate('neuf-ans', { reminders: chasedOnce() });
    const life = await Life.create(h, create);
    await activate(life, create);
    const newCommune = {
      parties: {
        'commune-roubaix': {
          role: 'commune',
          organisation: 'Ville de Roubaix',
          representative: { title: 'Maire de Roubaix' },
          contacts: [{ email: 'prevention@roubaix.example' }],
        },
      },
      financing: { coFinancers: { 'commune-roubaix': { annualContributionEur: 5000 } } },
    };
    await life.goTo('2029-10-01');
    expect((await life.state()).phase).toBe('renewal');
    await life.send(
      'RECORD_RENEWAL_DECISION',
      { decision: 'renew', decidedOn: '2029-10-01', nextTermPatch: newCommune },
      party('etat'),
    );
    await life.goTo('2030-03-01');
    let state = await life.state();
    expect(state.term).toMatchObject({ number: 2, startDate: '2030-03-01', endDate: '2033-02-28' });
    expect(state.data.parties['commune-roubaix']?.organisation).toBe('Ville de Roubaix');
    expect(state.run.number).toBe(2);
    await life.goTo('2032-10-01');
    await life.send('RECORD_RENEWAL_DECISION', { decision: 'renew', decidedOn: '2032-10-01' }, party('etat'));
    await life.goTo('2033-03-01');
    state = await life.state();
    expect(state.term).toMatchObject({ number: 3, startDate: '2033-03-01', endDate: '2036-02-29' });
    expect(state.pastTerms.map((t) => [t.number, t.outcome])).toEqual([
      [1, 'renewed'],
      [2, 'renewed'],
    ]);
    // Nothing was paid in nine years: every line followed into the next term, and the ended
    // convention now waits for them (the settling phase).
    const carried = state.ledger.filter((l) => l.term < 3).map((l) => l.id);
    expect(carried).toEqual(expect.arrayContaining(['t1-salaire-2027-03', 't2-salaire-2030-03']));
    await life.goTo('2036-03-01');
    state = await life.state();
    expect(state.phase).toBe('settling');
    expect(state.termination).toMatchObject({
      reason: 'no_renewal_decision',
      on: '2036-02-29',
      closedOn: null,
    });
    expect(state.ledger.filter((l) => l.term < 3).map((l) => l.id)).toEqual(carried);
    expect(state.ledger.filter((l) => l.status === 'paid')).toEqual([]);
    expect(state.history.filter((e) => e.event === 'RECORD_RENEWAL_DECISION')).toHaveLength(2);
    await life.recordHistories('nine-years-two-renewals');
  });
}, 300_000);

test('a recorded non-payment suspends the convention at once; the payment resumes it, the term end stays', async () => {
  await h.withWorker(async () => {
    const life = await Life.create(h, conventionCreate('suspension'));
    await activate(life);
    await life.goTo('2027-06-15');
    await life.send(
      'RECORD_NON_PAYMENT',
      { itemId: 't1-cd59-annee-1', notedOn: '2027-06-15', reason: 'credits-non-votes' },
      party('association'),
    );
    let state = await life.state();
    expect(state.phase).toBe('suspended');
    expect(state.flags.suspended).toBe(true);
    await life.goTo('2027-07-20');
    await life.send(
      'RECORD_PAYMENT',
      { itemId: 't1-cd59-annee-1', paidOn: '2027-07-20', amountEur: 15000 },
      party('cd59'),
    );
    state = await life.state();
    expect(state.phase).toBe('active');
    expect(state.suspensions).toEqual([
      expect.objectContaining({ from: '2027-06-15', to: '2027-07-20', itemIds: ['t1-cd59-annee-1'] }),
    ]);
    expect(state.term?.endDate).toBe('2030-02-28');
    await life.recordHistories('suspension-and-resumption');
  });
});

test('an on-time denunciation ends the convention at expiry; a late one is refused with the deadline', async () => {
  await h.withWorker(async () => {
    const create = conventionCreate('denonciation', { reminders: chasedOnce() });
    const life = await Life.create(h, create);
    await activate(life, create);
    await life.goTo('2029-12-03');
    const late = await life.refusal(
      'DENOUNCE',
      { partyId: 'commune-lille', letterSentOn: '2029-12-03', letterReference: '1A 111 222 333 4' },
      party('commune-lille'),
    );
    expect(late).toMatchObject({ code: 'refused', field: 'letterSentOn' });
    // 30 November + three months, counted forward, is 28 February: the last day (calendar rule 2).
    expect(late.message).toContain('vendredi 30 novembre 2029');
    await life.send(
      'DENOUNCE',
      { partyId: 'commune-lille', letterSentOn: '2029-11-27', letterReference: '1A 111 222 333 4' },
      party('commune-lille'),
    );
    let state = await life.state();
    expect(state.flags.denounced).toBe(true);
    expect(state.phase).toBe('renewal');
    await life.goTo('2030-03-01');
    state = await life.state();
    expect(state.termination).toMatchObject({ reason: 'denounced', on: '2030-02-28' });
    await life.recordHistories('denunciation');
  });
}, 300_000);

test('the post falls vacant and a new recruitment runs while the convention stays in force', async () => {
  await h.withWorker(async () => {
    const life = await Life.create(h, conventionCreate('vacance'));
    await activate(life);
    await life.goTo('2028-01-10');
    await life.send(
      'DECLARE_VACANCY',
      { vacantFrom: '2028-02-01', reason: 'demission' },
      party('association'),
    );
    let state = await life.state();
    expect(state.flags.postVacant).toBe(true);
    expect(state.phase).toBe('active');
    await life.goTo('2028-03-15');
    await life.send('COMPOSE_SELECTION_COMMITTEE', {
      members: [
        { partyId: 'association', authority: 'hierarchique', title: 'directrice' },
        { partyId: 'police', authority: 'fonctionnelle', title: 'commissaire' },
      ],
    });
    await life.send('RECORD_APPLICATIONS', { count: 4, references: ['CAND-2028-1', 'CAND-2028-2'] });
    await life.send('RECORD_RECRUITMENT_DECISION', {
      outcome: 'selected',
      candidateRef: 'CAND-2028-2',
      startsOn: '2028-04-01',
    });
    state = await life.state();
    expect(state.flags.postVacant).toBe(false);
    expect(state.ledger.filter((l) => l.status === 'waived').map((l) => l.month)).toEqual([
      '2028-02',
      '2028-03',
    ]);
    await life.recordHistories('vacancy-and-recruitment');
  });
});

test('a draft is abandoned in drafting', async () => {
  await h.withWorker(async () => {
    const life = await Life.create(h, conventionCreate('abandon'));
    await life.send('ABANDON', { reason: 'retrait-d-une-partie' }, OPERATOR);
    const outcome = await h.env.client.workflow.getHandle(life.conventionId).result();
    expect(outcome).toMatchObject({ phase: 'terminated', terminationReason: 'abandoned', terms: 0 });
    await life.recordHistories('abandoned-draft');
  });
});
