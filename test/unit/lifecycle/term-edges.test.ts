import { instantAt } from '../../../domain/calendar/dates';
import { conventionDataSchema } from '../../../domain/convention/schema';
import type { LifecycleBehaviour } from '../../../domain/lifecycle/behaviour';
import { decide, tick } from '../../../domain/lifecycle/decide';
import type { ExternalEvent } from '../../../domain/lifecycle/events';
import { phaseOf } from '../../../domain/lifecycle/phase';
import { isSettled, unsettledLines } from '../../../domain/lifecycle/term';
import { conventionView } from '../../../domain/lifecycle/view';
import { planReminders } from '../../../domain/reminders/plan';
import { reminderOccurrences } from '../../../domain/reminders/occurrences';
import { Driver, OPERATOR, party, recruit, signAll } from '../../support/driver';
import { completeConventionData, conventionCreate } from '../../support/fixtures';

/**
 * The money and the dates at a term's edges: every line of a ledger falls due within its term and
 * stays actionable until it is settled, across a renewal and after the end.
 */

const FINANCING = {
  stateAnnualParticipationEur: 20000,
  coFinancers: { cd59: { annualContributionEur: 15000 }, 'commune-lille': { annualContributionEur: 8000 } },
  salaryPaymentDay: 30,
};

/** In force from Thursday 1 July 2027 to Sunday 30 June 2030, salaries paid on the 30th. */
function summerConvention(overrides = {}): Driver {
  const d = new Driver(
    conventionCreate('ete', { startDate: '2027-07-01', financing: FINANCING, ...overrides }),
    '2027-02-01',
  );
  d.send('SUBMIT_DRAFT', {});
  recruit(d);
  signAll(d, '2027-03-01');
  d.goTo('2027-07-01');
  expect(d.phase).toBe('active');
  return d;
}

/** Pays every line due before `until` on its due day, as the parties would record it. */
function payUntil(d: Driver, until: string, except: string[] = []): void {
  const lines = d.context.ledger
    .filter((line) => !isSettled(line) && line.dueDate < until && !except.includes(line.id))
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate));
  for (const line of lines) {
    d.goTo(line.dueDate, 11);
    const payment = {
      itemId: line.id,
      paidOn: line.dueDate,
      ...(line.kind === 'salary' ? {} : { amountEur: line.plannedAmountEur }),
    };
    d.send('RECORD_PAYMENT', payment, OPERATOR);
  }
}

describe('every line falls due within its term (calendar rules 1 and 7)', () => {
  test('June’s salary of a term ending on Sunday 30 June is due Friday 28 June, not Monday 1 July', () => {
    const d = summerConvention();
    expect(d.context.term).toMatchObject({ startDate: '2027-07-01', endDate: '2030-06-30' });
    expect(d.context.ledger.find((l) => l.id === 't1-salaire-2030-06')).toMatchObject({
      contractualDate: '2030-06-30',
      dueDate: '2030-06-28',
    });
    // In the middle of the term, a closed day still moves the due date to the next business day.
    expect(d.context.ledger.find((l) => l.id === 't1-salaire-2028-04')).toMatchObject({
      contractualDate: '2028-04-30',
      dueDate: '2028-05-02',
    });
    for (const line of d.context.ledger) {
      expect(line.dueDate >= d.context.term!.startDate).toBe(true);
      expect(line.dueDate <= d.context.term!.endDate).toBe(true);
    }
  });

  test('yearly shares due twelve months after each year’s start are refused, with the dates', () => {
    const data = completeConventionData({ financing: { ...FINANCING, contributionDueMonths: 12 } });
    const d = new Driver({ slug: 'douze', data }, '2026-12-01');
    const refusal = d.attempt('SUBMIT_DRAFT', {});
    expect(refusal).toMatchObject({ code: 'invalid', field: 'financing.contributionDueMonths' });
    expect(refusal!.message).toContain(
      'vendredi 1er mars 2030, après la fin de la convention le jeudi 28 février 2030',
    );
    expect(refusal!.message).toContain('Art. 7 et 9');
    expect(d.phase).toBe('drafting');
    d.send('AMEND', { patch: { financing: { contributionDueMonths: 11 } } });
    expect(d.attempt('SUBMIT_DRAFT', {})).toBeNull();
  });

  test('a renewal whose next term would have a share after its end is refused, with that term’s dates', () => {
    const d = summerConvention();
    d.goTo('2030-01-06');
    const refusal = d.attempt('RECORD_RENEWAL_DECISION', {
      decision: 'renew',
      decidedOn: '2030-01-06',
      nextTermPatch: { financing: { contributionDueMonths: 12 } },
    });
    expect(refusal).toMatchObject({
      code: 'invalid',
      field: 'nextTermPatch.financing.contributionDueMonths',
    });
    expect(refusal!.message).toContain(
      'le vendredi 1er juillet 2033, après la fin de la convention le jeudi 30 juin 2033',
    );
  });
});

describe('a line recorded unpaid (art. 9)', () => {
  test('only once its due day is over, and noted after it', () => {
    const d = new Driver(conventionCreate(), '2026-12-01');
    d.send('SUBMIT_DRAFT', {});
    recruit(d);
    signAll(d, '2027-01-11');
    // The State's share of the first year is due Tuesday 1 June 2027.
    d.goTo('2027-06-01', 23);
    const onDueDay = d.attempt('RECORD_NON_PAYMENT', { itemId: 't1-etat-annee-1', notedOn: '2027-06-01' });
    expect(onDueDay).toMatchObject({ code: 'refused' });
    expect(onDueDay!.message).toContain('le payeur a toute cette journée');
    expect(onDueDay!.message).toContain('mercredi 2 juin 2027');
    expect(d.phase).toBe('active');
    d.goTo('2027-06-02', 0);
    expect(
      d.attempt('RECORD_NON_PAYMENT', { itemId: 't1-etat-annee-1', notedOn: '2027-06-01' }),
    ).toMatchObject({
      code: 'invalid',
      field: 'notedOn',
    });
    expect(
      d.attempt('RECORD_NON_PAYMENT', { itemId: 't1-etat-annee-1', notedOn: '2027-06-03' }),
    ).toMatchObject({
      code: 'invalid',
      field: 'notedOn',
      message: expect.stringContaining('futur'),
    });
    d.send('RECORD_NON_PAYMENT', { itemId: 't1-etat-annee-1', notedOn: '2027-06-02' });
    expect(d.phase).toBe('suspended');
  });

  test('the due day is the département’s own: in Papeete it is still 30 June when Paris is on 1 July', () => {
    const data = completeConventionData({
      departement: '987',
      startDate: '2027-07-01',
      financing: FINANCING,
    });
    const d = new Driver({ slug: 'papeete', data }, '2027-02-01');
    d.send('SUBMIT_DRAFT', {});
    recruit(d);
    signAll(d, '2027-03-01');
    d.goTo('2027-07-01');
    // 30 July 2027 is a Friday in Polynesia: the July salary is due that day.
    expect(d.context.ledger.find((l) => l.id === 't1-salaire-2027-07')?.dueDate).toBe('2027-07-30');
    const eveningInPapeete = instantAt('2027-07-30', '987', 23);
    expect(new Date(eveningInPapeete).toISOString()).toBe('2027-07-31T09:00:00.000Z');
    const event = {
      type: 'RECORD_NON_PAYMENT',
      payload: { itemId: 't1-salaire-2027-07', notedOn: '2027-07-30' },
      actor: OPERATOR,
      at: eveningInPapeete,
    } as ExternalEvent;
    const refused = decide(tick(d.snapshot, eveningInPapeete).snapshot, event);
    expect(refused).toMatchObject({ ok: false, refusal: { code: 'refused' } });
    const nextMorning = instantAt('2027-07-31', '987', 8);
    const accepted = decide(tick(d.snapshot, nextMorning).snapshot, {
      ...event,
      payload: { itemId: 't1-salaire-2027-07', notedOn: '2027-07-31' },
      at: nextMorning,
    } as ExternalEvent);
    expect(accepted.ok).toBe(true);
  });
});

describe('suspension dates are the dates the parties state', () => {
  test('noted on 2 June, recorded on 12 July, paid on 13 July, recorded on 20 July: suspended from 2 to 13 July', () => {
    const d = new Driver(conventionCreate(), '2026-12-01');
    d.send('SUBMIT_DRAFT', {});
    recruit(d);
    signAll(d, '2027-01-11');
    d.goTo('2027-07-12');
    const noted = instantAt('2027-07-12', '59', 10);
    d.send('RECORD_NON_PAYMENT', { itemId: 't1-etat-annee-1', notedOn: '2027-06-02' }, party('association'));
    d.goTo('2027-07-20');
    const paidInFull = { itemId: 't1-etat-annee-1', paidOn: '2027-07-13', amountEur: 20000 };
    d.send('RECORD_PAYMENT', paidInFull, party('etat'));
    expect(d.phase).toBe('active');
    expect(d.context.suspensions).toEqual([
      {
        from: '2027-06-02',
        to: '2027-07-13',
        itemIds: ['t1-etat-annee-1'],
        openedAt: noted,
        closedAt: instantAt('2027-07-20', '59', 10),
        closedBy: 'payment',
      },
    ]);
    const line = d.context.ledger.find((l) => l.id === 't1-etat-annee-1')!;
    expect(line.nonPayment).toMatchObject({ notedOn: '2027-06-02', recordedAt: noted });
    expect(line.payments).toEqual([expect.objectContaining({ paidOn: '2027-07-13' })]);
    const summaries = d.context.history.map((h) => h.summary);
    expect(summaries).toContain(
      'Non-versement constaté (t1-etat-annee-1, le mercredi 2 juin 2027): convention suspendue à compter du mercredi 2 juin 2027 (art. 9)',
    );
    expect(summaries).toContain(
      'Paiement constaté (t1-etat-annee-1, du mardi 13 juillet 2027): fin de la suspension le mardi 13 juillet 2027',
    );
  });

  test('a suspension of several lines ends on the day the last of them was settled; payments in the future are refused', () => {
    const d = new Driver(conventionCreate(), '2026-12-01');
    d.send('SUBMIT_DRAFT', {});
    recruit(d);
    signAll(d, '2027-01-11');
    d.goTo('2027-07-12');
    d.send('RECORD_NON_PAYMENT', { itemId: 't1-cd59-annee-1', notedOn: '2027-06-10' });
    d.send('RECORD_NON_PAYMENT', { itemId: 't1-etat-annee-1', notedOn: '2027-06-05' });
    expect(d.context.suspensions[0]).toMatchObject({ from: '2027-06-05', to: null });
    expect(
      d.attempt('RECORD_PAYMENT', { itemId: 't1-etat-annee-1', paidOn: '2027-07-13', amountEur: 20000 }),
    ).toMatchObject({
      field: 'paidOn',
    });
    d.send('RECORD_PAYMENT', { itemId: 't1-etat-annee-1', paidOn: '2027-07-09', amountEur: 20000 });
    expect(d.phase).toBe('suspended');
    d.send('RECORD_PAYMENT', { itemId: 't1-cd59-annee-1', paidOn: '2027-07-01', amountEur: 15000 });
    expect(d.phase).toBe('active');
    expect(d.context.suspensions[0]).toMatchObject({ from: '2027-06-05', to: '2027-07-09' });
  });

  test('an operator closes a line without payment, with a reason; the suspension ends on the decision’s day', () => {
    const d = new Driver(conventionCreate(), '2026-12-01');
    d.send('SUBMIT_DRAFT', {});
    recruit(d);
    signAll(d, '2027-01-11');
    d.goTo('2027-07-12');
    d.send('RECORD_NON_PAYMENT', { itemId: 't1-cd59-annee-1', notedOn: '2027-06-10' });
    const writeOff = { itemId: 't1-cd59-annee-1', reason: 'creance-irrecouvrable', decidedOn: '2027-07-08' };
    expect(d.attempt('WRITE_OFF', writeOff, party('etat'))).toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('opérateur'),
    });
    expect(d.attempt('WRITE_OFF', { ...writeOff, reason: 'perdu' })).toMatchObject({
      code: 'invalid',
      field: 'reason',
      message: expect.stringContaining(
        '"remise-gracieuse", "creance-irrecouvrable", "echeance-non-due", "regularisee-hors-convention" ou "autre"',
      ),
    });
    expect(d.attempt('WRITE_OFF', { ...writeOff, decidedOn: '2027-07-13' })).toMatchObject({
      field: 'decidedOn',
    });
    d.takeEffects();
    d.send('WRITE_OFF', { ...writeOff, decisionRef: 'ARR-2027-114' });
    expect(d.phase).toBe('active');
    expect(d.takeEffects()).toEqual([expect.objectContaining({ notice: 'resumed' })]);
    expect(d.context.suspensions[0]).toMatchObject({
      from: '2027-06-10',
      to: '2027-07-08',
      closedBy: 'write-off',
    });
    const view = conventionView(d.snapshot, d.now);
    expect(view.ledger.find((l) => l.id === 't1-cd59-annee-1')).toMatchObject({
      status: 'written_off',
      writeOff: { reason: 'creance-irrecouvrable', decidedOn: '2027-07-08', decisionRef: 'ARR-2027-114' },
    });
    expect(
      d.attempt('RECORD_PAYMENT', { itemId: 't1-cd59-annee-1', paidOn: '2027-07-12', amountEur: 1 }),
    ).toMatchObject({
      code: 'refused',
      message: expect.stringContaining('close sans paiement'),
    });
  });
});

describe('every line stays actionable until settled', () => {
  test('at a renewal, every open line of the ending term follows, under its own identity, with its suspension', () => {
    const d = summerConvention();
    // Everything paid but: June's salary (due on the term's last business day), the third-year
    // shares (one partly paid, one recorded unpaid), and May's salary, late.
    payUntil(d, '2030-07-01', [
      't1-salaire-2030-06',
      't1-salaire-2030-05',
      't1-etat-annee-3',
      't1-cd59-annee-3',
    ]);
    d.goTo('2030-06-10');
    d.send('RECORD_PAYMENT', { itemId: 't1-etat-annee-3', paidOn: '2030-06-10', amountEur: 5000 });
    d.send('RECORD_NON_PAYMENT', { itemId: 't1-cd59-annee-3', notedOn: '2030-06-10' });
    d.send('RECORD_RENEWAL_DECISION', { decision: 'renew', decidedOn: '2030-06-10' }, party('etat'));
    d.goTo('2030-07-01', 0);
    expect(d.context.term).toMatchObject({ number: 2, startDate: '2030-07-01' });
    expect(d.phase).toBe('suspended');
    const carried = d.context.ledger
      .filter((l) => l.term === 1)
      .map((l) => l.id)
      .sort();
    expect(carried).toEqual([
      't1-cd59-annee-3',
      't1-etat-annee-3',
      't1-salaire-2030-05',
      't1-salaire-2030-06',
    ]);
    const view = conventionView(d.snapshot, d.now);
    expect(Object.fromEntries(view.ledger.filter((l) => l.term === 1).map((l) => [l.id, l.status]))).toEqual({
      't1-cd59-annee-3': 'unpaid',
      't1-etat-annee-3': 'partial',
      't1-salaire-2030-05': 'late',
      't1-salaire-2030-06': 'late',
    });
    // Their reminders keep the identity of the term they belong to.
    const ids = reminderOccurrences(d.snapshot, d.now)
      .map((o) => o.id)
      .filter((id) => id.includes('t1-salaire-2030-06'));
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(id).toContain('.t1.rappel.salary-payment.t1-salaire-2030-06.');
    // The salary due on the last day before the renewal is recorded in the new term.
    d.goTo('2030-07-02');
    d.send('RECORD_PAYMENT', { itemId: 't1-salaire-2030-06', paidOn: '2030-06-28' }, party('association'));
    d.send(
      'RECORD_PAYMENT',
      { itemId: 't1-cd59-annee-3', paidOn: '2030-07-02', amountEur: 15000 },
      party('cd59'),
    );
    expect(d.phase).toBe('active');
    expect(d.context.suspensions.at(-1)).toMatchObject({ from: '2030-06-10', to: '2030-07-02' });
  });

  test('an ended convention stays open, settling, while lines are owed; reminders go on; the last settlement closes it', () => {
    const d = summerConvention();
    payUntil(d, '2030-07-01', ['t1-salaire-2030-06', 't1-cd59-annee-3']);
    d.goTo('2030-01-06');
    d.send('RECORD_RENEWAL_DECISION', { decision: 'not_renew', decidedOn: '2030-01-06' }, party('etat'));
    d.goTo('2030-07-01', 0);
    expect(d.phase).toBe('settling');
    expect(d.context.termination).toMatchObject({ on: '2030-06-30', reason: 'not_renewed', closedOn: null });
    expect(d.takeEffects()).toContainEqual(expect.objectContaining({ notice: 'terminated' }));
    const view = conventionView(d.snapshot, d.now);
    expect(view.phaseLabel).toBe('Terminée, financements à solder');
    expect(view.deadlines.map((x) => x.subject)).toEqual(['t1-cd59-annee-3', 't1-salaire-2030-06']);
    expect(view.acceptedEvents).toEqual(['AMEND', 'RECORD_PAYMENT', 'RECORD_NON_PAYMENT', 'WRITE_OFF']);
    // The payers are still reminded after the end.
    const plan = planReminders(d.snapshot, instantAt('2030-07-02', '59', 10), {});
    expect(plan.due.map((m) => m.summary)).toContain('Relance: versement du salaire de juin 2030 (J+2)');
    expect(plan.next?.summary).toContain('versement du salaire de juin 2030');
    expect(d.attempt('DECLARE_VACANCY', { vacantFrom: '2030-07-02' })).toMatchObject({ code: 'refused' });
    // A non-payment after the end is recorded on the line, without suspending anything.
    d.goTo('2030-07-03');
    d.send('RECORD_NON_PAYMENT', { itemId: 't1-cd59-annee-3', notedOn: '2030-07-03' });
    expect(d.phase).toBe('settling');
    expect(d.context.suspensions).toEqual([]);
    d.send('RECORD_PAYMENT', { itemId: 't1-salaire-2030-06', paidOn: '2030-06-28' }, party('association'));
    expect(d.phase).toBe('settling');
    d.takeEffects();
    d.send('WRITE_OFF', { itemId: 't1-cd59-annee-3', reason: 'remise-gracieuse', decidedOn: '2030-07-03' });
    expect(d.phase).toBe('terminated');
    expect(d.context.termination).toMatchObject({ on: '2030-06-30', closedOn: '2030-07-03' });
    expect(d.takeEffects()).toEqual([expect.objectContaining({ notice: 'settled' })]);
    expect(unsettledLines(d.context.ledger)).toEqual([]);
    expect(d.context.history.at(-1)?.summary).toBe(
      'Dernière échéance soldée: la convention est close le mercredi 3 juillet 2030',
    );
  });

  test('an end with every line settled closes at once', () => {
    const d = summerConvention();
    payUntil(d, '2030-07-01');
    d.goTo('2030-07-01', 0);
    expect(d.phase).toBe('terminated');
    expect(d.context.termination).toMatchObject({ reason: 'no_renewal_decision', closedOn: '2030-06-30' });
  });

  test('under the behaviour recorded before the term edges, a convention still ends and renews as it did', () => {
    const before: LifecycleBehaviour = { termEdges: false, termEdgeRefusals: false };
    const d = summerConvention();
    expect(d.context.ledger.find((l) => l.id === 't1-salaire-2030-06')?.dueDate).toBe('2030-06-28');
    const ended = tick(d.snapshot, instantAt('2030-07-01', '59', 0), before).snapshot;
    expect(phaseOf(ended)).toBe('terminated');
    const early = decide(
      tick(d.snapshot, instantAt('2027-08-02', '59', 10), before).snapshot,
      {
        type: 'RECORD_NON_PAYMENT',
        payload: { itemId: 't1-salaire-2027-07', notedOn: '2027-08-02' },
        actor: OPERATOR,
        at: instantAt('2027-08-02', '59', 10),
      },
      before,
    );
    // 30 July 2027 + closed weekend: due Monday 2 August; the older rules took a non-payment that day.
    expect(early.ok).toBe(true);
  });
});

describe('closed lists name what they accept', () => {
  test('a renewal decision, an update of the draft', () => {
    const d = summerConvention();
    d.goTo('2030-01-06');
    expect(
      d.attempt('RECORD_RENEWAL_DECISION', { decision: 'renewed', decidedOn: '2030-01-06' }),
    ).toMatchObject({
      code: 'invalid',
      field: 'decision',
      message: 'valeur non admise: l’une des valeurs "renew" ou "not_renew" attendue',
    });
    expect(d.attempt('RECORD_RENEWAL_DECISION', { decidedOn: '2030-01-06' })).toMatchObject({
      field: 'decision',
      message: 'requis: l’une des valeurs "renew" ou "not_renew"',
    });
    const draft = new Driver(conventionCreate('liste'), '2026-12-01');
    expect(
      draft.attempt('AMEND', {
        patch: { equipment: { ...completeConventionData().equipment, phone: 'fax' } },
      }),
    ).toMatchObject({
      field: 'equipment.phone',
      message: 'valeur non admise: l’une des valeurs "fixe", "portable" ou "fixe-et-portable" attendue',
    });
  });

  test('an unknown département is refused with the known codes; each collectivity is known', () => {
    const parsed = conventionDataSchema.safeParse({ departement: '20' });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.message).toBe(
      'département inconnu: codes admis 01 à 19, 2A, 2B, 21 à 95, 971 à 978, 986 à 988',
    );
    for (const code of ['975', '977', '978', '986', '987', '988'])
      expect(conventionDataSchema.safeParse({ departement: code }).success).toBe(true);
  });
});
