import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { defaultPayloadConverter } from '@temporalio/common';
import { redactPersonalData } from '../../../security/redaction';
import { ENCRYPTED_ENCODING, conventionOf } from '../../../security/payload-codec';
import { TOKEN_PREFIX, type KeyRing } from '../../auth/keys';
import { OidcVerifier, TokenRefused, type OidcSettings } from '../../auth/oidc';
import { conventionAccess, principalFromKey, type Principal } from '../../auth/principal';
import { z } from 'zod';
import { principalOf, type ApiInstance } from '../context';
import { ApiProblem } from '../problem';

/**
 * The codec server of the Temporal Web UI (Temporal's remote codec protocol: POST …/encode and
 * …/decode with `{ payloads: [{ metadata, data }] }`, base64 fields). It decrypts for the UI and
 * masks personal fields on the way out, so the UI never shows them in clear. Who calls is a
 * person: the operator's OIDC access token the UI forwards, or an operator's API key; in
 * development only, the secret path segment the embedded UI is given (`/codec/<token>`). Each
 * payload names its convention: it is decrypted only if the caller's départements reach it, and
 * calls count against the caller's rate limit like any other.
 */

export interface CodecRouteOptions {
  codec: PayloadCodec;
  token: string | null;
  corsOrigins: string[];
  ring: KeyRing;
  oidc: OidcSettings | null;
}

/** The principal of the path token: the embedded stack's UI, which has no login. */
const DEVELOPMENT_UI: Principal = {
  keyId: 'codec-ui-developpement',
  label: null,
  grant: { kind: 'operator' },
};

/** Who is calling the codec server, or why not (401, or 403 for a valid token without the right). */
export function codecAuthenticator(
  options: CodecRouteOptions,
): (request: FastifyRequest) => Promise<Principal> {
  const verifier = options.oidc ? new OidcVerifier(options.oidc) : null;
  return async (request) => {
    const token = (request.params as { token?: string }).token;
    if (token !== undefined && options.token && sameSecret(token, options.token)) return DEVELOPMENT_UI;
    const header = request.headers.authorization;
    const bearer = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
    if (bearer?.startsWith(TOKEN_PREFIX)) {
      const key = options.ring.authenticate(bearer);
      const principal = key ? principalFromKey(key) : null;
      if (principal?.grant.kind === 'operator') return principal;
      throw new ApiProblem(
        principal ? 'forbidden' : 'unauthenticated',
        principal ? 'serveur de codec: réservé aux opérateurs' : 'clé d’API inconnue ou révoquée',
      );
    }
    if (bearer && verifier)
      try {
        return await verifier.principal(bearer);
      } catch (error) {
        if (error instanceof TokenRefused)
          throw new ApiProblem(
            error.status === 401 ? 'unauthenticated' : 'forbidden',
            error.message,
            {},
            {
              'www-authenticate': 'Bearer realm="iscg-codec", error="invalid_token"',
            },
          );
        throw error;
      }
    throw new ApiProblem(
      'unauthenticated',
      'serveur de codec: jeton d’accès de l’opérateur (transmis par le Web UI) ou clé d’opérateur requis',
    );
  };
}

/** Whether this caller may read the convention a payload belongs to. */
function mayDecode(principal: Principal, payload: Payload): boolean {
  if (Buffer.from(payload.metadata?.encoding ?? new Uint8Array()).toString() !== ENCRYPTED_ENCODING)
    return true;
  const conventionId = conventionOf(payload);
  // Sealed outside any convention (or before they were bound): operators of every département only.
  if (!conventionId) return principal.grant.kind === 'operator' && !principal.grant.departements;
  return conventionAccess(principal, conventionId) === null;
}

/** Base64 as the codec protocol carries it (standard alphabet, padding optional). */
const base64 = z
  .string()
  .max(4 * 1024 * 1024)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, { message: 'base64 attendu' });

const codecBodySchema = z
  .object({
    payloads: z
      .array(
        z.object({
          metadata: z.record(z.string().max(100), base64).optional(),
          data: base64.optional(),
        }),
        { message: 'tableau de payloads { metadata, data } attendu' },
      )
      .max(1000)
      // Protobuf JSON (the `temporal` CLI's --codec-endpoint) leaves an empty list out.
      .default([]),
  })
  .strict();

type JsonPayload = z.output<typeof codecBodySchema>['payloads'][number];

const toPayload = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
  ),
  data: Buffer.from(p.data ?? '', 'base64'),
});

const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [
      k,
      Buffer.from(v ?? new Uint8Array()).toString('base64'),
    ]),
  ),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

function redacted(payload: Payload): Payload {
  const encoding = Buffer.from(payload.metadata?.encoding ?? new Uint8Array()).toString();
  if (encoding !== 'json/plain') return payload;
  try {
    return (
      defaultPayloadConverter.toPayload(redactPersonalData(defaultPayloadConverter.fromPayload(payload))) ??
      payload
    );
  } catch {
    return payload;
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function codecRoutes(app: ApiInstance, options: CodecRouteOptions): void {
  const allowOrigin = (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    if (origin === undefined) return;
    if (!options.corsOrigins.includes(origin))
      throw new ApiProblem('forbidden', `origine ${origin} non autorisée pour le serveur de codec`);
    reply.headers({
      'access-control-allow-origin': origin,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': 'content-type, authorization, x-namespace',
      vary: 'Origin',
    });
  };

  // The origin is checked before the body is judged.
  const route = {
    config: { codec: true },
    schema: { hide: true, body: codecBodySchema },
    preValidation: async (request: FastifyRequest, reply: FastifyReply) => allowOrigin(request, reply),
  };

  // The path token exists on the embedded stack only: production refuses ISCG_CODEC_TOKEN.
  for (const prefix of options.token ? ['/codec', '/codec/:token'] : ['/codec']) {
    app.options(
      prefix + '/:operation',
      { config: { public: true }, schema: { hide: true } },
      (request, reply) => {
        allowOrigin(request, reply);
        return reply.code(204).send();
      },
    );
    app.post(prefix + '/encode', route, async (request) => ({
      payloads: (await options.codec.encode(request.body.payloads.map(toPayload))).map(toJson),
    }));
    app.post(prefix + '/decode', route, async (request) => {
      const principal = principalOf(request);
      const payloads = request.body.payloads.map(toPayload);
      const decoded: Payload[] = [];
      const sealed = new Set<number>();
      // One at a time, so the refusal names the payload; the codec's own message stays here.
      // A payload of a convention out of the caller's reach goes back sealed, as it came.
      for (const [index, payload] of payloads.entries())
        try {
          if (mayDecode(principal, payload)) decoded.push(...(await options.codec.decode([payload])));
          else {
            sealed.add(index);
            decoded.push(payload);
          }
        } catch {
          throw new ApiProblem(
            'invalid',
            `payloads.${index}: payload illisible (clé inconnue, données tronquées ou altérées)`,
            { field: `payloads.${index}` },
          );
        }
      return { payloads: decoded.map((p, i) => (sealed.has(i) ? p : redacted(p))).map(toJson) };
    });
  }
}
