import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createDocumentRenderer, type DocumentRenderer } from '../../activities/documents/render';
import { frenchTypography, legalDate, lowerFirst, upperFirst } from '../../activities/documents/typography';
import { addDays, noticeDeadline, termEndDate } from '../../domain/calendar/dates';
import { signatoryPartyIds } from '../../domain/convention/completeness';
import type { ConventionData, ConventionDataInput } from '../../domain/convention/schema';
import { conventionDataSchema } from '../../domain/convention/schema';
import { formatEuros } from '../../domain/mail/content';
import {
  firstTermSource,
  renewalSource,
  reportSource,
  unversionedSource,
  type ConventionDocumentSource,
  type SignedDocumentSource,
} from '../../domain/documents/sources';
import type { ConventionContext, ReviewYear } from '../../domain/lifecycle/context';
import { completeConventionData } from '../support/fixtures';
import {
  asPdfReadsIt,
  docxText,
  example,
  flat,
  OUT_DIR,
  pageImages,
  pdfFonts,
  pdfText,
  ROOT,
  verapdf,
} from './support';

/**
 * The convention as a document, read back by tools that share nothing with the renderer: every
 * article heading and every value of the data is in the PDF's text (pdftotext) and in the DOCX
 * (mammoth), for each kind of convention; the same version gives the same bytes in another time
 * zone on another day; any change to the data changes the hash; veraPDF checks PDF/A-2a and
 * PDF/UA-1; a PNG of each page is left in test-results/documents/.
 */

let renderer: DocumentRenderer;
beforeAll(() => {
  renderer = createDocumentRenderer();
});

const NBSP = '\u00a0';
const NNBSP = '\u202f';
const ARTICLES = [
  'Objet de la convention',
  'Missions du travailleur social',
  'Profil du poste et procédure de recrutement',
  'Cadre juridique et déontologique de l’intervention',
  'Statut et rémunération',
  'Locaux et équipements',
  'Financement',
  'Comité de suivi',
  'Durée de la convention',
];

function source(
  conventionId: string,
  data: ConventionData,
  version: number | null = 1,
): ConventionDocumentSource {
  return firstTermSource({ conventionId, data }, version);
}

/** Every value of the data the text must show, written as the text writes it. */
function expectedValues(s: ConventionDocumentSource): string[] {
  const data = s.data;
  const values: string[] = [
    ...ARTICLES.map((title, i) => `Article ${i + 1}${NBSP}: ${title}`),
    'Préambule',
    'Entre',
    'Signatures',
    'Annexe',
    data.jobDescriptionRef!,
    `à compter du ${legalDate(data.startDate!)}`,
    `du ${legalDate(s.term!.startDate)} au ${legalDate(s.term!.endDate)} inclus`,
    `au plus tard le ${legalDate(noticeDeadline(s.term!.endDate, 3))}`,
    `participation annuelle de ${formatEuros(data.financing!.stateAnnualParticipationEur)}`,
    `le ${data.financing!.salaryPaymentDay === 1 ? '1er' : data.financing!.salaryPaymentDay} de chaque mois`,
    `${data.financing!.contributionDueMonths} mois après le début de chaque année`,
    'Le non-versement des crédits prévus constitue une clause suspensive immédiate.',
  ];
  for (const party of Object.values(data.parties)) {
    values.push(party.organisation);
    // A procureur who does not sign is named in art. 8 by its organisation only.
    if (party.role !== 'procureur' || party.signatory) values.push(lowerFirst(party.representative.title));
  }
  for (const [id, share] of Object.entries(data.financing!.coFinancers))
    values.push(
      `${data.parties[id]!.organisation}${NBSP}: ${formatEuros(share.annualContributionEur)} par an`,
    );
  for (const member of data.followUpCommittee!) values.push(upperFirst(member.title));
  for (const place of [data.site?.commissariat, data.site?.gendarmerieUnit]) if (place) values.push(place);
  for (const authority of data.functionalAuthorities!) values.push(authority.title);
  values.push(data.hierarchicalAuthority!.title);
  values.push(data.parties[data.employerPartyId!]!.organisation);
  if (data.preamble) values.push(data.preamble);
  // One signature block per signatory, the procureur's only when associated.
  for (const id of signatoryPartyIds(data)) values.push(`Pour ${signatureLabel(data, id)}`);
  return values.map((v) => flat(frenchTypography(v)));
}

const ROLE_LABELS: Record<string, string> = {
  etat: 'L’État',
  police: 'la police nationale',
  gendarmerie: 'la gendarmerie nationale',
  'conseil-departemental': 'le conseil départemental',
  epci: 'l’établissement public de coopération intercommunale (EPCI)',
  commune: 'la commune',
  association: 'l’association',
  autre: 'la structure',
  procureur: 'le procureur de la République',
};

function signatureLabel(data: ConventionData, partyId: string): string {
  const party = data.parties[partyId]!;
  return `${ROLE_LABELS[party.role]} (${party.organisation})`;
}

function missing(text: string, values: string[], read = flat): string[] {
  const flatText = read(text);
  return values.filter((value) => !flatText.includes(read(value)));
}

const scenarios: {
  name: string;
  conventionId: string;
  data: ConventionData;
  procureurAssociated: boolean;
}[] = [
  { name: 'police seule, procureur associé', ...example('59-lille-centre'), procureurAssociated: true },
  {
    name: 'gendarmerie seule, EPCI et trois communes, procureur non associé',
    ...example('35-montfort-communaute'),
    procureurAssociated: false,
  },
  { name: 'police et gendarmerie, outre-mer', ...example('974-saint-denis'), procureurAssociated: true },
].map((s) => ({
  name: s.name,
  conventionId: s.conventionId,
  data: s.data,
  procureurAssociated: s.procureurAssociated,
}));

describe.each(scenarios)('$name', ({ conventionId, data, procureurAssociated }) => {
  const name = conventionId;
  let pdf: Buffer;
  let text: string;

  beforeAll(async () => {
    pdf = (await renderer.render(source(conventionId, data), 'pdf')).bytes;
    text = pdfText(pdf, `${name}-v1`);
  });

  test('the PDF holds every article heading and every value of the data', () => {
    expect(missing(text, expectedValues(source(conventionId, data)), asPdfReadsIt)).toEqual([]);
    const associated = flat(text).includes('Et, associé à la signature de la présente convention');
    expect(associated).toBe(procureurAssociated);
  });

  test('the DOCX read back holds the same', async () => {
    const docx = await renderer.render(source(conventionId, data), 'docx');
    expect(docx.contentType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(
      missing(await docxText(docx.bytes, `${name}-v1`), expectedValues(source(conventionId, data))),
    ).toEqual([]);
  });

  test('fonts are embedded subsets of the shipped typeface, and a PNG of each page is written', () => {
    const fonts = pdfFonts(pdf, `${name}-v1`);
    expect(fonts.length).toBeGreaterThanOrEqual(2);
    for (const font of fonts) {
      expect(font).toMatchObject({ embedded: true, subset: true });
      expect(font.name).toMatch(/^[A-Z]{6}\+SourceSerif4/);
    }
    const pages = pageImages(pdf, `${name}-v1`);
    expect(pages.length).toBeGreaterThanOrEqual(4);
    for (const page of pages) expect(fs.readFileSync(page).subarray(1, 4).toString()).toBe('PNG');
  });
});

test('French typography: no-break spaces before « : », inside « », in amounts, « 1er mars 2027 »', async () => {
  // The Département as hierarchical authority: its default preamble quotes « chef de file ».
  const data = completeConventionData({
    hierarchicalAuthority: { partyId: 'cd59', title: 'directeur de l’action sociale' },
  });
  const convention = source('convention-59-lille-centre', data);
  // The DOCX carries every character as written.
  const docx = flat(await docxText((await renderer.render(convention, 'docx')).bytes, 'typographie'));
  expect(docx).toContain(`Article 7${NBSP}: Financement`);
  expect(docx).toContain(`«${NBSP}chef de file${NBSP}»`);
  expect(docx).toContain(`20${NNBSP}000${NBSP}€`);
  expect(docx).toContain(`15${NNBSP}000${NBSP}€ par an${NNBSP};`);
  expect(docx).toContain(`à compter du 1er${NBSP}mars 2027`);
  expect(docx).toContain(`trois axes${NBSP}:`);
  expect(docx).not.toMatch(/ [:;!?»€]/);
  expect(docx).not.toMatch(/« /);
  expect(docx).not.toContain("'");

  // The PDF: a no-break space reads back as a space; no line ever breaks where one stands (before « : », « ; », « € », « » », after « « », inside an amount or a date).
  const raw = pdfText((await renderer.render(convention, 'pdf')).bytes, 'typographie');
  const pdf = asPdfReadsIt(raw);
  expect(pdf).toContain('20 000 €');
  expect(pdf).toContain('15 000 € par an ;');
  expect(pdf).toContain('à compter du 1er mars 2027');
  expect(pdf).toContain('« chef de file »');
  const lines = raw
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  expect(
    lines.filter((line) => /^[:;!?»€]/.test(line) || /«$/.test(line) || /^(000|mars|\d{4}\b)/.test(line)),
  ).toEqual([]);
  expect(raw).not.toContain("'");
});

test('a draft shows its blanks and says it cannot be signed', async () => {
  const data = conventionDataSchema.parse({
    departement: '59',
    parties: { etat: completeConventionData().parties.etat! },
  } satisfies ConventionDataInput);
  const file = await renderer.render(source('convention-59-projet', data, null), 'pdf');
  const text = asPdfReadsIt(pdfText(file.bytes, 'projet'));
  expect(file.filename).toBe('convention-59-projet-projet.pdf');
  expect(text).toContain('Projet de convention, non signable');
  expect(text).toContain('à compter du ………');
  expect(text).toContain('projet non signable');

  // A convention in force, signed before versions existed: its text, not marked as a draft.
  const full = completeConventionData();
  const inForce = unversionedSource({
    conventionId: 'convention-59-ancienne',
    data: full,
    term: {
      number: 1,
      startDate: '2027-03-01',
      endDate: '2030-02-28',
      noticeDeadline: '2029-11-28',
      concertationOpensOn: '2029-08-28',
    },
  });
  const current = await renderer.render(inForce, 'pdf');
  const currentText = asPdfReadsIt(pdfText(current.bytes, 'sans-version'));
  expect(current.filename).toBe('convention-59-ancienne-en-vigueur.pdf');
  expect(currentText).not.toContain('Projet de convention');
  expect(currentText).toContain('sans version (signée avant les versions)');
});

test('a renewal’s new term gets its own text, with its new partner and amounts', async () => {
  const { conventionId, data } = example('59-lille-centre');
  const next = conventionDataSchema.parse({
    ...data,
    parties: {
      ...data.parties,
      'ville-roubaix': {
        role: 'commune',
        organisation: 'Ville de Roubaix',
        representative: { title: 'Maire de Roubaix' },
        contacts: [{ email: 'prevention@ville-roubaix.example' }],
      },
    },
    financing: {
      ...data.financing!,
      stateAnnualParticipationEur: 21500,
      coFinancers: { ...data.financing!.coFinancers, 'ville-roubaix': { annualContributionEur: 6000 } },
    },
  });
  const endDate = termEndDate(data.startDate!);
  const context = {
    conventionId,
    data,
    term: {
      number: 1,
      startDate: data.startDate!,
      endDate,
      noticeDeadline: endDate,
      concertationOpensOn: endDate,
    },
    renewal: { decision: 'renew', decidedOn: endDate, nextTermData: next, reason: null, recordedAt: 0 },
  } as unknown as ConventionContext;
  const renewed = renewalSource(context, 2)!;
  expect(renewed.term).toEqual({
    number: 2,
    startDate: addDays(endDate, 1),
    endDate: termEndDate(addDays(endDate, 1)),
  });
  const text = asPdfReadsIt(
    pdfText((await renderer.render(renewed, 'pdf')).bytes, `${conventionId}-v2-reconduction`),
  );
  expect(text).toContain(
    asPdfReadsIt(
      frenchTypography(
        `Reconduction, pour une nouvelle période de trois ans, de la convention conclue pour la période du ${legalDate(data.startDate!)} au ${legalDate(endDate)}, à laquelle se joignent Ville de Roubaix.`,
      ),
    ),
  );
  expect(text).toContain('Ville de Roubaix : 6 000 € par an');
  expect(text).toContain('participation annuelle de 21 500 €');
  expect(text).toContain(asPdfReadsIt(`du ${legalDate(addDays(endDate, 1))} au`));
  expect(text).toContain('Pour la commune (Ville de Roubaix)');
  expect(text).toContain('version 2 — période 2');
});

test('the signed convention: the text, then a certificate page naming each signature and the hash signed', async () => {
  const { conventionId, data } = example('59-lille-centre');
  const text = await renderer.render(source(conventionId, data), 'pdf');
  const signed: SignedDocumentSource = {
    kind: 'signed',
    convention: source(conventionId, data),
    sha256: text.sha256,
    signatures: signatoryPartyIds(data).map((partyId, i) => ({
      partyId,
      signerName: `Signataire ${i + 1}`,
      signerTitle: data.parties[partyId]!.representative.title,
      signedOn: '2027-07-0' + String(i + 1),
      eSignatureRef: i === 0 ? null : `documenso:envelope_abcdefghijklmnop/${9100 + i}`,
      recordedAt: Date.UTC(2027, 6, i + 1, 8, 30),
      document: { version: 1, sha256: text.sha256 },
    })),
  };
  const file = await renderer.render(signed, 'pdf');
  const out = asPdfReadsIt(pdfText(file.bytes, `${conventionId}-v1-signee`));
  expect(file.pages).toBeGreaterThan(text.pages!);
  expect(out).toContain('CERTIFICAT DE SIGNATURE');
  expect(out).toContain(text.sha256);
  for (const s of signed.signatures) {
    expect(out).toContain(s.signerName);
    expect(out).toContain(asPdfReadsIt(legalDate(s.signedOn)));
    expect(out).toContain(
      asPdfReadsIt(frenchTypography(`${data.parties[s.partyId]!.organisation} (${s.partyId})`)),
    );
  }
  expect(out).toContain('documenso:envelope_abcdefghijklmnop/9101');
  expect(out).toContain('aucune (signature manuscrite enregistrée)');
  expect(out).toContain('2027-07-01T08:30:00Z (UTC)');
  pageImages(file.bytes, `${conventionId}-v1-signee`);
});

test('the yearly report to the procureur: statistics, committee, recommendations', async () => {
  const { conventionId, data } = example('35-montfort-communaute');
  const endDate = termEndDate(data.startDate!);
  const year: ReviewYear = {
    term: 1,
    termYear: 1,
    yearStart: data.startDate!,
    yearEnd: addDays('2028-10-01', -1),
    meeting: { date: '2028-09-14', time: '10:00', location: 'sous-préfecture de Montfort', scheduledAt: 0 },
    report: {
      submittedOn: '2028-09-01',
      documentRef: 'BILAN-35-2028',
      statistics: { 'personnes-recues': 412, 'orientations-sociales': 1234 },
      recordedAt: 0,
    },
    review: {
      heldOn: '2028-09-14',
      recommendations: ['Renforcer la permanence du mardi', 'Former les nouveaux gendarmes au dispositif'],
      minutesRef: 'CR-COMITE-2028',
      recordedAt: 0,
    },
  };
  const context = {
    conventionId,
    data,
    term: {
      number: 1,
      startDate: data.startDate!,
      endDate,
      noticeDeadline: endDate,
      concertationOpensOn: endDate,
    },
  } as unknown as ConventionContext;
  const file = await renderer.render(reportSource(context, year)!, 'pdf');
  const text = asPdfReadsIt(pdfText(file.bytes, `${conventionId}-bilan-t1-annee-1`));
  for (const expected of [
    'Bilan annuel de l’intervenant social et avis du comité de suivi',
    'Personnes recues : 412',
    'Orientations sociales : 1 234',
    'BILAN-35-2028',
    `le ${legalDate('2028-09-14')}, à sous-préfecture de Montfort`,
    'CR-COMITE-2028',
    'Renforcer la permanence du mardi',
    'Former les nouveaux gendarmes au dispositif',
    'Procureure de la République près le tribunal judiciaire de Rennes'.toLowerCase(),
  ])
    expect(text.toLowerCase()).toContain(asPdfReadsIt(frenchTypography(expected)).toLowerCase());
  pageImages(file.bytes, `${conventionId}-bilan-t1-annee-1`);
});

test('veraPDF: the text is PDF/A-2a and PDF/UA-1', async () => {
  const { conventionId, data } = example('974-saint-denis');
  const file = await renderer.render(source(conventionId, data), 'pdf');
  expect(verapdf(file.bytes, `${conventionId}-verapdf`, '2a')).toEqual({ verdict: 'PASS', failed: [] });
  expect(verapdf(file.bytes, `${conventionId}-verapdf`, 'ua1')).toEqual({ verdict: 'PASS', failed: [] });
});

describe('determinism', () => {
  const SCRIPT = path.join(ROOT, 'dist', 'scripts', 'render-document.js');
  const FAKE_CLOCK = path.join(__dirname, 'fake-clock.cjs');

  /** Renders in another process, another zone, another day: the service's own renderer, built. */
  function renderElsewhere(format: 'pdf' | 'docx', zone: string, daysAhead: number): string {
    const out = path.join(OUT_DIR, `determinism-${zone.replace('/', '-')}-${daysAhead}.${format}`);
    const result = spawnSync(
      process.execPath,
      [
        '--require',
        FAKE_CLOCK,
        SCRIPT,
        path.join(ROOT, 'examples/conventions/59-lille-centre.yaml'),
        '--version',
        '1',
        '--format',
        format,
        '-o',
        out,
      ],
      { encoding: 'utf8', env: { ...process.env, TZ: zone, FAKE_CLOCK_DAYS: String(daysAhead) } },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    return result.stdout.trim().split('\n')[1]!;
  }

  test('two renderings of the same version, in two time zones on two days, are byte for byte the same', async () => {
    fs.mkdirSync(OUT_DIR, { recursive: true });
    const { conventionId, data } = example('59-lille-centre');
    for (const format of ['pdf', 'docx'] as const) {
      const here = (await renderer.render(source(conventionId, data), format)).sha256;
      expect(renderElsewhere(format, 'Pacific/Kiritimati', 0)).toBe(here);
      expect(renderElsewhere(format, 'America/Los_Angeles', 400)).toBe(here);
    }
  });

  test('any change to the data, or the version number, changes the hash', async () => {
    const { conventionId, data } = example('59-lille-centre');
    const financing = data.financing!;
    const variants: [string, ConventionData, number][] = [
      ['référence', data, 1],
      ['version', data, 2],
      ['montant de l’État', { ...data, financing: { ...financing, stateAnnualParticipationEur: 20001 } }, 1],
      ['jour de paie', { ...data, financing: { ...financing, salaryPaymentDay: 27 } }, 1],
      ['début', { ...data, startDate: '2027-09-02' }, 1],
      ['site', { ...data, site: { commissariat: 'commissariat de Lille-Sud' } }, 1],
      ['fiche de poste', { ...data, jobDescriptionRef: 'FP-ISCG-59-2027-02' }, 1],
      ['préambule', { ...data, preamble: 'Un autre préambule.' }, 1],
      [
        'représentant',
        {
          ...data,
          parties: {
            ...data.parties,
            etat: { ...data.parties.etat!, representative: { title: 'Préfète du Nord' } },
          },
        },
        1,
      ],
      [
        'comité',
        {
          ...data,
          followUpCommittee: data
            .followUpCommittee!.slice(0, 3)
            .concat([{ ...data.followUpCommittee![3]!, title: 'directrice de l’action sociale' }]),
        },
        1,
      ],
      ['équipement', { ...data, equipment: { ...data.equipment!, phone: 'portable' } }, 1],
    ];
    const hashes = new Map<string, string>();
    for (const [label, variant, version] of variants)
      hashes.set(label, (await renderer.render(source(conventionId, variant, version), 'pdf')).sha256);
    expect(new Set(hashes.values()).size).toBe(variants.length);
  });
});
