import { lookup } from 'node:dns';
import { promises as dns } from 'node:dns';
import * as net from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Where a webhook may be delivered. Outside development a receiver must be a public address: a
 * subscription must not turn the service into a proxy towards its own network (SSRF). The check
 * runs when a subscription is made and again at each delivery, on the address actually dialled.
 */

export class DestinationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DestinationError';
  }
}

/** Only ipaddr.js's "unicast" range is public; loopback, private, link-local, CGNAT... are not. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === 'unicast';
}

export interface DestinationPolicy {
  allowPrivateDestinations: boolean;
}

/** Checks the URL's form: http(s), no credentials, a host. Returns the parsed URL. */
export function parseDestination(url: string, policy: DestinationPolicy): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DestinationError('URL invalide');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new DestinationError('URL http(s) attendue');
  if (parsed.protocol === 'http:' && !policy.allowPrivateDestinations)
    throw new DestinationError('URL https attendue');
  if (parsed.username || parsed.password)
    throw new DestinationError('pas d’identifiants dans l’URL: le secret partagé authentifie les envois');
  if (!parsed.hostname) throw new DestinationError('hôte manquant');
  return parsed;
}

function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/** Resolves the host and refuses it if any of its addresses is not public (unless allowed). */
export async function checkDestination(url: string, policy: DestinationPolicy): Promise<URL> {
  const parsed = parseDestination(url, policy);
  if (policy.allowPrivateDestinations) return parsed;
  const host = bareHost(parsed.hostname);
  let addresses: string[];
  if (net.isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await dns.lookup(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch {
      throw new DestinationError(`nom d’hôte introuvable: ${host}`);
    }
  }
  const blocked = addresses.find((address) => !isPublicAddress(address));
  if (blocked)
    throw new DestinationError(
      `destination refusée: ${host} désigne une adresse privée, locale ou réservée (${blocked})`,
    );
  return parsed;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | { address: string; family: number }[],
  family?: number,
) => void;

/**
 * A `lookup` for http(s).request that refuses non-public addresses at connection time, so a DNS
 * answer that changes between the check and the connection (rebinding) cannot reach inside.
 */
export function guardedLookup(policy: DestinationPolicy) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    lookup(hostname, { ...options, all: true, verbatim: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const blocked = policy.allowPrivateDestinations
        ? undefined
        : addresses.find((a) => !isPublicAddress(a.address));
      if (blocked) {
        const refusal: NodeJS.ErrnoException = new DestinationError(
          `destination refusée: ${hostname} désigne une adresse privée, locale ou réservée (${blocked.address})`,
        );
        refusal.code = 'EDESTINATIONREFUSED';
        return callback(refusal, []);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0]!;
      return callback(null, first.address, first.family);
    });
  };
}
