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

const GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3');
const NAT64_LOCAL_USE = ipaddr.IPv6.parseCIDR('64:ff9b:1::/48');

/** The IPv4 address an IPv6 address carries in its last 32 bits, or at bits 16 to 48 (6to4). */
function embeddedIPv4(address: ipaddr.IPv6, at: 'end' | '6to4'): ipaddr.IPv4 {
  const bytes = address.toByteArray();
  const start = at === 'end' ? 12 : 2;
  return new ipaddr.IPv4(bytes.slice(start, start + 4));
}

function isPublicIPv4(address: ipaddr.IPv4): boolean {
  return address.range() === 'unicast';
}

/**
 * Whether an address may receive webhooks outside development. IPv4: ipaddr.js's "unicast" range
 * only (not loopback, private, link-local, CGNAT, reserved...). IPv6: global unicast (2000::/3)
 * outside the special-purpose ranges; the forms that carry an IPv4 address are judged by it
 * (IPv4-mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`), and those that cannot be
 * judged so are refused (IPv4-compatible `::a.b.c.d`, SIIT, Teredo, local-use NAT64).
 */
export function isPublicAddress(address: string): boolean {
  // `[::1]` as it appears in a URL's host.
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (!ipaddr.isValid(bare) || bare.includes('%')) return false;
  const parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv4') return isPublicIPv4(parsed as ipaddr.IPv4);
  const v6 = parsed as ipaddr.IPv6;
  if (v6.match(NAT64_LOCAL_USE)) return false;
  switch (v6.range()) {
    case 'ipv4Mapped':
    case 'rfc6052':
      return isPublicIPv4(embeddedIPv4(v6, 'end'));
    case '6to4':
      return isPublicIPv4(embeddedIPv4(v6, '6to4'));
    case 'unicast':
      return v6.match(GLOBAL_UNICAST);
    default:
      return false;
  }
}

export interface DestinationPolicy {
  allowPrivateDestinations: boolean;
}

/** Checks the URL's form: http(s), no credentials, a host. Returns the parsed URL. */
export function parseDestination(url: string, policy: DestinationPolicy): URL {
  if (!URL.canParse(url)) throw new DestinationError('URL invalide');
  const parsed = new URL(url);
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
