import { DEPARTEMENT_CODES, departement, type DepartementCode } from '../domain/calendar/departements';
import type { CivilDate } from '../domain/calendar/dates';
import { conventionDataSchema, type ConventionCreate } from '../domain/convention/schema';

/**
 * The départements a simulated fleet covers: metropolitan ones of every size, the three of
 * Alsace-Moselle (their own holidays), and one per overseas time zone (holidays and hours of
 * their own), so every calendar the product knows is lived.
 */
export function fleetDepartements(): DepartementCode[] {
  const metropolitan: DepartementCode[] = ['59', '75', '13', '69', '33', '35', '2A', '93'];
  const alsaceMoselle: DepartementCode[] = ['57', '67', '68'];
  const seenZones = new Set<string>();
  const overseas = DEPARTEMENT_CODES.filter((code) => {
    const d = departement(code);
    if (d.regime !== 'outre-mer' && d.regime !== 'pacifique') return false;
    if (seenZones.has(d.zone)) return false;
    seenZones.add(d.zone);
    return true;
  });
  return [...metropolitan, ...alsaceMoselle, ...overseas];
}

/** A label-safe slug piece from a département's name (no accents, no spaces). */
function plain(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * A complete convention of the template for one site of a département: the State, the police
 * (or, one site in three, the gendarmerie), the département and a commune co-financing, the
 * association employing the social worker, and the public prosecutor signing. Addresses are on
 * `example.org`'s reserved domain: nothing simulated can reach a real mailbox.
 */
export function simulatedConvention(
  code: DepartementCode,
  index: number,
  startDate: CivilDate,
): ConventionCreate {
  const name = departement(code).name;
  const place = plain(name);
  const domain = `${place}.example.org`;
  const gendarmerie = index % 3 === 2;
  const force = gendarmerie ? 'gendarmerie' : 'police';
  // The communes' shares and the pay days vary from site to site, so that reports have spread.
  const financing = {
    stateAnnualParticipationEur: 20000,
    coFinancers: {
      departement: { annualContributionEur: 15000 },
      commune: { annualContributionEur: 5000 + 500 * (index % 7) },
    },
    salaryPaymentDay: 25 + (index % 4),
  };
  const data = conventionDataSchema.parse({
    departement: code,
    parties: {
      etat: {
        role: 'etat',
        organisation: `Préfecture (${name})`,
        representative: { title: 'Préfet' },
        contacts: [{ email: `prevention@prefecture.${domain}` }],
      },
      [force]: {
        role: force,
        organisation: gendarmerie ? `Groupement de gendarmerie (${name})` : `Police nationale (${name})`,
        representative: { title: gendarmerie ? 'Commandant de groupement' : 'Directeur départemental' },
        contacts: [{ email: `${force}@${domain}` }],
      },
      departement: {
        role: 'conseil-departemental',
        organisation: `Conseil départemental (${name})`,
        representative: { title: 'Président du conseil départemental' },
        contacts: [{ email: `action-sociale@cd.${domain}` }],
      },
      commune: {
        role: 'commune',
        organisation: `Commune du site ${index + 1} (${name})`,
        representative: { title: 'Maire' },
        contacts: [{ email: `prevention@commune-${index + 1}.${domain}` }],
      },
      association: {
        role: 'association',
        organisation: `Association d’aide aux victimes (${name})`,
        representative: { title: 'Directrice' },
        contacts: [{ email: `direction@association.${domain}` }],
      },
      procureur: {
        role: 'procureur',
        organisation: `Parquet (${name})`,
        representative: { title: 'Procureur de la République' },
        contacts: [{ email: `parquet@justice.${domain}` }],
        signatory: true,
      },
    },
    site: gendarmerie
      ? { gendarmerieUnit: `brigade de gendarmerie du site ${index + 1}` }
      : { commissariat: `commissariat du site ${index + 1}` },
    startDate,
    functionalAuthorities: [
      { partyId: force, title: gendarmerie ? 'commandant de brigade' : 'chef de service' },
    ],
    hierarchicalAuthority: { partyId: 'association', title: 'directrice de l’association' },
    employerPartyId: 'association',
    financing,
    followUpCommittee: [
      { seat: 'prefet', partyId: 'etat', title: 'Préfet ou son représentant' },
      {
        seat: 'president-conseil-departemental',
        partyId: 'departement',
        title: 'Président du conseil départemental',
      },
      gendarmerie
        ? { seat: 'commandant-groupement', partyId: force, title: 'Commandant de groupement' }
        : { seat: 'ddsp', partyId: force, title: 'Directeur départemental' },
      { seat: 'directeur', partyId: 'departement', title: 'Directeur de l’action sociale' },
    ],
    equipment: {
      dedicatedConfidentialOffice: true,
      phone: 'fixe-et-portable',
      computer: true,
      administrativeSupplies: true,
    },
    jobDescriptionRef: `FP-ISCG-${code}-${index + 1}`,
    aniscgEmail: 'contact@aniscg.example.org',
  });
  return { slug: `simulation-${index + 1}`, data };
}
