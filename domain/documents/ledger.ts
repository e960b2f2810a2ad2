import type { ConventionContext } from '../lifecycle/context';
import type { Phase } from '../lifecycle/phase';
import { refused, type Refusal } from '../lifecycle/refusal';
import {
  firstTermSource,
  renewalSource,
  reportSource,
  type ConventionDocumentSource,
  type ReportDocumentSource,
} from './sources';

/**
 * The documents of a convention and their versions. Every state of the text that can be signed
 * gets a version number when it becomes signable; the worker renders it and the workflow keeps the
 * SHA-256 of its PDF, which binds each signature. A version never changes once made: returning to
 * drafting, or a renewal, makes a new one. Pure code, run inside the workflow.
 */

export interface RenderedDocument {
  sha256: string;
  bytes: number;
  pages: number;
  /** The template's revision that produced these bytes (docs/documents.md, "Changing the template"). */
  renderer: string;
}

export type DocumentReason = 'signature' | 'renewal' | 'report';

export interface DocumentRecord {
  /** Stable per signable state: the same state never makes two versions. */
  key: string;
  kind: 'convention' | 'report';
  /** Numbered per kind: the convention's texts 1, 2, 3…; the reports 1, 2, 3… */
  version: number;
  term: number;
  termYear: number | null;
  reason: DocumentReason;
  createdAt: number;
  source: ConventionDocumentSource | ReportDocumentSource;
  /** Null until the worker has rendered it. */
  rendered: RenderedDocument | null;
}

/** What the state and the Temporal UI show of a document: everything but its source. */
export type DocumentSummary = Omit<DocumentRecord, 'source'> & { current: boolean };

function nextVersion(ledger: readonly DocumentRecord[], kind: DocumentRecord['kind']): number {
  return ledger.filter((r) => r.kind === kind).reduce((max, r) => Math.max(max, r.version), 0) + 1;
}

/** The latest text of the convention: the one being signed, or in force, or decided for the next term. */
export function currentConventionRecord(ledger: readonly DocumentRecord[]): DocumentRecord | null {
  let current: DocumentRecord | null = null;
  for (const record of ledger)
    if (record.kind === 'convention' && (!current || record.version > current.version)) current = record;
  return current;
}

export function conventionRecord(ledger: readonly DocumentRecord[], version: number): DocumentRecord | null {
  return ledger.find((r) => r.kind === 'convention' && r.version === version) ?? null;
}

export function reportRecord(
  ledger: readonly DocumentRecord[],
  term: number,
  termYear: number,
): DocumentRecord | null {
  return ledger.find((r) => r.kind === 'report' && r.term === term && r.termYear === termYear) ?? null;
}

/** Returns to drafting so far: each one starts a new signature round, hence a new version. */
function signatureRound(context: ConventionContext): number {
  return context.history.filter((entry) => entry.event === 'REOPEN_DRAFTING').length;
}

/**
 * The records the convention's state calls for and the ledger lacks: the text to sign once the
 * signature phase opens, the next term's text once a renewal is decided, the report of each year
 * the committee has examined. Sources are taken from the state at that moment, then frozen.
 */
export function missingDocuments(
  context: ConventionContext,
  phase: Phase,
  ledger: readonly DocumentRecord[],
  at: number,
): DocumentRecord[] {
  const added: DocumentRecord[] = [];
  const all = () => [...ledger, ...added];
  const has = (key: string) => all().some((r) => r.key === key);

  if (phase === 'signature') {
    const key = `t1-signature-${signatureRound(context)}`;
    if (!has(key)) {
      const version = nextVersion(all(), 'convention');
      added.push({
        key,
        kind: 'convention',
        version,
        term: 1,
        termYear: null,
        reason: 'signature',
        createdAt: at,
        source: firstTermSource(context, version),
        rendered: null,
      });
    }
  }

  const term = context.term;
  const renewal = context.renewal;
  if (term && phase !== 'terminated' && renewal?.decision === 'renew' && renewal.nextTermData) {
    const key = `t${term.number + 1}-reconduction-${renewal.recordedAt}`;
    if (!has(key)) {
      const version = nextVersion(all(), 'convention');
      const source = renewalSource(context, version);
      if (source)
        added.push({
          key,
          kind: 'convention',
          version,
          term: term.number + 1,
          termYear: null,
          reason: 'renewal',
          createdAt: at,
          source,
          rendered: null,
        });
    }
  }

  if (term)
    for (const year of context.reviews) {
      if (year.term !== term.number || !year.review) continue;
      const key = `t${term.number}-bilan-${year.termYear}`;
      const source = reportSource(context, year);
      if (has(key) || !source) continue;
      added.push({
        key,
        kind: 'report',
        version: nextVersion(all(), 'report'),
        term: term.number,
        termYear: year.termYear,
        reason: 'report',
        createdAt: at,
        source,
        rendered: null,
      });
    }
  return added;
}

export function summarize(ledger: readonly DocumentRecord[]): DocumentSummary[] {
  const current = currentConventionRecord(ledger);
  return ledger.map(({ source: _source, ...rest }) => ({ ...rest, current: rest.key === current?.key }));
}

const short = (sha256: string) => `${sha256.slice(0, 12)}…`;

/** What a SIGN names of the document it signs. */
export interface SignedDocumentClaim {
  documentVersion?: number;
  documentSha256?: string;
}

export type SignedDocumentCheck =
  | { status: 'ok'; version: number; sha256: string }
  | { status: 'pending'; version: number }
  | { status: 'refused'; refusal: Refusal };

/**
 * Whether a SIGN binds to the current version. A SIGN may name the version, the hash, or both
 * (a paper signature names the version printed on each page; an e-signature service names the
 * hash of the file it had signed); what it names must be the current version's. `pending` while
 * the worker has not rendered it yet: the workflow then waits for the hash before deciding.
 */
export function checkSignedDocument(
  ledger: readonly DocumentRecord[],
  claim: SignedDocumentClaim,
): SignedDocumentCheck {
  const current = currentConventionRecord(ledger);
  if (!current || current.reason !== 'signature')
    return {
      status: 'refused',
      refusal: {
        ...refused('aucune version du document n’est ouverte à la signature'),
        field: 'documentVersion',
      },
    };
  const expected = () =>
    current.rendered
      ? `version ${current.version}, SHA-256 ${current.rendered.sha256}`
      : `version ${current.version} (empreinte en cours de calcul)`;
  const received = [
    claim.documentVersion !== undefined ? `version ${claim.documentVersion}` : null,
    claim.documentSha256 !== undefined ? `SHA-256 ${claim.documentSha256}` : null,
  ]
    .filter(Boolean)
    .join(', ');
  const mismatch = (field: string): SignedDocumentCheck => ({
    status: 'refused',
    refusal: {
      ...refused(
        `le document signé n’est pas la version courante: attendu ${expected()}; reçu ${received}. Relisez la version courante (GET /conventions/${current.source.conventionId}/document) avant de signer`,
      ),
      field,
    },
  });
  if (claim.documentVersion !== undefined && claim.documentVersion !== current.version)
    return mismatch('documentVersion');
  if (!current.rendered) return { status: 'pending', version: current.version };
  if (claim.documentSha256 !== undefined && claim.documentSha256 !== current.rendered.sha256)
    return mismatch('documentSha256');
  return { status: 'ok', version: current.version, sha256: current.rendered.sha256 };
}

export function describeRecord(record: Pick<DocumentRecord, 'kind' | 'version' | 'rendered'>): string {
  const hash = record.rendered ? `SHA-256 ${short(record.rendered.sha256)}` : 'empreinte en cours de calcul';
  return `${record.kind === 'report' ? 'bilan' : 'version'} ${record.version} (${hash})`;
}
