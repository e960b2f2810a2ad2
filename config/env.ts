import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { TASK_QUEUE } from '../domain/temporal-contract';

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

// ── Operations: logs, metrics, shutdown, worker tuning, secrets from files (docs/production.md) ──

const HOST_PORT = /^(?:\[[0-9A-Fa-f:.]+\]|[^\s:[\]]+):(\d{1,5})$/;

const optionalHostPort = optionalString.refine((v) => v === undefined || HOST_PORT.test(v), {
  message: 'attendu hôte:port (ex. 0.0.0.0:9464)',
});

const optionalCount = (min: number) => z.coerce.number().int().min(min).optional();

const operationsShape = {
  /** `json` (one object per line) or `text`; default `json` in production, `text` otherwise. */
  LOG_FORMAT: z.enum(['json', 'text']).optional(),
  /** Where the worker's Temporal runtime serves Prometheus metrics (`/metrics`); off when unset. */
  ISCG_WORKER_METRICS_ADDRESS: optionalHostPort,
  /** Where the API serves its own Prometheus metrics, on a listener of its own; off when unset. */
  ISCG_API_METRICS_ADDRESS: optionalHostPort,
  /** On SIGTERM: how long running activities and requests get to finish. */
  ISCG_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  /** How often the API reads every convention again for the reports: their figures' freshness. */
  ISCG_REPORTS_REFRESH_SECONDS: z.coerce.number().int().min(1).max(60).default(30),
  ISCG_WORKER_MAX_CACHED_WORKFLOWS: optionalCount(0),
  ISCG_WORKER_MAX_CONCURRENT_ACTIVITIES: optionalCount(1),
  ISCG_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: optionalCount(2),
};

/** Secrets that may be given as `<NAME>_FILE` (Docker secrets) instead of in the environment. */
export const SECRET_FILE_VARIABLES = [
  'SMTP_URL',
  'TEMPORAL_API_KEY',
  'ISCG_ENCRYPTION_KEYS',
  'ISCG_CODEC_TOKEN',
  'ISCG_DOCUMENSO_SECRET',
  'ISCG_MAIL_JOURNAL_URL',
] as const;

function withSecretFiles(env: NodeJS.ProcessEnv, problems: string[]): NodeJS.ProcessEnv {
  const resolved = { ...env };
  for (const name of SECRET_FILE_VARIABLES) {
    const file = env[`${name}_FILE`]?.trim();
    if (!file) continue;
    try {
      const content = fs.readFileSync(file, 'utf8').trim();
      // A parent process may pass on both, with the value it read (npm start does): same secret.
      if (env[name]?.trim() && env[name]?.trim() !== content)
        problems.push(`${name} et ${name}_FILE: l'un ou l'autre, pas les deux`);
      else resolved[name] = content;
    } catch (error) {
      problems.push(
        `${name}_FILE: fichier illisible (${file}): ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
  }
  return resolved;
}

function operationalProblems(value: Environment): string[] {
  const problems: string[] = [];
  if (!HOST_PORT.test(value.TEMPORAL_ADDRESS))
    problems.push(
      `TEMPORAL_ADDRESS: attendu hôte:port (ex. temporal:7233), reçu « ${value.TEMPORAL_ADDRESS} »`,
    );
  const metricsPort = value.ISCG_API_METRICS_ADDRESS && HOST_PORT.exec(value.ISCG_API_METRICS_ADDRESS)?.[1];
  if (metricsPort && Number(metricsPort) === value.PORT)
    problems.push(
      'ISCG_API_METRICS_ADDRESS: un port distinct de PORT (les métriques ne sont pas servies avec l’API)',
    );
  return problems;
}

/** The log format in force: explicit, or JSON lines in production. */
export function logFormat(env: Environment): 'json' | 'text' {
  return env.LOG_FORMAT ?? (env.ISCG_ENV === 'production' ? 'json' : 'text');
}

const environmentSchema = z.object({
  ISCG_DATA_DIR: z.string().default('data'),
  TEMPORAL_ADDRESS: z.string().default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default(TASK_QUEUE),
  TEMPORAL_TLS: booleanFlag,
  TEMPORAL_TLS_CERT_PATH: optionalString,
  TEMPORAL_TLS_KEY_PATH: optionalString,
  TEMPORAL_TLS_CA_PATH: optionalString,
  TEMPORAL_TLS_SERVER_NAME: optionalString,
  TEMPORAL_API_KEY: optionalString,
  SMTP_URL: optionalString,
  /** The mail journal in PostgreSQL (workers on several hosts); a folder under ISCG_DATA_DIR otherwise. */
  ISCG_MAIL_JOURNAL_URL: optionalString,
  MAIL_FROM: z.string().default('ISCG Conventions <no-reply@iscg.localhost>'),
  MAIL_MESSAGE_ID_DOMAIN: z.string().default('iscg.localhost'),
  PUBLIC_URL: z.url().optional(),
  ANISCG_EMAIL: z.email().optional(),
  ISCG_ENCRYPTION_KEYS: optionalString,
  ISCG_ENCRYPTION_KEY_ID: optionalString,
  ISCG_CODEC_TOKEN: optionalString,
  ISCG_CODEC_CORS_ORIGINS: optionalString,
  /** The operators' OIDC issuer: the codec server verifies the access token the Web UI forwards. */
  ISCG_CODEC_OIDC_ISSUER: z.url().optional(),
  ISCG_CODEC_OIDC_AUDIENCE: optionalString,
  ISCG_CODEC_OIDC_JWKS_URL: z.url().optional(),
  ISCG_CODEC_OIDC_ROLE_CLAIM: z.string().default('roles'),
  ISCG_CODEC_OIDC_OPERATOR_ROLE: z.string().default('iscg-operateur'),
  ISCG_CODEC_OIDC_DEPARTEMENTS_CLAIM: z.string().default('iscg_departements'),
  ISCG_API_KEYS_FILE: optionalString,
  ISCG_API_KEYS: optionalString,
  /** Documenso's webhook secret (X-Documenso-Secret): the receiver is on only when it is set. */
  ISCG_DOCUMENSO_SECRET: optionalString.refine((v) => v === undefined || v.length >= 16, {
    message: '16 caractères au moins (le secret est comparé tel quel à l’en-tête X-Documenso-Secret)',
  }),
  /** Départements whose conventions Documenso may sign (comma-separated codes); every one when unset. */
  ISCG_DOCUMENSO_DEPARTEMENTS: optionalString,
  /**
   * The reverse proxy in front of the API, whose X-Forwarded-For is believed: `true` (any
   * address: only when nothing but the proxy reaches the API's port), a number of hops, or
   * addresses and CIDR ranges separated by commas. Unset: the connection's address is the client's.
   */
  ISCG_TRUST_PROXY: optionalString
    .transform((value): boolean | number | string[] | undefined => {
      if (value === undefined) return undefined;
      if (value === 'true') return true;
      if (/^\d+$/.test(value)) return Number(value);
      return value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean);
    })
    .refine(
      (v) =>
        !Array.isArray(v) ||
        v.every(
          (part) =>
            /^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(part) ||
            ['loopback', 'linklocal', 'uniquelocal'].includes(part),
        ),
      {
        message:
          '`true`, un nombre de relais, ou des adresses et plages CIDR séparées par des virgules (ex. 127.0.0.1,172.16.0.0/12)',
      },
    ),
  PORT: port(3000),
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ISCG_ENV: z.enum(['development', 'production', 'test']).default('development'),
  ...operationsShape,
});

export type Environment = z.infer<typeof environmentSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration invalide:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const secretProblems: string[] = [];
  const parsed = environmentSchema.safeParse(withSecretFiles(env, secretProblems));
  if (!parsed.success || secretProblems.length > 0)
    throw new ConfigError([
      ...secretProblems,
      ...(parsed.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? []),
    ]);
  const value = parsed.data;
  const problems: string[] = operationalProblems(value);
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
  if (value.ISCG_CODEC_OIDC_ISSUER && !value.ISCG_CODEC_OIDC_AUDIENCE)
    problems.push(
      'ISCG_CODEC_OIDC_AUDIENCE: requis avec ISCG_CODEC_OIDC_ISSUER (l’audience des jetons du Web UI)',
    );
  // A secret in a URL that the Web UI hands to any visitor authenticates nobody.
  if (value.ISCG_ENV === 'production' && value.ISCG_CODEC_TOKEN)
    problems.push(
      'ISCG_CODEC_TOKEN: refusé en production (le Web UI le donne à qui le demande); le serveur de codec vérifie le jeton OIDC de l’opérateur: ISCG_CODEC_OIDC_ISSUER et ISCG_CODEC_OIDC_AUDIENCE (docs/production.md)',
    );
  if (value.SMTP_URL && !/^smtps?:\/\//.test(value.SMTP_URL))
    problems.push('SMTP_URL: attendu smtp://hôte:port ou smtps://hôte:port');
  if (value.ISCG_MAIL_JOURNAL_URL && !/^postgres(ql)?:\/\/[^/]+\/[^/?]+/.test(value.ISCG_MAIL_JOURNAL_URL))
    problems.push('ISCG_MAIL_JOURNAL_URL: attendu postgres://rôle:mot-de-passe@hôte:5432/base');
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
