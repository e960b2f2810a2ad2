import type { FastifyInstance, FastifyRequest } from 'fastify';
import { jsonDepth } from '../../domain/json-depth';
import { ApiProblem } from './problem';

/**
 * How request bodies are read: JSON (RFC 8259) in UTF-8 only, nested 32 levels at most, and
 * received whole within a time limit. A convention's data is five levels deep; a body nested
 * thousands of levels deep serves no purpose and breaks the serialisation further on.
 */

export const MAX_JSON_DEPTH = 32;

/** The `charset` parameter of a Content-Type, lower-cased, or null. */
export function charsetOf(contentType: string | undefined): string | null {
  const match = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(contentType ?? '');
  return match ? match[1]!.toLowerCase() : null;
}

const JSON_TYPES = ['application/json', 'application/merge-patch+json'];

/** Replaces Fastify's JSON parser with one that checks the charset and the depth. */
export function registerJsonParsers(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    JSON_TYPES,
    { parseAs: 'string' },
    (request: FastifyRequest, body: string, done: (error: Error | null, value?: unknown) => void) => {
      const charset = charsetOf(request.headers['content-type']);
      if (charset !== null && charset !== 'utf-8' && charset !== 'utf8')
        return done(
          new ApiProblem(
            'unsupported_media_type',
            'jeu de caractères non pris en charge: le JSON est lu en UTF-8 seulement (charset=utf-8 ou rien)',
          ),
        );
      void parseJson(request, body, (error, value) => {
        if (error) return done(error);
        if (jsonDepth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH)
          return done(
            new ApiProblem(
              'malformed',
              `JSON trop imbriqué: ${MAX_JSON_DEPTH} niveaux d’objets ou de tableaux au plus`,
            ),
          );
        done(null, value);
      });
    },
  );
}

/**
 * A body that stops short of its Content-Length would hold the connection open (Node's own
 * request timeout is off under Fastify): it must arrive whole within `timeoutMs`.
 */
export function registerBodyTimeout(app: FastifyInstance, timeoutMs: number): void {
  app.addHook('preParsing', (request, reply, payload, done) => {
    const length = request.headers['content-length'];
    const chunked = request.headers['transfer-encoding'] !== undefined;
    if (!chunked && (length === undefined || length === '0')) return done(null, payload);
    const timer = setTimeout(() => {
      // An error event, not destroy(): the socket stays up for the answer, then closes.
      reply.header('connection', 'close');
      payload.emit(
        'error',
        new ApiProblem('timeout', `corps de requête incomplet après ${timeoutMs / 1000} s`),
      );
    }, timeoutMs);
    const clear = () => clearTimeout(timer);
    payload.once('end', clear);
    payload.once('close', clear);
    payload.once('error', clear);
    done(null, payload);
  });
}
