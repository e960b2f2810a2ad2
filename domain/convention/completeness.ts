import {
  addMonths,
  addYears,
  compareDates,
  formatFrenchDate,
  termEndDate,
  type CivilDate,
} from '../calendar/dates';
import { EMPLOYER_ROLES, type ConventionData, type Party, type PartyRole } from './schema';

/** A blank of the template still to fill, or an inconsistency between blanks. */
export interface MissingBlank {
  field: string;
  article: string;
  message: string;
}

export type CompleteConventionData = ConventionData &
  Required<
    Pick<
      ConventionData,
      | 'site'
      | 'startDate'
      | 'functionalAuthorities'
      | 'hierarchicalAuthority'
      | 'employerPartyId'
      | 'financing'
      | 'followUpCommittee'
      | 'equipment'
      | 'jobDescriptionRef'
    >
  >;

function partiesWithRole(data: ConventionData, role: PartyRole): [string, Party][] {
  return Object.entries(data.parties).filter(([, party]) => party.role === role);
}

/**
 * Art. 7 and 9: the yearly shares fall due `contributionDueMonths` after the start of each year of
 * the term, and every line of a term falls due within it. The third year's share is the last: the
 * dates that break the rule for a term starting on `start`, or null.
 */
export function yearlyShareAfterTerm(
  start: CivilDate,
  contributionDueMonths: number,
): { due: CivilDate; end: CivilDate } | null {
  const end = termEndDate(start);
  const due = addMonths(addYears(start, 2), contributionDueMonths);
  return compareDates(due, end) > 0 ? { due, end } : null;
}

export function yearlyShareMessage(late: { due: CivilDate; end: CivilDate }, months: number): string {
  return `les participations annuelles tombant ${months} mois après le début de chaque année, celle de la troisième année tomberait le ${formatFrenchDate(late.due)}, après la fin de la convention le ${formatFrenchDate(late.end)}: chaque échéance tombe dans la période (11 mois au plus)`;
}

/** Lists every blank that keeps a draft from leaving drafting, each with its article. */
export function missingBlanks(data: ConventionData): MissingBlank[] {
  const missing: MissingBlank[] = [];
  const need = (field: string, article: string, message: string) => missing.push({ field, article, message });
  const parties = data.parties;
  const count = (role: PartyRole) => partiesWithRole(data, role).length;

  if (count('etat') !== 1)
    need('parties', 'Parties', "l'État, représenté par le préfet, doit figurer une fois");
  if (count('police') + count('gendarmerie') === 0)
    need(
      'parties',
      'Parties',
      'la police nationale et/ou la gendarmerie nationale doit figurer parmi les parties',
    );
  for (const role of ['police', 'gendarmerie', 'conseil-departemental', 'epci', 'association'] as const)
    if (count(role) > 1)
      need('parties', 'Parties', `une seule partie de rôle "${role}" est prévue par le modèle`);
  if (count('conseil-departemental') + count('epci') + count('commune') === 0)
    need(
      'parties',
      'Parties',
      'le conseil départemental, un EPCI ou au moins une commune doit figurer parmi les parties',
    );
  if (count('procureur') !== 1)
    need(
      'parties',
      'Art. 8',
      'le procureur de la République doit être renseigné (associé à la signature ou non): il reçoit le bilan',
    );
  for (const [id, party] of Object.entries(parties)) {
    if (party.contacts.length === 0)
      need(`parties.${id}.contacts`, 'Parties', `${party.organisation}: au moins une adresse de contact`);
    if (party.signatory !== undefined && party.role !== 'procureur')
      need(`parties.${id}.signatory`, 'Parties', 'seul le procureur peut ne pas être signataire');
  }

  if (!data.site || (!data.site.commissariat && !data.site.gendarmerieUnit)) {
    need('site', 'Art. 1', 'le commissariat et/ou l’unité de gendarmerie qui accueille le poste');
  } else {
    if (data.site.commissariat && count('police') === 0)
      need('parties', 'Art. 1', 'un commissariat est indiqué: la police nationale doit être partie');
    if (data.site.gendarmerieUnit && count('gendarmerie') === 0)
      need(
        'parties',
        'Art. 1',
        'une unité de gendarmerie est indiquée: la gendarmerie nationale doit être partie',
      );
  }

  if (!data.startDate) need('startDate', 'Art. 1', 'la date de création du poste ("à compter du")');
  else if (data.endDate && data.endDate !== termEndDate(data.startDate))
    need(
      'endDate',
      'Art. 9',
      `la convention est conclue pour trois ans: fin attendue le ${termEndDate(data.startDate)}`,
    );

  const functional = data.functionalAuthorities ?? [];
  if (functional.length === 0)
    need(
      'functionalAuthorities',
      'Art. 3',
      'l’autorité fonctionnelle (chef de service de police et/ou commandant d’unité)',
    );
  functional.forEach((authority, i) => {
    const role = parties[authority.partyId]?.role;
    if (role !== 'police' && role !== 'gendarmerie')
      need(
        `functionalAuthorities.${i}.partyId`,
        'Art. 3',
        'l’autorité fonctionnelle relève de la police ou de la gendarmerie',
      );
  });
  if (data.site?.commissariat && !functional.some((a) => parties[a.partyId]?.role === 'police'))
    need('functionalAuthorities', 'Art. 3', 'le chef de service de police doit être autorité fonctionnelle');
  if (data.site?.gendarmerieUnit && !functional.some((a) => parties[a.partyId]?.role === 'gendarmerie'))
    need(
      'functionalAuthorities',
      'Art. 3',
      'le commandant d’unité de gendarmerie doit être autorité fonctionnelle',
    );

  if (!data.hierarchicalAuthority) need('hierarchicalAuthority', 'Art. 3', 'l’autorité hiérarchique');
  else if (!parties[data.hierarchicalAuthority.partyId])
    need('hierarchicalAuthority.partyId', 'Art. 3', 'l’autorité hiérarchique doit être une partie');

  if (!data.employerPartyId) need('employerPartyId', 'Art. 7', 'l’employeur de l’intervenant social');
  else {
    const employer = parties[data.employerPartyId];
    if (!employer) need('employerPartyId', 'Art. 7', 'l’employeur doit être une partie');
    else if (!EMPLOYER_ROLES.includes(employer.role))
      need('employerPartyId', 'Art. 7', `une partie de rôle "${employer.role}" ne peut pas être l’employeur`);
  }

  if (!data.financing)
    need('financing', 'Art. 7', 'la participation de l’État, les cofinancements et le jour de paie');
  else if (data.startDate) {
    const months = data.financing.contributionDueMonths;
    const late = yearlyShareAfterTerm(data.startDate, months);
    if (late) need('financing.contributionDueMonths', 'Art. 7 et 9', yearlyShareMessage(late, months));
  }
  if (data.financing)
    for (const id of Object.keys(data.financing.coFinancers)) {
      const role = parties[id]?.role;
      if (!role) need(`financing.coFinancers.${id}`, 'Art. 7', 'un cofinanceur doit être une partie');
      else if (role === 'etat' || role === 'procureur')
        need(
          `financing.coFinancers.${id}`,
          'Art. 7',
          `une partie de rôle "${role}" n’est pas un cofinanceur`,
        );
    }

  const committee = data.followUpCommittee ?? [];
  const seatFilled = (seat: string) => committee.some((m) => m.seat === seat);
  if (!seatFilled('prefet')) need('followUpCommittee', 'Art. 8', 'le préfet ou son représentant');
  if (count('conseil-departemental') > 0 && !seatFilled('president-conseil-departemental'))
    need('followUpCommittee', 'Art. 8', 'le président du conseil départemental ou son représentant');
  if (count('police') > 0 && !seatFilled('ddsp'))
    need(
      'followUpCommittee',
      'Art. 8',
      'le directeur départemental de la sécurité publique ou son représentant',
    );
  if (count('gendarmerie') > 0 && !seatFilled('commandant-groupement'))
    need('followUpCommittee', 'Art. 8', 'le commandant du groupement de gendarmerie ou son représentant');
  if (!seatFilled('directeur'))
    need('followUpCommittee', 'Art. 8', 'le directeur représentant le Département ou une autre structure');
  committee.forEach((member, i) => {
    if (!parties[member.partyId])
      need(`followUpCommittee.${i}.partyId`, 'Art. 8', 'un membre du comité de suivi représente une partie');
  });

  if (!data.equipment) need('equipment', 'Art. 6', 'les moyens matériels fournis par le service d’accueil');
  else {
    if (!data.equipment.dedicatedConfidentialOffice)
      need(
        'equipment.dedicatedConfidentialOffice',
        'Art. 6',
        'un bureau dédié garantissant la confidentialité est dû',
      );
    if (!data.equipment.computer) need('equipment.computer', 'Art. 6', 'un ordinateur est dû');
    if (!data.equipment.administrativeSupplies)
      need('equipment.administrativeSupplies', 'Art. 6', 'le matériel administratif nécessaire est dû');
  }

  if (!data.jobDescriptionRef) need('jobDescriptionRef', 'Art. 3', 'la fiche de poste annexée');
  return missing;
}

/** Parties that sign: all but a procureur who is not associated. */
export function signatoryPartyIds(data: ConventionData): string[] {
  return Object.entries(data.parties)
    .filter(([, party]) => party.role !== 'procureur' || party.signatory === true)
    .map(([id]) => id)
    .sort();
}

export function partyIdsWithRole(parties: ConventionData['parties'], role: PartyRole): string[] {
  return Object.entries(parties)
    .filter(([, party]) => party.role === role)
    .map(([id]) => id);
}
