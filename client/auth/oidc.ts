import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { DEPARTEMENT_CODES, type DepartementCode } from '../../domain/calendar/departements';
import type { Principal } from './principal';

/**
 * An operator's OIDC access token, as the Temporal Web UI forwards it to the codec server
 * (`TEMPORAL_CODEC_PASS_ACCESS_TOKEN=true`). It is verified against the issuer's published keys
 * (signature, issuer, audience, expiry), then its claims become a scope: the operator role is
 * required, and the départements claim says which conventions that person may decode.
 */

export interface OidcSettings {
  issuer: string;
  audience: string;
  /** Where the issuer publishes its keys; read from its discovery document when absent. */
  jwksUrl?: string;
  /** Claim holding the person's roles (a dotted path: "realm_access.roles" for Keycloak). */
  roleClaim: string;
  /** The role that may decode (the UI is for operators). */
  operatorRole: string;
  /** Claim holding the départements ("59", ["59", "62"], "59 62", or "*" for all). */
  departementsClaim: string;
}

export class TokenRefused extends Error {
  constructor(
    message: string,
    /** 401: the token is not valid; 403: valid, but it gives no right here. */
    readonly status: 401 | 403,
  ) {
    super(message);
    this.name = 'TokenRefused';
  }
}

const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

function claimAt(payload: JWTPayload, path: string): unknown {
  let value: unknown = payload;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function listOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  return [];
}

const CODES = new Map(DEPARTEMENT_CODES.map((code) => [code.toLowerCase(), code]));

export class OidcVerifier {
  private keys: ReturnType<typeof createRemoteJWKSet> | null = null;
  private discovery: Promise<ReturnType<typeof createRemoteJWKSet>> | null = null;

  constructor(readonly settings: OidcSettings) {}

  private keySet(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    if (this.keys) return Promise.resolve(this.keys);
    this.discovery ??= (async () => {
      let url = this.settings.jwksUrl;
      if (!url) {
        const response = await fetch(
          `${this.settings.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
        );
        if (!response.ok) throw new Error(`découverte OIDC: HTTP ${response.status}`);
        const document = (await response.json()) as { issuer?: string; jwks_uri?: string };
        if (document.issuer !== this.settings.issuer || !document.jwks_uri)
          throw new Error('découverte OIDC: émetteur ou jwks_uri inattendus');
        url = document.jwks_uri;
      }
      this.keys = createRemoteJWKSet(new URL(url));
      return this.keys;
    })().finally(() => {
      this.discovery = null;
    });
    return this.discovery;
  }

  /** The principal a valid access token stands for; throws TokenRefused otherwise. */
  async principal(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await this.keySet(), {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: ALGORITHMS,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      if (error instanceof joseErrors.JOSEError)
        throw new TokenRefused(`jeton d’accès refusé (${error.code})`, 401);
      throw error;
    }
    const roles = listOf(claimAt(payload, this.settings.roleClaim));
    if (!roles.includes(this.settings.operatorRole))
      throw new TokenRefused(`le jeton ne porte pas le rôle "${this.settings.operatorRole}"`, 403);
    const listed = listOf(claimAt(payload, this.settings.departementsClaim));
    const all = listed.includes('*');
    const departements = listed
      .map((code) => CODES.get(code.toLowerCase()))
      .filter((code): code is DepartementCode => code !== undefined);
    if (!all && departements.length === 0)
      throw new TokenRefused(`le jeton ne donne aucun département (${this.settings.departementsClaim})`, 403);
    return {
      keyId: `oidc:${payload.sub!}`,
      label: null,
      grant: all ? { kind: 'operator' } : { kind: 'operator', departements },
    };
  }
}
