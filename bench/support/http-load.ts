import autocannon from 'autocannon';
import { idempotencyKey, type Step } from './plan';

/**
 * Drives conventions over HTTP with autocannon: one connection per convention sending its script
 * in order (one request in flight per convention, as a partner system would), every transition
 * with its Idempotency-Key. One autocannon instance per convention, all at once: an instance's
 * request list is shared by its connections, so a list that names a convention needs its own.
 * Latencies are kept at full precision from each instance's `response` events.
 */
export interface HttpLoadResult {
  requests: number;
  elapsedMs: number;
  latenciesMs: number[];
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
}

function driveOne(
  baseUrl: string,
  token: string,
  conventionId: string,
  steps: Step[],
  keyPrefix: string,
  latenciesMs: number[],
): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: baseUrl,
        connections: 1,
        pipelining: 1,
        maxConnectionRequests: steps.length,
        timeout: 60,
        // The run ends when every connection has sent its script; without this it would stop at 10 s.
        duration: 3600,
        requests: steps.map((s, index) => ({
          method: 'POST',
          path: `/conventions/${conventionId}/events/${s.route}`,
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'idempotency-key': idempotencyKey(keyPrefix, index),
          },
          body: JSON.stringify(s.payload),
        })),
      },
      (error, result) => (error ? reject(error as Error) : resolve(result)),
    );
    instance.on('response', (_client, _status, _bytes, responseTimeMs) => {
      latenciesMs.push(responseTimeMs);
    });
  });
}

export async function driveOverHttp(options: {
  baseUrl: string;
  token: string;
  conventionIds: string[];
  steps: Step[];
  keyPrefix: string;
}): Promise<HttpLoadResult> {
  const latenciesMs: number[] = [];
  const started = performance.now();
  const results = await Promise.all(
    options.conventionIds.map((id) =>
      driveOne(options.baseUrl, options.token, id, options.steps, options.keyPrefix, latenciesMs),
    ),
  );
  const elapsedMs = performance.now() - started;
  const statusCodes: Record<string, number> = {};
  for (const result of results)
    for (const [code, v] of Object.entries(result.statusCodeStats ?? {}))
      statusCodes[code] = (statusCodes[code] ?? 0) + (v.count ?? 0);
  return {
    requests: latenciesMs.length,
    elapsedMs,
    latenciesMs,
    non2xx: results.reduce((n, r) => n + r.non2xx, 0),
    errors: results.reduce((n, r) => n + r.errors, 0),
    statusCodes,
  };
}
