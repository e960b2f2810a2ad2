import { type DataConverter, type PayloadCodec } from '@temporalio/common';
import type { Environment } from '../config/env';
import type { OidcSettings } from '../client/auth/oidc';
import { AesGcmPayloadCodec, parseEncryptionKeys } from './payload-codec';

/**
 * Payload encryption as configured: worker, API and CLI build the same data converter from the
 * same keys, so each reads what the others wrote. Without keys, payloads stay plain JSON.
 */
export interface EncryptionSettings {
  codec: PayloadCodec;
  /** The secret path segment of the codec endpoint the Temporal UI calls (`/codec/<token>`). */
  codecToken: string | null;
  /** Origins allowed to call the codec server (the Temporal UI's). */
  corsOrigins: string[];
  /** How the operator's access token, forwarded by the UI, is verified. */
  oidc: OidcSettings | null;
}

export function encryptionFromEnvironment(env: Environment): EncryptionSettings | null {
  if (!env.ISCG_ENCRYPTION_KEYS) return null;
  return {
    codec: new AesGcmPayloadCodec(parseEncryptionKeys(env.ISCG_ENCRYPTION_KEYS, env.ISCG_ENCRYPTION_KEY_ID)),
    codecToken: env.ISCG_CODEC_TOKEN ?? null,
    corsOrigins: (env.ISCG_CODEC_CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    oidc:
      env.ISCG_CODEC_OIDC_ISSUER && env.ISCG_CODEC_OIDC_AUDIENCE
        ? {
            issuer: env.ISCG_CODEC_OIDC_ISSUER,
            audience: env.ISCG_CODEC_OIDC_AUDIENCE,
            ...(env.ISCG_CODEC_OIDC_JWKS_URL ? { jwksUrl: env.ISCG_CODEC_OIDC_JWKS_URL } : {}),
            roleClaim: env.ISCG_CODEC_OIDC_ROLE_CLAIM,
            operatorRole: env.ISCG_CODEC_OIDC_OPERATOR_ROLE,
            departementsClaim: env.ISCG_CODEC_OIDC_DEPARTEMENTS_CLAIM,
          }
        : null,
  };
}

export function dataConverterFor(settings: EncryptionSettings | null): DataConverter | undefined {
  return settings ? { payloadCodecs: [settings.codec] } : undefined;
}
