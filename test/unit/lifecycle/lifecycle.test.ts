import { conventionCreate, completeConventionData } from '../../support/fixtures';
import { Driver, OPERATOR, party, recruit, signAll } from '../../support/driver';
import { conventionView, deadlines } from '../../../domain/lifecycle/view';
import { isSettled } from '../../../domain/lifecycle/term';
import { missingBlanks } from '../../../domain/convention/completeness';
import { conventionDataSchema } from '../../../domain/convention/schema';

/** A convention signed in January 2027, in force from 1 March 2027 to 28 February 2030. */
function activeConvention(): Driver {
  const d = new Driver(conventionCreate(), '2026-12-01');
  d.send('SUBMIT_DRAFT', {});
  recruit(d);
  signAll(d, '2027-01-11');
  d.goTo('2027-03-01');
  return d;
}

describe('drafting (art. 1, 3, 6, 7, 8)', () => {
  test('an empty draft lists every missing blank with its article', () => {
    const blanks = missingBlanks(conventionDataSchema.parse({ departement: '974' }));
    const articles = new Set(blanks.map((b) => b.article));
    for (const article of ['Parties', 'Art. 1', 'Art. 3', 'Art. 6', 'Art. 7', 'Art. 8'])
      expect(articles).toContain(article);
    const fields = blanks.map((b) => b.field);
    for (const field of [
      'site',
      'startDate',
      'functionalAuthorities',
      'hierarchicalAuthority',
      'employerPartyId',
      'financing',
      'followUpCommittee',
      'equipment',
      'jobDescriptionRef',
    ])
      expect(fields).toContain(field);
  });

  test('an incomplete draft cannot leave drafting, and says what is missing', () => {
    const data = completeConventionData();
    delete data.jobDescriptionRef;
    const d = new Driver({ slug: 'x', data }, '2026-12-01');
    const refusal = d.attempt('SUBMIT_DRAFT', {});
    expect(refusal).toMatchObject({ code: 'invalid', field: 'jobDescriptionRef', phase: 'drafting' });
    expect(refusal!.message).toContain('Art. 3');
    expect(d.phase).toBe('drafting');
  });

  test('a draft is amended piece by piece (merge patch) and bad values name the field', () => {
    const d = new Driver(conventionCreate(), '2026-12-01');
    d.send('AMEND', { patch: { financing: { salaryPaymentDay: 5 } } });
    expect(d.context.data.financing?.salaryPaymentDay).toBe(5);
    expect(d.context.data.financing?.stateAnnualParticipationEur).toBe(20000);
    const refusal = d.attempt('AMEND', { patch: { financing: { salaryPaymentDay: 32 } } });
    expect(refusal).toMatchObject({ code: 'invalid', field: 'financing.salaryPaymentDay' });
    expect(d.context.data.financing?.salaryPaymentDay).toBe(5);
    expect(d.attempt('AMEND', { patch: { departement: '62' } })).toMatchObject({ field: 'departement' });
  });

  test('the site must match the parties and the functional authority (art. 1, 3)', () => {
    const blanks = missingBlanks(completeConventionData({ site: { gendarmerieUnit: 'brigade de Seclin' } }));
    expect(blanks.map((b) => b.message).join(' ')).toContain('gendarmerie');
  });

  test('the equipment of art. 6 is owed in full', () => {
    const blanks = missingBlanks(
      completeConventionData({
        equipment: {
          dedicatedConfidentialOffice: false,
          phone: 'fixe',
          computer: true,
          administrativeSupplies: true,
        },
      }),
    );
    expect(blanks).toEqual([
      expect.objectContaining({ field: 'equipment.dedicatedConfidentialOffice', article: 'Art. 6' }),
    ]);
  });

  test('an end date other than three years is refused (art. 9)', () => {
    const blanks = missingBlanks(completeConventionData({ endDate: '2029-12-31' }));
    expect(blanks).toEqual([
      expect.objectContaining({ field: 'endDate', message: expect.stringContaining('2030-02-28') }),
    ]);
  });
});

describe('recruitment committee (art. 3)', () => {
  test('the committee needs the hierarchical and the functional authority; the ANISCG is informed once', () => {
    const d = new Driver(conventionCreate(), '2026-12-01').send('SUBMIT_DRAFT', {});
    const onlyHierarchical = d.attempt('COMPOSE_SELECTION_COMMITTEE', {
      members: [{ partyId: 'association', authority: 'hierarchique', title: 'directrice' }],
    });
    expect(onlyHierarchical).toMatchObject({
      code: 'invalid',
      field: 'members',
      message: expect.stringContaining('fonctionnelle'),
    });
    const wrongParty = d.attempt('COMPOSE_SELECTION_COMMITTEE', {
      members: [
        { partyId: 'cd59', authority: 'hierarchique', title: 'x' },
        { partyId: 'police', authority: 'fonctionnelle', title: 'y' },
      ],
    });
    expect(wrongParty).toMatchObject({ message: expect.stringContaining('hiérarchique') });
    d.takeEffects();
    recruit(d);
    expect(d.takeEffects().filter((e) => e.type === 'inform-aniscg')).toHaveLength(1);
    expect(d.phase).toBe('signature');
  });

  test('applications are counts and opaque references: a name is refused', () => {
    const d = new Driver(conventionCreate(), '2026-12-01').send('SUBMIT_DRAFT', {});
    d.send('COMPOSE_SELECTION_COMMITTEE', {
      members: [
        { partyId: 'association', authority: 'hierarchique', title: 'd' },
        { partyId: 'police', authority: 'fonctionnelle', title: 'c' },
      ],
    });
    expect(d.attempt('RECORD_APPLICATIONS', { count: 1, references: ['Marie Dupont'] })).toMatchObject({
      code: 'invalid',
      field: 'references.0',
    });
  });

  test('no suitable candidate reopens the recruitment', () => {
    const d = new Driver(conventionCreate(), '2026-12-01').send('SUBMIT_DRAFT', {});
    d.send('COMPOSE_SELECTION_COMMITTEE', {
      members: [
        { partyId: 'association', authority: 'hierarchique', title: 'd' },
        { partyId: 'police', authority: 'fonctionnelle', title: 'c' },
      ],
    });
    d.send('RECORD_APPLICATIONS', { count: 2, references: [] });
    d.send('RECORD_RECRUITMENT_DECISION', { outcome: 'no_suitable_candidate' });
    expect(d.phase).toBe('recruitment');
    expect(d.context.recruitment).toMatchObject({ round: 2, applications: null, unsuccessfulRounds: 1 });
    expect(
      d.attempt('RECORD_RECRUITMENT_DECISION', { outcome: 'selected', candidateRef: 'C-1' }),
    ).toMatchObject({
      message: expect.stringContaining('candidatures'),
    });
  });
});

describe('signature (art. 1)', () => {
  test('each party signs for itself; the convention waits for its start date', () => {
    const d = new Driver(conventionCreate(), '2026-12-01').send('SUBMIT_DRAFT', {});
    recruit(d);
    d.goTo('2027-01-11');
    const signature = { partyId: 'cd59', signerName: 'X', signerTitle: 'Président', signedOn: '2027-01-11' };
    expect(d.attempt('SIGN', signature, party('commune-lille'))).toMatchObject({ code: 'forbidden' });
    d.send('SIGN', signature, party('cd59'));
    expect(d.attempt('SIGN', signature, party('cd59'))).toMatchObject({
      code: 'refused',
      message: expect.stringContaining('déjà signé'),
    });
    expect(
      d.attempt('SIGN', { ...signature, partyId: 'etat', signedOn: '2027-02-01' }, party('etat')),
    ).toMatchObject({
      field: 'signedOn',
    });
    expect(
      deadlines(d.snapshot)
        .filter((x) => x.kind === 'signature')
        .map((x) => x.subject),
    ).toEqual(['association', 'commune-lille', 'etat', 'police', 'procureur']);
    signAll(d, '2027-01-12');
    expect(d.phase).toBe('awaiting_start');
    d.goTo('2027-02-28', 23);
    expect(d.phase).toBe('awaiting_start');
    d.goTo('2027-03-01', 0);
    expect(d.phase).toBe('active');
    expect(d.context.term).toMatchObject({
      number: 1,
      startDate: '2027-03-01',
      endDate: '2030-02-28',
      // 30 November + three months, counted forward (art. 641 CPC), is 28 February: see calendar.md.
      noticeDeadline: '2029-11-30',
      concertationOpensOn: '2029-08-28',
    });
  });

  test('a procureur who is not associated does not sign', () => {
    const data = completeConventionData();
    data.parties.procureur!.signatory = false;
    const d = new Driver({ slug: 'p', data }, '2026-12-01').send('SUBMIT_DRAFT', {});
    recruit(d);
    d.goTo('2027-01-11');
    expect(
      d.attempt(
        'SIGN',
        { partyId: 'procureur', signerName: 'P', signerTitle: 'Procureur', signedOn: '2027-01-11' },
        party('procureur'),
      ),
    ).toMatchObject({ field: 'partyId' });
  });

  test('reopening drafting cancels the signatures', () => {
    const d = new Driver(conventionCreate(), '2026-12-01').send('SUBMIT_DRAFT', {});
    recruit(d);
    d.goTo('2027-01-11').send(
      'SIGN',
      { partyId: 'cd59', signerName: 'X', signerTitle: 'P', signedOn: '2027-01-11' },
      party('cd59'),
    );
    d.send('REOPEN_DRAFTING', { reason: 'changement-de-financement' });
    expect(d.phase).toBe('drafting');
    expect(d.context.signatures).toEqual({});
  });
});

describe('funding (art. 7, 9)', () => {
  test('the ledger has every salary month, moved to business days, and the yearly shares', () => {
    const d = activeConvention();
    const salaries = d.context.ledger.filter((i) => i.kind === 'salary');
    expect(salaries).toHaveLength(36);
    // 28 March 2027 is Easter Sunday and the 29th Easter Monday: due on Tuesday 30.
    expect(salaries[0]).toMatchObject({
      month: '2027-03',
      contractualDate: '2027-03-28',
      dueDate: '2027-03-30',
    });
    expect(d.context.ledger.filter((i) => i.kind === 'state-participation').map((i) => i.dueDate)).toEqual([
      '2027-06-01',
      '2028-06-01',
      '2029-06-01',
    ]);
    expect(d.context.ledger.filter((i) => i.kind === 'co-financing')).toHaveLength(6);
  });

  test('a payment day of 31 is the last day of February', () => {
    const d = new Driver(
      conventionCreate('f', { financing: { stateAnnualParticipationEur: 1, salaryPaymentDay: 31 } }),
      '2026-12-01',
    );
    d.send('SUBMIT_DRAFT', {});
    recruit(d);
    signAll(d, '2027-01-11');
    d.goTo('2027-03-01');
    expect(d.context.ledger.find((i) => i.month === '2028-02')).toMatchObject({
      contractualDate: '2028-02-29',
      dueDate: '2028-02-29',
    });
    expect(d.context.ledger.find((i) => i.month === '2029-02')).toMatchObject({
      contractualDate: '2029-02-28',
      dueDate: '2029-02-28',
    });
  });

  test('only the employer confirms salaries; a recorded non-payment suspends at once and payment resumes', () => {
    const d = activeConvention();
    expect(
      d.attempt('RECORD_PAYMENT', { itemId: 't1-salaire-2027-03', paidOn: '2027-03-01' }, party('cd59')),
    ).toMatchObject({
      code: 'forbidden',
    });
    d.send('RECORD_PAYMENT', { itemId: 't1-salaire-2027-03', paidOn: '2027-03-01' }, party('association'));
    expect(
      d.attempt('RECORD_NON_PAYMENT', { itemId: 't1-etat-annee-1', notedOn: '2027-03-01' }),
    ).toMatchObject({
      message: expect.stringContaining('un non-versement se constate à partir du mercredi 2 juin 2027'),
    });
    d.goTo('2027-06-10').takeEffects();
    d.send('RECORD_NON_PAYMENT', { itemId: 't1-etat-annee-1', notedOn: '2027-06-10' }, party('association'));
    expect(d.phase).toBe('suspended');
    expect(d.takeEffects()).toEqual([
      expect.objectContaining({ type: 'notify-parties', notice: 'suspended' }),
    ]);
    expect(d.context.term?.endDate).toBe('2030-02-28');
    expect(
      d.attempt('RECORD_PAYMENT', { itemId: 't1-etat-annee-1', paidOn: '2027-06-10' }, party('etat')),
    ).toMatchObject({
      field: 'amountEur',
    });
    d.goTo('2027-06-14');
    d.send(
      'RECORD_PAYMENT',
      { itemId: 't1-etat-annee-1', paidOn: '2027-06-14', amountEur: 10000 },
      party('etat'),
    );
    expect(d.phase).toBe('suspended');
    d.send(
      'RECORD_PAYMENT',
      { itemId: 't1-etat-annee-1', paidOn: '2027-06-14', amountEur: 10000 },
      party('etat'),
    );
    expect(d.phase).toBe('active');
    expect(d.context.suspensions).toEqual([
      expect.objectContaining({ from: '2027-06-10', to: '2027-06-14', itemIds: ['t1-etat-annee-1'] }),
    ]);
    expect(d.takeEffects()).toEqual([expect.objectContaining({ notice: 'resumed' })]);
    expect(conventionView(d.snapshot, d.now).ledger.find((l) => l.id === 't1-etat-annee-1')?.status).toBe(
      'paid',
    );
  });
});

describe('annual review (art. 2, 8)', () => {
  test('the report comes before the committee, whose review goes to the procureur', () => {
    const d = activeConvention();
    expect(d.attempt('RECORD_COMMITTEE_REVIEW', { termYear: 1, heldOn: '2027-03-01' })).toMatchObject({
      message: expect.stringContaining('bilan'),
    });
    expect(d.attempt('SCHEDULE_COMMITTEE', { termYear: 1, meetingDate: '2028-02-05' })).toMatchObject({
      field: 'meetingDate',
      message: expect.stringContaining('jour ouvré'),
    });
    d.send(
      'SCHEDULE_COMMITTEE',
      { termYear: 1, meetingDate: '2028-02-10', location: 'Préfecture' },
      party('etat'),
    );
    d.goTo('2028-01-20');
    d.send(
      'SUBMIT_ACTIVITY_REPORT',
      {
        termYear: 1,
        submittedOn: '2028-01-20',
        documentRef: 'BILAN-2027',
        statistics: { 'personnes-recues': 412 },
      },
      party('association'),
    );
    d.goTo('2028-02-10', 16).takeEffects();
    d.send(
      'RECORD_COMMITTEE_REVIEW',
      { termYear: 1, heldOn: '2028-02-10', recommendations: ['Un second bureau'] },
      party('etat'),
    );
    expect(d.takeEffects()).toEqual([{ type: 'send-review-to-procureur', term: 1, termYear: 1 }]);
  });

  test('statistics are numbers only: no free text can carry personal data', () => {
    const d = activeConvention();
    expect(
      d.attempt('SUBMIT_ACTIVITY_REPORT', {
        termYear: 1,
        submittedOn: '2027-03-01',
        documentRef: 'B',
        statistics: { cas: 'Mme X' },
      }),
    ).toMatchObject({ code: 'invalid', field: 'statistics.cas' });
  });
});

describe('renewal and termination (art. 9)', () => {
  test('an on-time denunciation ends the convention at expiry; a late one is refused with the deadline', () => {
    const d = activeConvention();
    d.goTo('2029-12-03');
    const late = d.attempt(
      'DENOUNCE',
      { partyId: 'cd59', letterSentOn: '2029-12-01', letterReference: '1A 234 567 8901 2' },
      party('cd59'),
    );
    expect(late).toMatchObject({
      code: 'refused',
      field: 'letterSentOn',
      message: expect.stringContaining('vendredi 30 novembre 2029'),
    });
    d.send(
      'DENOUNCE',
      { partyId: 'cd59', letterSentOn: '2029-11-30', letterReference: '1A 234 567 8901 2' },
      party('cd59'),
    );
    expect(
      d.attempt('RECORD_RENEWAL_DECISION', { decision: 'renew', decidedOn: '2029-12-01' }),
    ).toMatchObject({ code: 'refused' });
    d.goTo('2030-02-28', 23);
    expect(d.phase).toBe('renewal');
    d.goTo('2030-03-01', 0);
    // Nothing was ever paid here: the ended convention stays open until its lines are settled.
    expect(d.phase).toBe('settling');
    expect(d.context.termination).toMatchObject({ on: '2030-02-28', reason: 'denounced', closedOn: null });
  });

  test('without a decision the convention ends at expiry', () => {
    const d = activeConvention();
    d.goTo('2030-03-02');
    expect(d.context.termination).toMatchObject({ reason: 'no_renewal_decision' });
  });

  test('a renewal decided in concertation opens a new three-year term the day after expiry, with a new partner', () => {
    const d = activeConvention();
    expect(
      d.attempt('RECORD_RENEWAL_DECISION', { decision: 'renew', decidedOn: '2027-04-01' }),
    ).toMatchObject({
      message: expect.stringContaining('concertation'),
    });
    d.goTo('2029-08-28');
    expect(d.phase).toBe('renewal');
    const paidInFirstTerm = d.context.ledger.find((i) => i.kind === 'salary')!.id;
    d.send('RECORD_PAYMENT', { itemId: paidInFirstTerm, paidOn: '2027-04-01' });
    d.goTo('2029-10-01');
    d.send(
      'RECORD_RENEWAL_DECISION',
      {
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
      },
      party('etat'),
    );
    d.goTo('2030-03-01');
    expect(d.phase).toBe('active');
    expect(d.context.term).toMatchObject({ number: 2, startDate: '2030-03-01', endDate: '2033-02-28' });
    expect(d.context.data.parties['commune-roubaix']).toBeDefined();
    expect(d.context.ledger.filter((i) => i.payerPartyId === 'commune-roubaix')).toHaveLength(3);
    expect(d.context.pastTerms).toEqual([expect.objectContaining({ number: 1, outcome: 'renewed' })]);
    // The first term's settled lines and its review years stay with it in the convention's state;
    // the lines still owed follow into the new term, under their own term.
    const [first] = d.context.pastTerms;
    const followed = d.context.ledger.filter((i) => i.term === 1);
    expect((first?.ledger?.length ?? 0) + followed.length).toBe(36 + 3 * 3);
    expect(first?.ledger?.map((i) => i.id)).toEqual([paidInFirstTerm]);
    expect(followed.every((i) => !isSettled(i))).toBe(true);
    expect(first?.reviews?.map((y) => [y.term, y.termYear])).toEqual([
      [1, 1],
      [1, 2],
      [1, 3],
    ]);
  });

  test('drafts and recruitments can be abandoned by operators only', () => {
    const d = new Driver(conventionCreate(), '2026-12-01');
    expect(d.attempt('ABANDON', { reason: 'projet-remplace' }, party('etat'))).toMatchObject({
      code: 'forbidden',
    });
    d.send('ABANDON', { reason: 'projet-remplace' }, OPERATOR);
    expect(d.phase).toBe('terminated');
    expect(d.context.termination).toMatchObject({ reason: 'abandoned', detail: 'projet-remplace' });
  });
});

describe('vacancy during a term (art. 3)', () => {
  test('the post falls vacant, salaries stop being due, a new recruitment fills it', () => {
    const d = activeConvention();
    d.goTo('2027-09-01');
    d.send('DECLARE_VACANCY', { vacantFrom: '2027-10-01', reason: 'demission' }, party('association'));
    expect(conventionView(d.snapshot, d.now).flags.postVacant).toBe(true);
    expect(d.phase).toBe('active');
    expect(d.context.ledger.find((i) => i.month === '2027-10')?.waived).toBe('poste-vacant');
    d.takeEffects();
    recruit(d, 'CAND-2027-B');
    expect(d.takeEffects().map((e) => e.type)).toContain('inform-aniscg');
    expect(conventionView(d.snapshot, d.now).flags.postVacant).toBe(false);
    // Recruited on 1 September: every salary from then on is due again.
    expect(d.context.ledger.find((i) => i.month === '2027-10')?.waived).toBeNull();
  });
});

test('events unknown to the phase name the phase and what it accepts', () => {
  const d = new Driver(conventionCreate(), '2026-12-01');
  expect(d.attempt('SIGN', {})).toMatchObject({
    code: 'refused',
    phase: 'drafting',
    message: expect.stringContaining('AMEND, SUBMIT_DRAFT, ABANDON'),
  });
});
