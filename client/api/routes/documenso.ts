import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { localDate } from '../../../domain/calendar/dates';
import { signatoryPartyIds } from '../../../domain/convention/completeness';
import type { ConventionState, EventResult } from '../../../domain/temporal-contract';
import { departementOfConventionId } from '../../auth/principal';
import { ConventionError } from '../../conventions';
import { withTemporal, type ApiInstance, type RouteContext } from '../context';
import { ApiProblem } from '../problem';
import { jsonResponse, problems } from './docs';

/**
 * Receives Documenso's webhooks (an open-source e-signature service) and turns "a recipient
 * signed" into that party's SIGN, bound to the version and hash the document was created for.
 *
 * What Documenso sends (its source, packages/lib/types/webhook-payload.ts and
 * server-only/webhooks/execute-webhook-call.ts, v2.17.0): a POST of `{ event, payload, createdAt,
 * webhookEndpoint }` with the header `X-Documenso-Secret: <the configured secret>` in clear (no
 * HMAC); `DOCUMENT_SIGNED` and `DOCUMENT_RECIPIENT_COMPLETED` for each recipient who signs (the
 * payload does not say which one: every recipient with its signing status), `DOCUMENT_COMPLETED`
 * once all have; retried up to 3 more times while the answer is not 2xx, order not guaranteed.
 *
 * The document is found by its `externalId`, set when the document is created in Documenso:
 * `iscg:<convention id>:v<version>:<SHA-256 of the PDF uploaded>`. A recipient is the party whose
 * contact address is the recipient's email. Each signed recipient becomes one SIGN with the
 * idempotency key `documenso:<envelope id>:<recipient id>`: whatever the retries and however many
 * events report it, it is applied once. Anything refused is logged and changes nothing.
 */

export interface DocumensoConfig {
  secret: string;
  /** Départements whose conventions may be signed this way; null: all. */
  departements: string[] | null;
}

export const DOCUMENSO_SECRET_HEADER = 'x-documenso-secret';
export const EXTERNAL_ID_PATTERN =
  /^iscg:(convention-[0-9a-z]{2,3}-[a-z0-9]+(?:-[a-z0-9]+)*):v(\d{1,6}):([0-9a-f]{64})$/;

/** The events that carry signatures; every other one is acknowledged and ignored. */
const SIGNING_EVENTS = new Set(['DOCUMENT_SIGNED', 'DOCUMENT_RECIPIENT_COMPLETED', 'DOCUMENT_COMPLETED']);

const recipientSchema = z.looseObject({
  id: z.number().int(),
  email: z.string(),
  name: z.string(),
  role: z.string(),
  signingStatus: z.string(),
  signedAt: z.string().nullable(),
});

/** What the receiver reads of Documenso's body; other keys (and future ones) are accepted and ignored. */
const bodySchema = z.looseObject({
  event: z.string().min(1),
  payload: z.looseObject({
    id: z.number().int(),
    envelopeId: z.string().optional(),
    externalId: z.string().nullable(),
    status: z.string(),
    recipients: z.array(recipientSchema).optional(),
    /** The legacy copy, the only one before Documenso 2.x. */
    Recipient: z.array(recipientSchema).optional(),
  }),
  createdAt: z.string().optional(),
});
type Recipient = z.infer<typeof recipientSchema>;

function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export interface DocumensoSignature {
  partyId: string;
  recipientId: number;
  outcome: 'applied' | 'already-applied';
  phase: string;
}

function signerName(recipient: Recipient): string {
  const name = recipient.name.trim().slice(0, 120);
  return name || `destinataire Documenso ${recipient.id}`;
}

/** The signatory party whose contact address is this recipient's email; ambiguous or unknown: none. */
function partyOf(state: ConventionState, email: string): string[] {
  const wanted = email.trim().toLowerCase();
  const signatories = new Set(signatoryPartyIds(state.data));
  return Object.entries(state.data.parties)
    .filter(
      ([id, party]) => signatories.has(id) && party.contacts.some((c) => c.email.toLowerCase() === wanted),
    )
    .map(([id]) => id);
}

export function documensoRoutes(app: ApiInstance, context: RouteContext, config: DocumensoConfig): void {
  app.post(
    '/webhooks/documenso',
    {
      config: { public: true },
      // The secret is checked before the body is judged: the handler answers a body refused.
      attachValidation: true,
      schema: {
        tags: ['signature électronique'],
        summary: 'Recevoir les webhooks de Documenso (signature électronique)',
        description:
          'Authentifié par l’en-tête `X-Documenso-Secret` (le secret du webhook configuré dans Documenso, `ISCG_DOCUMENSO_SECRET`), pas par une clé d’API. `DOCUMENT_SIGNED`, `DOCUMENT_RECIPIENT_COMPLETED` et `DOCUMENT_COMPLETED` enregistrent la signature (`SIGN`) de chaque destinataire signataire, une seule fois; les autres événements sont acquittés sans effet. Le document Documenso doit porter l’`externalId` `iscg:<convention>:v<version>:<sha256>` (voir `GET /conventions/{id}/documents`).',
        security: [],
        body: bodySchema,
        response: {
          200: jsonResponse(
            'Traité (ou ignoré)',
            z.object({
              event: z.string(),
              status: z.enum(['applied', 'ignored']),
              conventionId: z.string().optional(),
              signatures: z
                .array(
                  z.object({
                    partyId: z.string(),
                    recipientId: z.number().int(),
                    outcome: z.enum(['applied', 'already-applied']),
                    phase: z.string(),
                  }),
                )
                .optional(),
            }),
          ),
          ...problems('unauthenticated', 'forbidden', 'not_found', 'invalid', 'refused'),
        },
      },
    },
    async (request) => {
      const log = request.log;
      const header = request.headers[DOCUMENSO_SECRET_HEADER];
      if (typeof header !== 'string' || !sameSecret(header, config.secret)) {
        log.warn(
          { remoteAddress: request.ip, header: typeof header === 'string' ? 'présent' : 'absent' },
          'documenso: secret invalide, webhook refusé',
        );
        throw new ApiProblem('unauthenticated', 'en-tête X-Documenso-Secret absent ou invalide');
      }
      const refused = request.validationError;
      if (refused) {
        const field = refused instanceof ApiProblem ? refused.extra.field : undefined;
        log.warn({ field, reason: refused.message }, 'documenso: corps illisible, webhook refusé');
        throw refused;
      }
      const { event, payload } = request.body;
      const envelope = payload.envelopeId ?? `document-${payload.id}`;
      const about = { event, envelope, documentId: payload.id };
      if (!SIGNING_EVENTS.has(event)) {
        if (event === 'DOCUMENT_REJECTED')
          log.warn(about, 'documenso: un destinataire a refusé de signer; aucune signature enregistrée');
        else log.info(about, 'documenso: événement sans effet sur la convention');
        return { event, status: 'ignored' as const };
      }

      const match = EXTERNAL_ID_PATTERN.exec(payload.externalId ?? '');
      if (!match) {
        log.warn(
          { ...about, externalId: payload.externalId },
          'documenso: document inconnu (externalId), webhook refusé',
        );
        throw new ApiProblem(
          'not_found',
          'document Documenso sans externalId de convention ("iscg:<convention>:v<version>:<sha256>")',
          { field: 'payload.externalId' },
        );
      }
      const [, conventionId, versionText, sha256] = match as unknown as [string, string, string, string];
      const version = Number(versionText);
      const departement = departementOfConventionId(conventionId);
      if (!departement) throw new ApiProblem('not_found', `convention ${conventionId} introuvable`);
      if (config.departements && !config.departements.includes(departement)) {
        log.warn({ ...about, conventionId }, 'documenso: département non autorisé, webhook refusé');
        throw new ApiProblem(
          'forbidden',
          `Documenso n’est pas habilité pour les conventions du département ${departement}`,
        );
      }

      let state: ConventionState;
      try {
        state = await withTemporal(context, () => context.conventions.get(conventionId));
      } catch (error) {
        if (error instanceof ConventionError && error.refusal.code === 'not_found')
          log.warn({ ...about, conventionId }, 'documenso: convention inconnue, webhook refusé');
        throw error;
      }

      const recipients = (payload.recipients ?? payload.Recipient ?? [])
        .filter((r) => r.role === 'SIGNER' && r.signingStatus === 'SIGNED' && r.signedAt)
        .sort((a, b) => a.id - b.id);
      // Every recipient is matched before anything is sent: a refused payload changes nothing.
      const planned = recipients.map((recipient) => {
        const parties = partyOf(state, recipient.email);
        if (parties.length !== 1) {
          log.warn(
            { ...about, conventionId, recipientId: recipient.id, matches: parties.length },
            'documenso: destinataire sans partie unique, webhook refusé',
          );
          throw new ApiProblem(
            'invalid',
            `destinataire Documenso ${recipient.id}: son adresse ${parties.length === 0 ? 'n’est le contact d’aucune partie signataire' : `est le contact de plusieurs parties (${parties.join(', ')})`} de ${conventionId}`,
            { field: 'payload.recipients' },
          );
        }
        const signedAt = Date.parse(recipient.signedAt!);
        if (Number.isNaN(signedAt))
          throw new ApiProblem('invalid', `destinataire Documenso ${recipient.id}: signedAt illisible`, {
            field: 'payload.recipients.signedAt',
          });
        const partyId = parties[0]!;
        return {
          recipient,
          partyId,
          request: {
            type: 'SIGN' as const,
            payload: {
              partyId,
              signerName: signerName(recipient),
              signerTitle: state.data.parties[partyId]!.representative.title,
              signedOn: localDate(signedAt, state.data.departement),
              eSignatureRef: `documenso:${envelope}/${recipient.id}`,
              documentVersion: version,
              documentSha256: sha256,
            },
            actor: { kind: 'operator' as const, client: 'documenso' },
            idempotencyKey: `documenso:${envelope}:${recipient.id}`,
          },
        };
      });

      const signatures: DocumensoSignature[] = [];
      for (const { recipient, partyId, request: signRequest } of planned) {
        let result: EventResult;
        try {
          result = await withTemporal(context, () => context.conventions.send(conventionId, signRequest));
        } catch (error) {
          if (error instanceof ConventionError)
            log.warn(
              {
                ...about,
                conventionId,
                partyId,
                recipientId: recipient.id,
                code: error.refusal.code,
                reason: error.refusal.message,
              },
              'documenso: signature refusée par la convention',
            );
          throw error;
        }
        signatures.push({
          partyId,
          recipientId: recipient.id,
          outcome: result.replayed ? 'already-applied' : 'applied',
          phase: result.phase,
        });
      }
      log.info(
        {
          ...about,
          conventionId,
          applied: signatures.filter((s) => s.outcome === 'applied').map((s) => s.partyId),
        },
        'documenso: signatures enregistrées',
      );
      return { event, status: 'applied' as const, conventionId, signatures };
    },
  );
}
