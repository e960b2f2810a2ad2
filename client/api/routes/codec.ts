import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { defaultPayloadConverter } from '@temporalio/common';
import { redactPersonalData } from '../../../security/redaction';
import type { KeyRing } from '../../auth/keys';
import { principalFromKey } from '../../auth/principal';
import { z } from 'zod';
import { parseOr422 } from '../context';
import { ApiProblem } from '../problem';

/**
 * The codec server of the Temporal Web UI (Temporal's remote codec protocol: POST …/encode and
 * …/decode with `{ payloads: [{ metadata, data }] }`, base64 fields). It decrypts for the UI and
 * masks personal fields on the way out, so the UI never shows them in clear. Callers prove
 * themselves with the secret path segment the UI is configured with (`/codec/<token>`), or with
 * an operator's API key; only the UI's origins may call it from a browser.
 */

export interface CodecRouteOptions {
  codec: PayloadCodec;
  token: string | null;
  corsOrigins: string[];
  ring: KeyRing;
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
      .max(1000),
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

export function codecRoutes(app: FastifyInstance, options: CodecRouteOptions): void {
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

  const authorize = (request: FastifyRequest<{ Params: { token?: string } }>) => {
    const token = request.params.token;
    if (token !== undefined && options.token && sameSecret(token, options.token)) return;
    const header = request.headers.authorization;
    const bearer = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
    const key = bearer ? options.ring.authenticate(bearer) : undefined;
    if (key && principalFromKey(key).grant.kind === 'operator') return;
    throw new ApiProblem('unauthenticated', 'serveur de codec: jeton ou clé d’opérateur requis');
  };

  const body = (request: FastifyRequest): Payload[] =>
    parseOr422(codecBodySchema, request.body ?? {}).payloads.map(toPayload);

  for (const prefix of ['/codec', '/codec/:token']) {
    app.options(
      prefix + '/:operation',
      { config: { public: true }, schema: { hide: true } },
      (request, reply) => {
        allowOrigin(request, reply);
        return reply.code(204).send();
      },
    );
    app.post<{ Params: { token?: string } }>(
      prefix + '/encode',
      { config: { public: true }, schema: { hide: true } },
      async (request, reply) => {
        allowOrigin(request, reply);
        authorize(request);
        return { payloads: (await options.codec.encode(body(request))).map(toJson) };
      },
    );
    app.post<{ Params: { token?: string } }>(
      prefix + '/decode',
      { config: { public: true }, schema: { hide: true } },
      async (request, reply) => {
        allowOrigin(request, reply);
        authorize(request);
        const payloads = body(request);
        const decoded: Payload[] = [];
        // One at a time, so the refusal names the payload; the codec's own message stays here.
        for (const [index, payload] of payloads.entries())
          try {
            decoded.push(...(await options.codec.decode([payload])));
          } catch {
            throw new ApiProblem(
              'invalid',
              `payloads.${index}: payload illisible (clé inconnue, données tronquées ou altérées)`,
              { field: `payloads.${index}` },
            );
          }
        return { payloads: decoded.map(redacted).map(toJson) };
      },
    );
  }
}
