import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

/**
 * An OIDC issuer on loopback, as an operators' identity provider would be: a discovery document
 * and a JWKS with one RSA key, and access tokens signed with it. Tests sign what they need,
 * including what must be refused (another issuer or audience, expired, signed by another key).
 */
export class OidcIssuer {
  private server = http.createServer((request, response) => this.serve(request, response));
  private privateKey!: SigningKey;
  private jwk!: Record<string, unknown>;
  url = '';
  requests: string[] = [];

  async start(): Promise<this> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    this.privateKey = privateKey;
    this.jwk = { ...(await exportJWK(publicKey)), kid: 'cle-1', alg: 'RS256', use: 'sig' };
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/realms/iscg`;
    return this;
  }

  private serve(request: http.IncomingMessage, response: http.ServerResponse): void {
    this.requests.push(request.url ?? '');
    const base = this.url;
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const json = (value: unknown): void => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    };
    if (path === '/realms/iscg/.well-known/openid-configuration')
      return json({
        issuer: base,
        jwks_uri: `${base}/protocol/openid-connect/certs`,
        authorization_endpoint: `${base}/protocol/openid-connect/auth`,
        token_endpoint: `${base}/protocol/openid-connect/token`,
        userinfo_endpoint: `${base}/protocol/openid-connect/userinfo`,
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
      });
    if (path === '/realms/iscg/protocol/openid-connect/certs') return json({ keys: [this.jwk] });
    response.writeHead(404).end();
  }

  /** An access token for `audience`, valid for `expiresIn` seconds (negative: already expired). */
  async token(
    claims: JWTPayload,
    options: { audience?: string; issuer?: string; expiresIn?: number; key?: SigningKey } = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'cle-1', typ: 'JWT' })
      .setIssuer(options.issuer ?? this.url)
      .setAudience(options.audience ?? 'iscg-codec')
      .setSubject(String(claims.sub ?? 'operateur-1'))
      .setIssuedAt(now - 5)
      .setExpirationTime(now + (options.expiresIn ?? 300))
      .sign(options.key ?? this.privateKey);
  }

  close(): void {
    this.server.close();
  }
}
