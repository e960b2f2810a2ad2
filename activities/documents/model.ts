import { departement } from '../../domain/calendar/departements';
import { noticeDeadline } from '../../domain/calendar/dates';
import { signatoryPartyIds } from '../../domain/convention/completeness';
import type { ConventionData, Party, PartyRole } from '../../domain/convention/schema';
import type { ConventionDocumentSource, ReportDocumentSource } from '../../domain/documents/sources';
import {
  dayOfMonth,
  escapeMarkdown as md,
  euros,
  frenchList,
  integer,
  legalDate,
  ofPlace,
  representative,
  thePlace,
  upperFirst,
} from './typography';

/**
 * The values the templates' blanks are filled with, built from a document's source. Every string
 * is escaped for Markdown here, so a value can never become formatting in the template.
 */

/** A blank of a draft that the data does not fill yet. */
export const BLANK = '………';

export interface PartyPhrase {
  label: string;
  represented: string;
}

export interface ConventionFrontMatter {
  title: string;
  footer: string;
  draftNotice: string;
  parties: Record<PartyRole, PartyPhrase>;
  preambles: Partial<Record<PartyRole, string>>;
  phones: Record<string, string>;
  signatures: { heading: string; intro: string; for: string; date: string; signature: string };
  annex: { heading: string; jobDescription: string };
}

const BETWEEN_ROLES: PartyRole[] = ['etat', 'police', 'gendarmerie'];
const AND_ROLES: PartyRole[] = ['conseil-departemental', 'epci', 'commune', 'association', 'autre'];

function partiesWithRole(data: ConventionData, role: PartyRole): [string, Party][] {
  return Object.entries(data.parties)
    .filter(([, party]) => party.role === role)
    .sort(([a], [b]) => a.localeCompare(b));
}

/** "L’État (Préfecture du Nord), représenté par le préfet du Nord". */
export function partyLine(front: ConventionFrontMatter, party: Party, startsSentence = true): string {
  const phrase = front.parties[party.role];
  const who = representative(party.representative.title, party.representative.name);
  const label = startsSentence ? upperFirst(phrase.label) : phrase.label;
  return `${label} (${party.organisation}), ${phrase.represented} ${who}`;
}

function lines(front: ConventionFrontMatter, data: ConventionData, roles: PartyRole[]): string[] {
  const all = roles.flatMap((role) => partiesWithRole(data, role).map(([, p]) => md(partyLine(front, p))));
  return all.map((line, i) => `${line}${i === all.length - 1 ? ',' : ' ;'}`);
}

function organisationOf(data: ConventionData, partyId: string | undefined): string {
  const party = partyId ? data.parties[partyId] : undefined;
  return party ? party.organisation : BLANK;
}

/** The site phrases: "du commissariat de Lille et de la brigade de Seclin", and its services as a subject. */
function sitePhrases(data: ConventionData) {
  const places = [data.site?.commissariat, data.site?.gendarmerieUnit].filter((p): p is string => !!p);
  const plural = places.length > 1;
  return {
    within: places.length ? md(frenchList(places.map(ofPlace))) : BLANK,
    ofPremises: places.length ? md(frenchList(places.map(ofPlace))) : BLANK,
    services: places.length ? md(frenchList(places.map(thePlace))) : `le service d’accueil ${BLANK}`,
    areCalled: plural
      ? 'sont appelés'
      : thePlace(places[0] ?? '').startsWith('la ')
        ? 'est appelée'
        : 'est appelé',
    plural: plural ? 'nt' : '',
  };
}

function authorityPhrase(data: ConventionData, partyId: string, title: string): string {
  return `${representative(title).replace(/^(le|la|l’) /, (a) => (a === 'le ' ? 'du ' : a === 'la ' ? 'de la ' : 'de l’'))} (${organisationOf(data, partyId)})`;
}

function defaultPreamble(front: ConventionFrontMatter, data: ConventionData): string {
  const role = data.hierarchicalAuthority
    ? data.parties[data.hierarchicalAuthority.partyId]?.role
    : undefined;
  return (role && front.preambles[role]) || front.preambles['conseil-departemental'] || BLANK;
}

export function conventionModel(front: ConventionFrontMatter, source: ConventionDocumentSource) {
  const data = source.data;
  const code = data.departement;
  const site = sitePhrases(data);
  const procureurs = partiesWithRole(data, 'procureur');
  const procureur = procureurs[0]?.[1];
  const financing = data.financing;
  const term = source.term;
  const functional = (data.functionalAuthorities ?? []).map((a) => authorityPhrase(data, a.partyId, a.title));
  const hierarchical = data.hierarchicalAuthority
    ? authorityPhrase(data, data.hierarchicalAuthority.partyId, data.hierarchicalAuthority.title)
    : BLANK;
  const equipment = data.equipment;
  const committee = data.followUpCommittee ?? [];
  const policeOnly = !data.site?.gendarmerieUnit;
  const gendarmerieOnly = !data.site?.commissariat && !!data.site?.gendarmerieUnit;
  return {
    title: front.title,
    draft: source.version === null && !source.inForceWithoutVersion,
    draftNotice: front.draftNotice,
    version: source.version,
    departement: md(`${departement(code).name} (${code})`),
    site,
    renewal: source.renewal
      ? {
          previousStart: legalDate(source.renewal.previousTerm.startDate),
          previousEnd: legalDate(source.renewal.previousTerm.endDate),
          newPartners: md(
            frenchList(source.renewal.newPartnerIds.map((id) => data.parties[id]?.organisation ?? id)),
          ),
        }
      : null,
    between: lines(front, data, BETWEEN_ROLES),
    and: lines(front, data, AND_ROLES),
    procureur: {
      associated: procureur?.signatory === true,
      line: procureur
        ? md(
            `${representative(procureur.representative.title, procureur.representative.name)} (${procureur.organisation}).`,
          )
        : '',
      name: procureur ? md(procureur.organisation) : null,
    },
    preamble: md(data.preamble ?? defaultPreamble(front, data)),
    startDate: data.startDate ? legalDate(data.startDate) : BLANK,
    registresNote: md(
      gendarmerieOnly
        ? 'Pour la gendarmerie nationale, par la prise de connaissance des rapports d’évènement à caractère social.'
        : policeOnly
          ? 'Pour la police nationale, par la consultation du registre des mains courantes.'
          : 'Pour la police nationale, par la consultation du registre des mains courantes ; pour la gendarmerie nationale, par la prise de connaissance des rapports d’évènement à caractère social.',
    ),
    jobDescriptionRef: md(data.jobDescriptionRef ?? BLANK),
    functional: functional.length ? md(frenchList(functional)) : BLANK,
    hierarchical: md(hierarchical),
    equipment: equipment
      ? [
          equipment.dedicatedConfidentialOffice
            ? 'un bureau dédié à l’intervenant social et garantissant le respect des règles de confidentialité ;'
            : null,
          `${front.phones[equipment.phone] ?? BLANK} ;`,
          equipment.computer ? 'un ordinateur ;' : null,
          equipment.administrativeSupplies ? 'le matériel administratif nécessaire.' : null,
        ]
          .filter((line): line is string => line !== null)
          .map(md)
      : [md(`${BLANK} ;`)],
    financing: {
      state: financing ? euros(financing.stateAnnualParticipationEur) : `${BLANK} €`,
      coFinancers: financing
        ? Object.entries(financing.coFinancers)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([id, share], i, all) =>
              md(
                `${organisationOf(data, id)} : ${euros(share.annualContributionEur)} par an${i === all.length - 1 ? '.' : ' ;'}`,
              ),
            )
        : [],
      dueMonths: financing ? `${financing.contributionDueMonths} mois` : BLANK,
      salaryDay: financing ? dayOfMonth(financing.salaryPaymentDay) : BLANK,
    },
    employer: md(organisationOf(data, data.employerPartyId)),
    committee: committee.length
      ? committee.map((m, i) =>
          md(
            `${upperFirst(m.title)} (${organisationOf(data, m.partyId)})${i === committee.length - 1 ? '.' : ','}`,
          ),
        )
      : [BLANK],
    term: {
      number: term?.number ?? 1,
      span: term
        ? `du ${legalDate(term.startDate)} au ${legalDate(term.endDate)} inclus`
        : `jusqu’au ${BLANK}`,
      noticeDeadline: term ? legalDate(noticeDeadline(term.endDate, 3)) : null,
    },
  };
}

export type ConventionModel = ReturnType<typeof conventionModel>;

/** The parties that sign, in the order of the text, for the signature blocks. */
export function signatories(data: ConventionData): [string, Party][] {
  const order: PartyRole[] = [...BETWEEN_ROLES, ...AND_ROLES, 'procureur'];
  const ids = new Set(signatoryPartyIds(data));
  return order.flatMap((role) => partiesWithRole(data, role).filter(([id]) => ids.has(id)));
}

/** "Personnes reçues" from the statistic's key "personnes-recues". */
function statisticLabel(key: string): string {
  return upperFirst(key.replace(/-/g, ' '));
}

export function reportModel(front: { title: string }, source: ReportDocumentSource) {
  const { data, year, term } = source;
  const code = data.departement;
  const site = sitePhrases(data);
  const committee = data.followUpCommittee ?? [];
  const report = year.report;
  const review = year.review;
  const procureur = partiesWithRole(data, 'procureur')[0]?.[1];
  return {
    title: front.title,
    departement: md(`${departement(code).name} (${code})`),
    site,
    termNumber: term.number,
    termYear: year.termYear,
    termSpan: `du ${legalDate(term.startDate)} au ${legalDate(term.endDate)}`,
    yearSpan: `du ${legalDate(year.yearStart)} au ${legalDate(year.yearEnd)}`,
    procureur: procureur
      ? md(`${representative(procureur.representative.title)} (${procureur.organisation})`)
      : BLANK,
    employer: md(organisationOf(data, data.employerPartyId)),
    report: report
      ? {
          submittedOn: legalDate(report.submittedOn),
          documentRef: md(report.documentRef),
          statistics: Object.entries(report.statistics)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([key, value]) => md(`${statisticLabel(key)} : ${integer(value)}`)),
        }
      : null,
    meeting: year.meeting
      ? {
          date: legalDate(year.meeting.date),
          location: year.meeting.location ? md(year.meeting.location) : null,
        }
      : null,
    review: review
      ? {
          heldOn: legalDate(review.heldOn),
          minutesRef: review.minutesRef ? md(review.minutesRef) : null,
          recommendations: review.recommendations.map(md),
        }
      : null,
    committee: committee.map((m) => md(`${upperFirst(m.title)} (${organisationOf(data, m.partyId)})`)),
  };
}
