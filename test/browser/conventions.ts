import { addDays, addMonths, localDate, type CivilDate } from '../../domain/calendar/dates';
import type { ConventionDataInput } from '../../domain/convention/schema';
import { completeConventionData } from '../support/fixtures';
import type { RunningStack } from '../support/stack';

/**
 * The conventions an operator finds in the UI: every phase, in the Nord (59) and at La Réunion
 * (974), dated from today so that deadlines fall before, within and beyond the next 30 days. Their
 * parties carry names, email addresses and candidate references, which the UI must never show
 * outside the workflow's input and state.
 */

export const PERSONAL = [
  'Hélène Marchetti',
  'helene.marchetti@reunion.gouv.example',
  'Jean-Marc Payet',
  'jm.payet@rms.example',
  'CAND-HOARAU-LAETITIA',
  'Laetitia Hoarau',
  'Olivier Grondin',
];

export const EMPLOYER_974 = 'Association Réunion Médiation Sociale';

export function today(code: '59' | '974'): CivilDate {
  return localDate(Date.now(), code);
}

/** La Réunion: a commissariat (Saint-Denis) or a gendarmerie company (Saint-Pierre). */
function reunionData(site: 'commissariat' | 'gendarmerie', startDate: CivilDate): ConventionDataInput {
  const security: NonNullable<ConventionDataInput['parties']> =
    site === 'commissariat'
      ? {
          police: {
            role: 'police' as const,
            organisation: 'Direction interdépartementale de la police nationale de La Réunion',
            representative: { title: 'Directeur interdépartemental' },
            contacts: [{ email: 'dipn974@interieur.example' }],
          },
        }
      : {
          gendarmerie: {
            role: 'gendarmerie' as const,
            organisation: 'Gendarmerie de La Réunion',
            representative: { title: 'Commandant de la gendarmerie de La Réunion' },
            contacts: [{ email: 'comgend974@gendarmerie.example' }],
          },
        };
  const securityParty = site === 'commissariat' ? 'police' : 'gendarmerie';
  return {
    departement: '974',
    parties: {
      etat: {
        role: 'etat',
        organisation: 'Préfecture de La Réunion',
        representative: { title: 'Préfet de La Réunion', name: PERSONAL[0] },
        contacts: [{ email: PERSONAL[1]!, label: 'Cabinet du préfet' }],
      },
      ...security,
      cd974: {
        role: 'conseil-departemental',
        organisation: 'Département de La Réunion',
        representative: { title: 'Présidente du conseil départemental' },
        contacts: [{ email: 'solidarites@cg974.example' }],
      },
      association: {
        role: 'association',
        organisation: EMPLOYER_974,
        representative: { title: 'Directeur de l’association', name: PERSONAL[2] },
        contacts: [{ email: PERSONAL[3]! }],
      },
      procureur: {
        role: 'procureur',
        organisation: 'Parquet du tribunal judiciaire de Saint-Denis',
        representative: { title: 'Procureur de la République' },
        contacts: [{ email: 'parquet.saint-denis@justice.example' }],
      },
    },
    site:
      site === 'commissariat'
        ? { commissariat: 'commissariat de Saint-Denis' }
        : { gendarmerieUnit: 'compagnie de gendarmerie de Saint-Pierre' },
    startDate,
    functionalAuthorities: [{ partyId: securityParty, title: 'chef de l’unité d’accueil' }],
    hierarchicalAuthority: { partyId: 'association', title: 'direction de l’association' },
    employerPartyId: 'association',
    financing: {
      stateAnnualParticipationEur: 20000,
      coFinancers: { cd974: { annualContributionEur: 18000 } },
      salaryPaymentDay: 25,
    },
    followUpCommittee: [
      { seat: 'prefet', partyId: 'etat', title: 'Préfet ou son représentant' },
      { seat: 'president-conseil-departemental', partyId: 'cd974', title: 'Présidente du Département' },
      site === 'commissariat'
        ? { seat: 'ddsp', partyId: 'police', title: 'Directeur de la sécurité publique' }
        : { seat: 'commandant-groupement', partyId: 'gendarmerie', title: 'Commandant de la gendarmerie' },
      { seat: 'directeur', partyId: 'cd974', title: 'Directeur de l’action sociale' },
    ],
    equipment: {
      dedicatedConfidentialOffice: true,
      phone: 'fixe-et-portable',
      computer: true,
      administrativeSupplies: true,
    },
    jobDescriptionRef: 'FP-ISCG-974',
  };
}

/** Le Port: a commissariat, the commune employs the social worker. */
function lePortData(startDate: CivilDate): ConventionDataInput {
  const data = reunionData('commissariat', startDate);
  data.parties = {
    ...data.parties,
    'commune-le-port': {
      role: 'commune',
      organisation: 'Ville du Port',
      representative: { title: 'Maire du Port' },
      contacts: [{ email: 'prevention@ville-port.example' }],
    },
  };
  return {
    ...data,
    site: { commissariat: 'commissariat du Port' },
    employerPartyId: 'commune-le-port',
    hierarchicalAuthority: { partyId: 'commune-le-port', title: 'direction de la prévention' },
  };
}

export interface Expected {
  id: string;
  phase: string;
}

/** Creates the conventions through the API, as external systems would, and says what each became. */
export async function createConventions(stack: RunningStack): Promise<Record<string, Expected>> {
  const created: Record<string, Expected> = {};
  const t59 = today('59');
  const t974 = today('974');

  const create = async (key: string, slug: string, data: ConventionDataInput, phase: string) => {
    const body = await stack.apiOk('POST', '/conventions', { slug, data });
    created[key] = { id: body.conventionId as string, phase };
    return body.conventionId as string;
  };
  const send = (id: string, route: string, payload: unknown) =>
    stack.apiOk('POST', `/conventions/${id}/events/${route}`, payload);
  const recruit = async (id: string, hierarchical: string, functional: string) => {
    await send(id, 'submit-draft', {});
    await send(id, 'compose-selection-committee', {
      members: [
        { partyId: hierarchical, authority: 'hierarchique', title: 'direction' },
        { partyId: functional, authority: 'fonctionnelle', title: 'chef de service' },
      ],
    });
    await send(id, 'record-applications', { count: 2, references: [PERSONAL[4], 'CAND-2'] });
    await send(id, 'record-recruitment-decision', { outcome: 'selected', candidateRef: PERSONAL[4] });
  };
  const sign = async (id: string, partyIds: string[], signedOn: CivilDate) => {
    for (const partyId of partyIds)
      await send(id, 'sign', { partyId, signerName: PERSONAL[6], signerTitle: 'Représentant', signedOn });
  };
  const suspend = async (id: string, notedOn: CivilDate) => {
    const state = await stack.apiOk('GET', `/conventions/${id}`);
    const item = state.ledger.find((l: { status: string }) => l.status === 'late' || l.status === 'due');
    await send(id, 'record-non-payment', { itemId: item.id, notedOn });
  };
  const parties59 = ['association', 'cd59', 'commune-lille', 'etat', 'police', 'procureur'];
  // The procureur of these conventions is not associated to the signature.
  const parties974 = (security: string) => ['association', 'cd974', 'etat', security];

  // Nord (59)
  const tourcoing = completeConventionData({
    site: { commissariat: 'commissariat de Tourcoing' },
    startDate: addMonths(t59, 4),
  });
  delete tourcoing.equipment;
  await create('drafting59', 'tourcoing', tourcoing, 'drafting');

  const roubaix = await create(
    'recruitment59',
    'roubaix',
    completeConventionData({
      site: { commissariat: 'commissariat de Roubaix' },
      startDate: addMonths(t59, 3),
    }),
    'recruitment',
  );
  await send(roubaix, 'submit-draft', {});

  const valenciennes = await create(
    'signature59',
    'valenciennes',
    completeConventionData({
      site: { commissariat: 'commissariat de Valenciennes' },
      startDate: addDays(t59, 75),
    }),
    'signature',
  );
  await recruit(valenciennes, 'association', 'police');

  const lille = await create(
    'active59',
    'lille-centre',
    completeConventionData({ startDate: addMonths(t59, -4) }),
    'active',
  );
  await recruit(lille, 'association', 'police');
  await sign(lille, parties59, t59);
  // The year's report and its review: the review goes to the procureur (art. 8).
  await send(lille, 'submit-activity-report', {
    termYear: 1,
    submittedOn: t59,
    documentRef: 'BILAN-2026',
    statistics: { 'personnes-recues': 214, orientations: 87 },
  });
  await send(lille, 'record-committee-review', { termYear: 1, heldOn: t59 });

  const douai = await create(
    'suspended59',
    'douai',
    completeConventionData({
      site: { commissariat: 'commissariat de Douai' },
      startDate: addMonths(t59, -4),
    }),
    'suspended',
  );
  await recruit(douai, 'association', 'police');
  await sign(douai, parties59, t59);
  await suspend(douai, t59);

  // Signed today, in force for 40 months: its term is over and nothing was paid, so it settles.
  const cambrai = await create(
    'settling59',
    'cambrai',
    completeConventionData({
      site: { commissariat: 'commissariat de Cambrai' },
      startDate: addMonths(t59, -40),
    }),
    'settling',
  );
  await recruit(cambrai, 'association', 'police');
  await sign(cambrai, parties59, t59);

  // La Réunion (974)
  const saintPierre = await create(
    'signature974',
    'saint-pierre',
    reunionData('gendarmerie', addDays(t974, 20)),
    'signature',
  );
  await recruit(saintPierre, 'association', 'gendarmerie');
  await sign(saintPierre, ['etat', 'association'], t974);

  const saintDenis = await create(
    'suspended974',
    'saint-denis',
    reunionData('commissariat', addMonths(t974, -4)),
    'suspended',
  );
  await recruit(saintDenis, 'association', 'police');
  await sign(saintDenis, parties974('police'), t974);
  await suspend(saintDenis, t974);

  const lePort = await create('renewal974', 'le-port', lePortData(addMonths(t974, -32)), 'renewal');
  await recruit(lePort, 'commune-le-port', 'police');
  await sign(lePort, [...parties974('police'), 'commune-le-port'], t974);

  return created;
}
