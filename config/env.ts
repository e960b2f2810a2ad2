import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';

/**
 * The environment, validated once at start-up into typed configuration. A bad value stops the
 * process with a message naming the variable and the rule; nothing starts half-configured.
 */

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

const environmentSchema = z.object({
  ISCG_DATA_DIR: z.string().default('data'),
  TEMPORAL_ADDRESS: z.string().default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('iscg-conventions'),
  TEMPORAL_TLS: booleanFlag,
  TEMPORAL_TLS_CERT_PATH: optionalString,
  TEMPORAL_TLS_KEY_PATH: optionalString,
  TEMPORAL_TLS_CA_PATH: optionalString,
  TEMPORAL_TLS_SERVER_NAME: optionalString,
  TEMPORAL_API_KEY: optionalString,
  SMTP_URL: optionalString,
  MAIL_FROM: z.string().default('ISCG Conventions <no-reply@iscg.localhost>'),
  MAIL_MESSAGE_ID_DOMAIN: z.string().default('iscg.localhost'),
  PUBLIC_URL: z.url().optional(),
  ANISCG_EMAIL: z.email().optional(),
  ISCG_ENCRYPTION_KEYS: optionalString,
  ISCG_ENCRYPTION_KEY_ID: optionalString,
  ISCG_CODEC_TOKEN: optionalString,
  ISCG_CODEC_CORS_ORIGINS: optionalString,
  ISCG_API_KEYS_FILE: optionalString,
  ISCG_API_KEYS: optionalString,
  PORT: port(3000),
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ISCG_ENV: z.enum(['development', 'production', 'test']).default('development'),
});

export type Environment = z.infer<typeof environmentSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration invalide:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success)
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const value = parsed.data;
  const problems: string[] = [];
  for (const key of [
    'TEMPORAL_TLS_CERT_PATH',
    'TEMPORAL_TLS_KEY_PATH',
    'TEMPORAL_TLS_CA_PATH',
    'ISCG_API_KEYS_FILE',
  ] as const) {
    const file = value[key];
    if (file && !fs.existsSync(file)) problems.push(`${key}: fichier introuvable (${file})`);
  }
  if (Boolean(value.TEMPORAL_TLS_CERT_PATH) !== Boolean(value.TEMPORAL_TLS_KEY_PATH))
    problems.push('TEMPORAL_TLS_CERT_PATH et TEMPORAL_TLS_KEY_PATH vont ensemble (mTLS)');
  if (value.SMTP_URL && !/^smtps?:\/\//.test(value.SMTP_URL))
    problems.push('SMTP_URL: attendu smtp://hôte:port ou smtps://hôte:port');
  if (problems.length > 0) throw new ConfigError(problems);
  return value;
}

export interface TemporalConnectionConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  tls: {
    clientCertPair?: { crt: Buffer; key: Buffer };
    serverRootCACertificate?: Buffer;
    serverNameOverride?: string;
  } | null;
  apiKey: string | undefined;
}

export function temporalConfig(env: Environment): TemporalConnectionConfig {
  const wantsTls = env.TEMPORAL_TLS || Boolean(env.TEMPORAL_TLS_CERT_PATH) || Boolean(env.TEMPORAL_API_KEY);
  const read = (file: string | undefined) => (file ? fs.readFileSync(file) : undefined);
  const crt = read(env.TEMPORAL_TLS_CERT_PATH);
  const key = read(env.TEMPORAL_TLS_KEY_PATH);
  return {
    address: env.TEMPORAL_ADDRESS,
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    tls: wantsTls
      ? {
          ...(crt && key ? { clientCertPair: { crt, key } } : {}),
          ...(env.TEMPORAL_TLS_CA_PATH ? { serverRootCACertificate: read(env.TEMPORAL_TLS_CA_PATH) } : {}),
          ...(env.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: env.TEMPORAL_TLS_SERVER_NAME } : {}),
        }
      : null,
    apiKey: env.TEMPORAL_API_KEY,
  };
}

export function dataPath(env: Environment, ...parts: string[]): string {
  return path.resolve(env.ISCG_DATA_DIR, ...parts);
}
