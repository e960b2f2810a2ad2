import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { departement } from '../../domain/calendar/departements';
import type {
  ConventionDocumentSource,
  DocumentSource,
  ReportDocumentSource,
  SignedDocumentSource,
} from '../../domain/documents/sources';
import { writeDocx } from './docx';
import { fontsDigest } from './fonts';
import { conventionModel, partyLine, reportModel, signatories, type ConventionFrontMatter } from './model';
import { writePdf, type PdfMetadata } from './pdf';
import { loadTemplate, type Block, type ParsedDocument, type Template } from './template';
import { frenchTypography, legalDate, upperFirst } from './typography';

/**
 * Renders a document's source as PDF (to sign and archive) or DOCX (for a legal review in a word
 * processor). Pure in effect: the same source and the same revision of the templates, fonts and
 * libraries give the same bytes, on any machine, any day, in any time zone.
 */

export type DocumentFormat = 'pdf' | 'docx';

export interface RenderedFile {
  bytes: Buffer;
  sha256: string;
  /** Pages of a PDF; null for a DOCX (the word processor paginates). */
  pages: number | null;
  contentType: string;
  filename: string;
}

export interface DocumentRenderer {
  /** Changes whenever a template, a font or the layout code changes: the same source then renders other bytes. */
  readonly revision: string;
  render(source: DocumentSource, format: DocumentFormat): Promise<RenderedFile>;
}

/** Bump when the layout code (pdf.ts, docx.ts, the blocks built here) changes the bytes it writes. */
export const LAYOUT_REVISION = 1;

const CONTENT_TYPES: Record<DocumentFormat, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

interface ReportFront {
  title: string;
  footer: string;
}
interface CertificateFront {
  title: string;
  footer: string;
  labels: Record<
    'party' | 'signer' | 'signerTitle' | 'signedOn' | 'recordedAt' | 'reference' | 'noReference' | 'document',
    string
  >;
}

/** The installed version of a package whose `exports` hide its package.json. */
function packageVersion(name: string): string {
  let dir = path.dirname(require.resolve(name));
  while (dir !== path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name) return pkg.version ?? '?';
    }
    dir = path.dirname(dir);
  }
  return '?';
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function siteLabel(data: ConventionDocumentSource['data']): string {
  const places = [data.site?.commissariat, data.site?.gendarmerieUnit].filter(Boolean).join(' et ');
  return `${places || 'site à préciser'} (${data.departement})`;
}

/** A document's own date: its metadata and file identifier derive from it, never from the clock. */
function documentDate(civil: string | null | undefined): Date {
  return new Date(`${civil ?? '2000-01-01'}T00:00:00Z`);
}

function para(text: string): Block {
  return { type: 'paragraph', runs: [{ text: frenchTypography(text) }] };
}

export function createDocumentRenderer(templatesDir?: string): DocumentRenderer {
  const convention = loadTemplate<ConventionFrontMatter>('convention', templatesDir);
  const report = loadTemplate<ReportFront>('report', templatesDir);
  const certificate = loadTemplate<CertificateFront>('certificate', templatesDir);
  const templates: Template<unknown>[] = [convention, report, certificate];
  const revision = createHash('sha256')
    .update(
      JSON.stringify({
        layout: LAYOUT_REVISION,
        templates: templates.map((t) => t.text),
        fonts: fontsDigest(),
        pdfkit: packageVersion('pdfkit'),
        docx: packageVersion('docx'),
      }),
    )
    .digest('hex')
    .slice(0, 16);

  /** The convention's text, its `[[signatures]]` and `[[annexe]]` lines replaced by their blocks. */
  function conventionBlocks(source: ConventionDocumentSource): ParsedDocument {
    const front = convention.front;
    const parsed = convention.fill(conventionModel(front, source));
    const data = source.data;
    const blocks = parsed.blocks.flatMap((block): Block[] => {
      if (block.type !== 'directive') return [block];
      if (block.name === 'signatures')
        return [
          { type: 'heading', runs: [{ text: front.signatures.heading }] },
          para(front.signatures.intro),
          ...signatories(data).map(([, party]): Block => ({
            type: 'signature',
            party: [{ text: frenchTypography(`${front.signatures.for} ${partyLine(front, party, false)}`) }],
            lines: [
              [{ text: frenchTypography(`${front.signatures.date} : ………………………`) }],
              [{ text: frenchTypography(`${front.signatures.signature} :`) }],
            ],
          })),
        ];
      if (block.name === 'annexe')
        return [
          { type: 'heading', runs: [{ text: front.annex.heading }] },
          para(`${front.annex.jobDescription} — référence ${data.jobDescriptionRef ?? '………'}.`),
        ];
      throw new Error(`convention.md: directive [[${block.name}]] inconnue`);
    });
    return { blocks, notes: parsed.notes };
  }

  function signedBlocks(source: SignedDocumentSource): ParsedDocument {
    const text = conventionBlocks(source.convention);
    const front = certificate.front;
    const data = source.convention.data;
    const labels = front.labels;
    const lastSignedOn = source.signatures
      .map((s) => s.signedOn)
      .sort()
      .at(-1);
    const filled = certificate.fill({
      site: conventionModel(convention.front, source.convention).site,
      departement: `${departement(data.departement).name} (${data.departement})`,
      version: source.convention.version,
      sha256: source.sha256,
      lastSignedOn: lastSignedOn ? legalDate(lastSignedOn) : '………',
    });
    const blocks = filled.blocks.flatMap((block): Block[] => {
      if (block.type !== 'directive') return [block];
      if (block.name !== 'certificat')
        throw new Error(`certificate.md: directive [[${block.name}]] inconnue`);
      return source.signatures.map((s): Block => {
        const party = data.parties[s.partyId];
        const signed = s.document
          ? `version ${s.document.version}, SHA-256 ${s.document.sha256}`
          : `version ${source.convention.version} (signature enregistrée sans empreinte)`;
        return {
          type: 'fields',
          rows: [
            { label: labels.party, value: party ? `${party.organisation} (${s.partyId})` : s.partyId },
            { label: labels.signer, value: s.signerName },
            { label: labels.signerTitle, value: upperFirst(s.signerTitle) },
            { label: labels.signedOn, value: legalDate(s.signedOn) },
            {
              label: labels.recordedAt,
              value: `${new Date(s.recordedAt).toISOString().replace('.000Z', 'Z')} (UTC)`,
            },
            { label: labels.reference, value: s.eSignatureRef ?? labels.noReference },
            { label: labels.document, value: signed, mono: true },
          ].map((row) => ({ ...row, value: frenchTypography(row.value) })),
        };
      });
    });
    return { blocks: [...text.blocks, { type: 'pagebreak' }, ...blocks], notes: text.notes };
  }

  function reportBlocks(source: ReportDocumentSource): ParsedDocument {
    return report.fill(reportModel(report.front, source));
  }

  function describe(source: DocumentSource): { parsed: ParsedDocument; meta: PdfMetadata; filename: string } {
    const id = source.kind === 'signed' ? source.convention.conventionId : source.conventionId;
    switch (source.kind) {
      case 'convention': {
        const site = siteLabel(source.data);
        const version =
          source.version !== null
            ? `version ${source.version}`
            : source.inForceWithoutVersion
              ? 'sans version (signée avant les versions)'
              : 'projet non signable';
        return {
          parsed: conventionBlocks(source),
          meta: {
            title: `Convention ISCG — ${site} — ${version}`,
            subject:
              'Convention triennale de partenariat relative à un intervenant social en commissariat et gendarmerie',
            keywords: `ISCG, convention, ${id}`,
            date: documentDate(source.term?.startDate),
            footer: frenchTypography(
              `${convention.front.footer} — ${id} — ${version}${source.term ? ` — période ${source.term.number}` : ''}`,
            ),
          },
          filename: `${id}-${source.version !== null ? `v${source.version}` : source.inForceWithoutVersion ? 'en-vigueur' : 'projet'}`,
        };
      }
      case 'signed': {
        const site = siteLabel(source.convention.data);
        const version = `version ${source.convention.version ?? '?'}`;
        return {
          parsed: signedBlocks(source),
          meta: {
            title: `Convention ISCG signée — ${site} — ${version}`,
            subject: 'Convention signée par toutes les parties, avec son certificat de signature',
            keywords: `ISCG, convention signée, ${id}, ${source.sha256}`,
            date: documentDate(
              source.signatures
                .map((s) => s.signedOn)
                .sort()
                .at(-1),
            ),
            footer: frenchTypography(`${certificate.front.footer} — ${id} — ${version}`),
          },
          filename: `${id}-v${source.convention.version ?? 0}-signee`,
        };
      }
      case 'report': {
        const site = siteLabel(source.data);
        const year = `période ${source.term.number}, année ${source.year.termYear}`;
        return {
          parsed: reportBlocks(source),
          meta: {
            title: `Bilan ISCG — ${site} — ${year}`,
            subject: 'Bilan d’activité et préconisations du comité de suivi transmis au procureur (art. 8)',
            keywords: `ISCG, bilan, ${id}`,
            date: documentDate(source.year.review?.heldOn ?? source.year.yearEnd),
            footer: frenchTypography(`${report.front.footer} — ${id} — ${year}`),
          },
          filename: `${id}-bilan-t${source.term.number}-annee-${source.year.termYear}`,
        };
      }
    }
  }

  return {
    revision,
    async render(source, format) {
      const { parsed, meta, filename } = describe(source);
      const written =
        format === 'pdf'
          ? await writePdf(parsed, meta)
          : { bytes: await writeDocx(parsed, meta), pages: null };
      return {
        bytes: written.bytes,
        sha256: sha256(written.bytes),
        pages: written.pages,
        contentType: CONTENT_TYPES[format],
        filename: `${filename}.${format}`,
      };
    },
  };
}
