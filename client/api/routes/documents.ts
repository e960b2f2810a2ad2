import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  conventionRecord,
  currentConventionRecord,
  reportRecord,
  summarize,
  type DocumentRecord,
} from '../../../domain/documents/ledger';
import {
  signatureEntries,
  unversionedSource,
  type ConventionDocumentSource,
  type DocumentSource,
} from '../../../domain/documents/sources';
import type { ConventionState } from '../../../domain/temporal-contract';
import type { DocumentFormat, DocumentRenderer, RenderedFile } from '../../../activities/documents/render';
import { opaque } from '../schemas';
import { readableConvention, withTemporal, type ApiInstance, type RouteContext } from '../context';
import { ApiProblem, type ProblemCode } from '../problem';
import { conventionIdParams, jsonResponse, noBody, problems } from './docs';

/**
 * The convention as documents: the text of each version (PDF to sign, DOCX to review), the signed
 * convention with its certificate page, each year's report to the procureur. Rendered on demand
 * from the sources the workflow keeps; a version's file is immutable, so its hash is its ETag.
 */

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const formatSchema = z.enum(['pdf', 'docx'], { message: 'format attendu: pdf ou docx' });
const documentQuerySchema = z
  .object({
    format: formatSchema.optional(),
    version: z.coerce
      .number({ message: 'numéro de version attendu' })
      .int({ message: 'numéro de version attendu' })
      .min(1, { message: 'les versions commencent à 1' })
      .optional(),
  })
  .strict();
const signedQuerySchema = z
  .object({ format: z.literal('pdf', { message: 'la convention signée est un PDF' }).optional() })
  .strict();
const reportQuerySchema = z
  .object({
    format: formatSchema.optional(),
    term: z.coerce.number({ message: 'numéro de période attendu' }).int().min(1).optional(),
  })
  .strict();
const reportParamsSchema = conventionIdParams.extend({
  year: z.coerce.number({ message: 'année de la convention attendue: 1, 2 ou 3' }).int().min(1).max(3),
});

/** The format asked: `format` wins; otherwise the Accept header; otherwise PDF. */
function negotiated(request: FastifyRequest, format: DocumentFormat | undefined): DocumentFormat {
  if (format) return format;
  const accept = request.headers.accept ?? '';
  return accept.includes(DOCX) && !accept.includes('application/pdf') ? 'docx' : 'pdf';
}

/** RFC 9110: a strong validator, compared as written (a list, or "*"). */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}

const documentHeadersDoc = {
  ETag: { type: 'string', description: 'SHA-256 du fichier, entre guillemets' },
  'X-Document-Version': { type: 'string', description: 'Version du texte, ou « projet »' },
  'X-Document-Sha256': { type: 'string', description: 'SHA-256 du fichier rendu' },
};

const file = z.string().meta({ format: 'binary' });
const binary = (description: string) => ({
  description,
  headers: documentHeadersDoc,
  content: { 'application/pdf': { schema: file }, [DOCX]: { schema: file } },
});
const UNCHANGED = noBody('Inchangé');

/** The answers of a file's download: the file, 304 to a matching `If-None-Match`, the problems named. */
const download = (description: string, ...codes: ProblemCode[]) => ({
  200: binary(description),
  304: UNCHANGED,
  ...problems(...codes),
});

export function documentRoutes(
  app: ApiInstance,
  context: RouteContext,
  renderer: () => DocumentRenderer,
): void {
  const cache = new Map<string, RenderedFile>();
  /** Versions never change: their files are kept, a few dozen at most. */
  const render = async (source: DocumentSource, format: DocumentFormat, key: string | null) => {
    const cacheKey = key ? `${key}/${format}/${renderer().revision}` : null;
    const cached = cacheKey ? cache.get(cacheKey) : undefined;
    if (cached) return cached;
    const file = await renderer().render(source, format);
    if (cacheKey) {
      cache.set(cacheKey, file);
      if (cache.size > 48) cache.delete(cache.keys().next().value!);
    }
    return file;
  };

  const load = async (request: FastifyRequest, id: string) => {
    const state = await readableConvention(context, request, id);
    const documents = await withTemporal(context, () => context.conventions.documents(state.conventionId));
    return { state, documents };
  };

  const send = (
    request: FastifyRequest,
    reply: FastifyReply,
    file: RenderedFile,
    version: string,
    recorded: DocumentRecord | null,
    format: DocumentFormat,
  ) => {
    // A version's PDF must be the bytes its hash was recorded for: a changed template would
    // silently serve another text than the one signed.
    if (recorded?.rendered && format === 'pdf' && recorded.rendered.sha256 !== file.sha256) {
      request.log.warn(
        { recorded: recorded.rendered.sha256, rendered: file.sha256, renderer: recorded.rendered.renderer },
        'document: empreinte différente de celle de la version',
      );
      throw new ApiProblem(
        'refused',
        `la version ${recorded.version} ne se rend plus à l’identique (empreinte enregistrée ${recorded.rendered.sha256}, rendue ${file.sha256}): le modèle a changé depuis (révision ${recorded.rendered.renderer}); voir docs/documents.md, « Modifier le modèle »`,
      );
    }
    const etag = `"${file.sha256}"`;
    reply
      .header('etag', etag)
      .header('cache-control', 'private, no-cache')
      .header('x-document-version', version)
      .header('x-document-sha256', file.sha256)
      .header('vary', 'Accept');
    if (matches(request.headers['if-none-match'], etag)) return reply.code(304).send();
    return reply
      .header('content-disposition', `attachment; filename="${file.filename}"`)
      .type(file.contentType)
      .send(file.bytes);
  };

  app.get(
    '/conventions/:id/documents',
    {
      schema: {
        tags: ['documents'],
        summary: 'Lister les documents d’une convention',
        description:
          'Les versions du texte (numéro, période, empreinte SHA-256 du PDF, pages), la version courante, les bilans annuels transmis au procureur, et si la convention signée est disponible.',
        params: conventionIdParams,
        response: {
          200: jsonResponse(
            'Documents',
            z.object({
              conventionId: z.string(),
              current: opaque.nullable(),
              signatureExternalId: z
                .string()
                .nullable()
                .describe('L’externalId à donner au document créé dans Documenso pour la version à signer'),
              signed: z.boolean(),
              documents: z.array(opaque),
            }),
          ),
          ...problems('forbidden', 'not_found'),
        },
      },
    },
    async (request) => {
      const { state, documents } = await load(request, request.params.id);
      const summaries = summarize(documents);
      const current = summaries.find((d) => d.current) ?? null;
      return {
        conventionId: state.conventionId,
        current,
        // What an e-signature service's document must carry to be recognised (docs/documents.md).
        signatureExternalId:
          current?.reason === 'signature' && current.rendered && state.phase === 'signature'
            ? `iscg:${state.conventionId}:v${current.version}:${current.rendered.sha256}`
            : null,
        signed: signedSource(state, documents) !== null,
        documents: summaries,
      };
    },
  );

  app.get(
    '/conventions/:id/document',
    {
      schema: {
        tags: ['documents'],
        summary: 'Télécharger le texte de la convention (PDF ou DOCX)',
        description:
          'Sans `version`: la version courante (celle à signer, en vigueur, ou décidée pour la période suivante); avant l’ouverture des signatures, le projet tel que les données le remplissent, marqué « non signable ». `format=pdf|docx` ou l’en-tête Accept. `ETag` = SHA-256 du fichier; `If-None-Match` répond 304.',
        params: conventionIdParams,
        querystring: documentQuerySchema,
        response: download('Le document', 'forbidden', 'not_found', 'invalid'),
      },
    },
    async (request, reply) => {
      const query = request.query;
      const format = negotiated(request, query.format);
      const { state, documents } = await load(request, request.params.id);
      let record = currentConventionRecord(documents);
      if (query.version !== undefined) {
        record = conventionRecord(documents, query.version);
        if (!record) {
          const known = documents.filter((d) => d.kind === 'convention').map((d) => d.version);
          throw new ApiProblem(
            'not_found',
            `version ${query.version} inconnue pour ${state.conventionId}${known.length ? ` (versions: ${known.join(', ')})` : ' (aucune version établie: le texte est encore un projet)'}`,
            { field: 'version' },
          );
        }
      }
      if (!record) {
        const source = unversionedSource(state);
        const file = await render(source, format, null);
        return send(request, reply, file, state.term ? 'sans-version' : 'projet', null, format);
      }
      const file = await render(record.source, format, `${state.conventionId}/${record.key}`);
      return send(request, reply, file, String(record.version), record, format);
    },
  );

  app.get(
    '/conventions/:id/document/signed',
    {
      schema: {
        tags: ['documents'],
        summary: 'Télécharger la convention signée, avec son certificat de signature',
        description:
          'Le texte de la version signée, puis une page de certificat: chaque signature (partie, signataire, qualité, date, référence de signature électronique, version et empreinte signées). Disponible quand toutes les parties signataires ont signé.',
        params: conventionIdParams,
        querystring: signedQuerySchema,
        response: download('La convention signée (PDF)', 'forbidden', 'not_found', 'refused'),
      },
    },
    async (request, reply) => {
      const { state, documents } = await load(request, request.params.id);
      const source = signedSource(state, documents);
      if (!source)
        throw new ApiProblem(
          'refused',
          state.signatures.missing.length > 0 || state.phase === 'drafting' || state.phase === 'recruitment'
            ? `la convention n’est pas encore signée par toutes les parties (${state.signatures.missing.length} signature(s) attendue(s))`
            : 'aucune version signée n’est enregistrée pour cette convention (signée avant la gestion des versions)',
          { phase: state.phase },
        );
      const file = await render(source, 'pdf', `${state.conventionId}/signee-v${source.convention.version}`);
      return send(request, reply, file, String(source.convention.version), null, 'pdf');
    },
  );

  app.get(
    '/conventions/:id/reports/:year',
    {
      schema: {
        tags: ['documents'],
        summary: 'Télécharger le bilan annuel transmis au procureur (art. 8)',
        description:
          'Le bilan de l’année 1, 2 ou 3 de la période courante (ou de `term`), tel qu’il a été établi après l’examen du comité de suivi et joint au courriel au procureur.',
        params: reportParamsSchema,
        querystring: reportQuerySchema,
        response: download('Le bilan', 'forbidden', 'not_found', 'invalid'),
      },
    },
    async (request, reply) => {
      const { params, query } = request;
      const format = negotiated(request, query.format);
      const { state, documents } = await load(request, params.id);
      const term = query.term ?? state.term?.number ?? 1;
      const record = reportRecord(documents, term, params.year);
      if (!record)
        throw new ApiProblem(
          'not_found',
          `aucun bilan établi pour l’année ${params.year} de la période ${term}: il l’est quand le comité de suivi a examiné le bilan d’activité`,
          { field: 'year' },
        );
      const file = await render(record.source, format, `${state.conventionId}/${record.key}`);
      return send(request, reply, file, String(record.version), record, format);
    },
  );
}

/** The signed convention, once every signatory has signed the version being signed. */
function signedSource(state: ConventionState, documents: DocumentRecord[]) {
  if (state.signatures.required.length === 0 || state.signatures.missing.length > 0) return null;
  if (state.phase === 'drafting' || state.phase === 'recruitment' || state.phase === 'signature') return null;
  const signed = documents.filter((d) => d.kind === 'convention' && d.reason === 'signature' && d.rendered);
  const record = signed.at(-1);
  if (!record?.rendered) return null;
  return {
    kind: 'signed' as const,
    convention: record.source as ConventionDocumentSource,
    sha256: record.rendered.sha256,
    signatures: signatureEntries(state.signatures.collected),
  };
}
