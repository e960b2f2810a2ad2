import { conventionCreate } from '../../support/fixtures';
import { Driver, party } from '../../support/driver';
import { conventionView } from '../../../domain/lifecycle/view';
import type { ConventionDataInput } from '../../../domain/convention/schema';
import {
  currentDetails,
  searchAttributeValues,
  staticDetails,
  staticSummary,
} from '../../../domain/presentation';
import type { ConventionState } from '../../../domain/temporal-contract';
import { scheduleWithReminders } from '../../../domain/reminders/schedule';

/**
 * Search attributes, summaries and current details are stored in clear by Temporal and shown to
 * every operator (art. 4). A convention is filled with personal data wherever a user can type it,
 * lived through every phase, and everything shown at each step is scanned for it.
 */

/** Everything personal this convention carries; none of it may be shown. */
const PERSONAL = {
  representativeNames: ['Hélène Marchetti', 'Yannick Le Goff', 'Fatou Diallo'],
  emails: [
    'helene.marchetti@nord.gouv.example',
    'yannick.legoff@lenord.example',
    'f.diallo@accueil-mediation.example',
    'aniscg.contact.personnel@aniscg.example',
  ],
  contactLabels: ['Mme Brigitte Caron'],
  authorityTitles: ['Commandant Olivier Ferrand'],
  candidateReferences: ['CAND-DUPUIS-ELODIE', 'CAND-MOREL-KARIM', 'CAND-NGUYEN-LINH'],
  signerNames: ['Géraldine Vasseur', 'Thibault Renaud'],
  signerTitles: ['Adjoint Bernard Lacroix'],
  eSignatureReferences: ['DOCUSIGN-VASSEUR-8812'],
  freeText: [
    'retard dû à Mme Solène Aubert',
    'démission de Mme Elodie Dupuis',
    'bureau de M. Patrice Leroy',
    'recrutement de Mme Dupuis à saluer',
    'PV-LEROY-2028',
    'BILAN-AUBERT-2027',
    'LRAR-1A-GIRAUD-2029',
  ],
  deliveryFailure: ['<yannick.legoff@lenord.example>: Recipient address rejected'],
};
const personalStrings = Object.values(PERSONAL).flat();

function personalData(): Partial<ConventionDataInput> {
  const base = conventionCreate().data;
  const parties = structuredClone(base.parties);
  parties.etat!.representative.name = PERSONAL.representativeNames[0];
  parties.etat!.contacts = [{ email: PERSONAL.emails[0]!, label: PERSONAL.contactLabels[0] }];
  parties.cd59!.representative.name = PERSONAL.representativeNames[1];
  parties.cd59!.contacts = [{ email: PERSONAL.emails[1]! }];
  parties.association!.representative.name = PERSONAL.representativeNames[2];
  parties.association!.contacts = [{ email: PERSONAL.emails[2]! }];
  return {
    parties,
    aniscgEmail: PERSONAL.emails[3],
    functionalAuthorities: [{ partyId: 'police', title: PERSONAL.authorityTitles[0]! }],
  };
}

function stateOf(d: Driver): ConventionState {
  return {
    ...conventionView(d.snapshot, d.now),
    schedule: scheduleWithReminders(conventionView(d.snapshot, d.now), d.snapshot, d.now, {}),
    deliveryFailures: [
      {
        messageId: 'm1',
        kind: 'reminder',
        at: d.now,
        recipients: ['cd59'],
        reason: PERSONAL.deliveryFailure[0]!,
      },
    ],
    webhooks: [],
    changeSequence: 0,
    sentMessages: 0,
    run: { number: 1, historyLength: 1 },
    documents: [],
  };
}

/** Every string an operator can read about the convention in this state. */
function shown(state: ConventionState): string[] {
  return [
    JSON.stringify(searchAttributeValues(state)),
    staticSummary(state),
    staticDetails(state, '2026-12-01'),
    currentDetails(state),
  ];
}

const EMAIL = /[^\s<>()]+@[^\s<>()]+\.[a-z]{2,}/i;

/** A whole life, as its steps: name, then what the workflow would publish in that state. */
function life(): [string, ConventionState][] {
  const steps: [string, ConventionState][] = [];
  const create = conventionCreate('lille-centre', personalData());
  const snap = (name: string, d: Driver) => steps.push([name, stateOf(d)]);

  const d = new Driver({ ...create, data: { ...create.data, equipment: undefined } }, '2026-12-01');
  snap('drafting with blanks', d);
  d.send('AMEND', { patch: { equipment: create.data.equipment } });
  d.send('SUBMIT_DRAFT', {});
  d.send('COMPOSE_SELECTION_COMMITTEE', {
    members: [
      { partyId: 'association', authority: 'hierarchique', title: PERSONAL.signerTitles[0] },
      { partyId: 'police', authority: 'fonctionnelle', title: PERSONAL.authorityTitles[0] },
    ],
  });
  d.send('RECORD_APPLICATIONS', { count: 3, references: PERSONAL.candidateReferences });
  snap('recruitment', d);
  d.send('RECORD_RECRUITMENT_DECISION', {
    outcome: 'selected',
    candidateRef: PERSONAL.candidateReferences[0],
  });
  d.goTo('2027-01-11');
  d.send(
    'SIGN',
    {
      partyId: 'etat',
      signerName: PERSONAL.signerNames[0],
      signerTitle: PERSONAL.signerTitles[0],
      signedOn: '2027-01-11',
      eSignatureRef: PERSONAL.eSignatureReferences[0],
    },
    party('etat'),
  );
  snap('signature', d);
  for (const partyId of ['association', 'cd59', 'commune-lille', 'police', 'procureur'])
    d.send(
      'SIGN',
      {
        partyId,
        signerName: PERSONAL.signerNames[1],
        signerTitle: PERSONAL.signerTitles[0],
        signedOn: '2027-01-11',
      },
      party(partyId),
    );
  snap('awaiting start', d);
  d.goTo('2027-06-10');
  snap('active, payments late', d);
  d.send(
    'RECORD_NON_PAYMENT',
    { itemId: 't1-etat-annee-1', notedOn: '2027-06-10', reason: 'credits-non-votes' },
    party('association'),
  );
  snap('suspended', d);
  d.goTo('2027-06-11');
  d.send('RECORD_PAYMENT', {
    itemId: 't1-etat-annee-1',
    paidOn: '2027-06-11',
    amountEur: 20000,
    reference: PERSONAL.freeText[6],
  });
  d.goTo('2027-09-01');
  d.send('DECLARE_VACANCY', { vacantFrom: '2027-10-01', reason: 'demission' }, party('association'));
  snap('post vacant', d);
  d.send('COMPOSE_SELECTION_COMMITTEE', {
    members: [
      { partyId: 'association', authority: 'hierarchique', title: PERSONAL.signerTitles[0] },
      { partyId: 'police', authority: 'fonctionnelle', title: PERSONAL.authorityTitles[0] },
    ],
  });
  d.send('RECORD_APPLICATIONS', { count: 1, references: [PERSONAL.candidateReferences[1]] });
  d.send('RECORD_RECRUITMENT_DECISION', {
    outcome: 'selected',
    candidateRef: PERSONAL.candidateReferences[1],
  });
  d.send(
    'SCHEDULE_COMMITTEE',
    { termYear: 1, meetingDate: '2028-02-10', location: PERSONAL.freeText[2] },
    party('etat'),
  );
  d.goTo('2028-01-20');
  d.send(
    'SUBMIT_ACTIVITY_REPORT',
    {
      termYear: 1,
      submittedOn: '2028-01-20',
      documentRef: PERSONAL.freeText[5],
      statistics: { entretiens: 412 },
    },
    party('association'),
  );
  snap('committee convened', d);
  d.goTo('2028-02-10', 16);
  d.send(
    'RECORD_COMMITTEE_REVIEW',
    {
      termYear: 1,
      heldOn: '2028-02-10',
      recommendations: [PERSONAL.freeText[3]],
      minutesRef: PERSONAL.freeText[4],
    },
    party('etat'),
  );
  d.goTo('2029-09-01');
  snap('renewal concertation', d);
  d.send(
    'DENOUNCE',
    { partyId: 'cd59', letterSentOn: '2029-09-01', letterReference: PERSONAL.freeText[6] },
    party('cd59'),
  );
  snap('denounced', d);
  d.goTo('2030-03-02');
  snap('terminated', d);

  const other = new Driver(create, '2026-12-01');
  other.send('SUBMIT_DRAFT', {});
  other.send('COMPOSE_SELECTION_COMMITTEE', {
    members: [
      { partyId: 'association', authority: 'hierarchique', title: 'directrice' },
      { partyId: 'police', authority: 'fonctionnelle', title: 'chef de service' },
    ],
  });
  other.send('RECORD_APPLICATIONS', { count: 1, references: [PERSONAL.candidateReferences[2]] });
  other.send('RECORD_RECRUITMENT_DECISION', {
    outcome: 'selected',
    candidateRef: PERSONAL.candidateReferences[2],
  });
  other.send('REOPEN_DRAFTING', { reason: 'changement-de-partie' });
  snap('back to drafting', other);
  other.send('ABANDON', { reason: 'recrutement-infructueux' });
  snap('abandoned', other);
  return steps;
}

const steps = life();

test('the life reaches every phase, and the personal data is really in the state', () => {
  const reached = 'drafting recruitment signature awaiting_start active suspended renewal terminated';
  expect(steps.map(([, state]) => state.phase)).toEqual(expect.arrayContaining(reached.split(' ')));
  const everything = JSON.stringify(steps.map(([, state]) => state));
  for (const value of personalStrings.filter((s) => !PERSONAL.freeText.includes(s)))
    expect(everything).toContain(value);
});

describe.each(steps.map(([name, state]) => [name, shown(state)] as const))('%s', (_name, texts) => {
  test('names no person, no email address, no reference, no free text', () => {
    for (const text of texts) {
      for (const value of personalStrings) expect(text).not.toContain(value);
      for (const word of [
        'Marchetti',
        'Goff',
        'Diallo',
        'Dupuis',
        'Morel',
        'Nguyen',
        'Vasseur',
        'Renaud',
        'Lacroix',
        'Aubert',
        'Leroy',
        'Giraud',
        'Ferrand',
        'Caron',
      ])
        expect(text).not.toContain(word);
      expect(text).not.toMatch(EMAIL);
    }
  });
});

test('what is shown still says what the convention is, who must act and by when', () => {
  const [, state] = steps.find(([name]) => name === 'suspended')!;
  const details = currentDetails(state);
  expect(details).toContain('Suspendue');
  expect(details).toContain('suspendue depuis le jeudi 10 juin 2027');
  expect(details).toContain('Participation annuelle de l’État, année 1');
  expect(details).toContain('Préfecture du Nord');
  expect(searchAttributeValues(state)).toMatchObject({
    phase: 'suspended',
    departement: '59',
    site: 'commissariat central de Lille',
    employer: 'Association Accueil et Médiation',
    suspended: true,
  });
  expect(staticSummary(state)).toBe('Convention ISCG — commissariat central de Lille — Nord (59)');

  const [, signing] = steps.find(([name]) => name === 'signature')!;
  expect(searchAttributeValues(signing).nextActor).toEqual([
    'Association Accueil et Médiation',
    'Département du Nord',
    'Ville de Lille',
    'Direction départementale de la police nationale du Nord',
    'Parquet du tribunal judiciaire de Lille',
  ]);
  expect(currentDetails(signing)).toContain('5 signature(s) attendue(s) sur 6');
});
