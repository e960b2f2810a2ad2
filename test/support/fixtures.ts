import type { ConventionCreate, ConventionDataInput } from '../../domain/convention/schema';
import { conventionDataSchema, REMINDER_LADDERS } from '../../domain/convention/schema';

/** A complete convention as a préfecture would draft it: site in Lille, a commune co-financing. */
export function completeConventionData(
  overrides: Partial<ConventionDataInput> = {},
): ConventionCreate['data'] {
  const input: ConventionDataInput = {
    departement: '59',
    parties: {
      etat: {
        role: 'etat',
        organisation: 'Préfecture du Nord',
        representative: { title: 'Préfet du Nord', name: 'Représentant État' },
        contacts: [{ email: 'iscg@nord.gouv.example', label: 'Bureau de la prévention' }],
      },
      police: {
        role: 'police',
        organisation: 'Direction départementale de la police nationale du Nord',
        representative: { title: 'Directeur départemental de la police nationale' },
        contacts: [{ email: 'ddpn59@interieur.example' }],
      },
      cd59: {
        role: 'conseil-departemental',
        organisation: 'Département du Nord',
        representative: { title: 'Président du conseil départemental' },
        contacts: [{ email: 'action-sociale@lenord.example' }],
      },
      'commune-lille': {
        role: 'commune',
        organisation: 'Ville de Lille',
        representative: { title: 'Maire de Lille' },
        contacts: [{ email: 'prevention@lille.example' }],
      },
      association: {
        role: 'association',
        organisation: 'Association Accueil et Médiation',
        representative: { title: 'Directrice de l’association' },
        contacts: [{ email: 'direction@accueil-mediation.example' }],
      },
      procureur: {
        role: 'procureur',
        organisation: 'Parquet du tribunal judiciaire de Lille',
        representative: { title: 'Procureur de la République' },
        contacts: [{ email: 'parquet.lille@justice.example' }],
        signatory: true,
      },
    },
    site: { commissariat: 'commissariat central de Lille' },
    startDate: '2027-03-01',
    functionalAuthorities: [{ partyId: 'police', title: 'chef de service de police' }],
    hierarchicalAuthority: { partyId: 'association', title: 'directrice de l’association' },
    employerPartyId: 'association',
    financing: {
      stateAnnualParticipationEur: 20000,
      coFinancers: {
        cd59: { annualContributionEur: 15000 },
        'commune-lille': { annualContributionEur: 8000 },
      },
      salaryPaymentDay: 28,
    },
    followUpCommittee: [
      { seat: 'prefet', partyId: 'etat', title: 'Préfet ou son représentant' },
      {
        seat: 'president-conseil-departemental',
        partyId: 'cd59',
        title: 'Président du conseil départemental',
      },
      { seat: 'ddsp', partyId: 'police', title: 'Directeur départemental de la sécurité publique' },
      { seat: 'directeur', partyId: 'cd59', title: 'Directeur de l’action sociale du Département' },
    ],
    equipment: {
      dedicatedConfidentialOffice: true,
      phone: 'fixe-et-portable',
      computer: true,
      administrativeSupplies: true,
    },
    jobDescriptionRef: 'FP-ISCG-59-2027',
    ...overrides,
  };
  return conventionDataSchema.parse(input);
}

export function conventionCreate(
  slug = 'lille-centre',
  overrides: Partial<ConventionDataInput> = {},
): ConventionCreate {
  return { slug, data: completeConventionData(overrides) };
}

/**
 * Reminder settings for lives that leave their payments and reports unrecorded for years: each
 * overdue duty is chased once instead of every two weeks, so that the life stays about its terms.
 */
export function chasedOnce(): ConventionDataInput['reminders'] {
  const stillRepeated = new Set(['start', 'renewal-decision', 'denunciation-notice', 'expiry']);
  return Object.fromEntries(
    REMINDER_LADDERS.filter((ladder) => !stillRepeated.has(ladder)).map((ladder) => [
      ladder,
      { every: null },
    ]),
  );
}
