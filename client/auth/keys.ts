import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { DEPARTEMENT_CODES } from '../../domain/calendar/departements';
import { PARTY_ROLES, slugSchema, UNKNOWN_DEPARTEMENT_MESSAGE } from '../../domain/convention/schema';

/**
 * API keys: one bearer token per client system, stored only as a SHA-256 digest. Tokens carry 256
 * random bits, so a plain digest (no salt, no slow hash) is enough: nothing can be guessed from it.
 */

export const TOKEN_PREFIX = 'iscg_';
const TOKEN_PATTERN = /^iscg_[A-Za-z0-9_-]{43}$/;

/** Département codes as they appear in keys and in convention ids ("2a" is accepted for "2A"). */
const departementCodeSchema = z
  .string()
  .transform((code) => code.toUpperCase())
  .pipe(z.enum(DEPARTEMENT_CODES, { message: UNKNOWN_DEPARTEMENT_MESSAGE }));

export const conventionIdSchema = z
  .string()
  .regex(/^convention-(?:\d{2,3}|2a|2b)-[a-z0-9]+(?:-[a-z0-9]+)*$/, {
    message: 'identifiant de convention attendu (ex. "convention-59-lille-centre")',
  });

/** What a key acts for. The workflow checks each act against the convention (ACTS_BY_EVENT). */
export const grantSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('operator'),
      /** Absent: every département. */
      departements: z.array(departementCodeSchema).min(1).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('party-role'),
      role: z.enum(PARTY_ROLES),
      departements: z.array(departementCodeSchema).min(1),
    })
    .strict(),
  z
    .object({
      kind: z.literal('party'),
      partyId: slugSchema,
      conventions: z.array(conventionIdSchema).min(1),
    })
    .strict(),
]);
export type Grant = z.infer<typeof grantSchema>;

export const apiKeySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,62}$/, {
      message: 'identifiant de clé attendu en minuscules, chiffres, ".", "_" ou "-" (2 à 63 caractères)',
    }),
    hash: z.string().regex(/^sha256:[0-9a-f]{64}$/, {
      message: 'empreinte attendue: "sha256:" suivi de 64 chiffres hexadécimaux (voir `iscg keys generate`)',
    }),
    /** The client system's name, for logs and webhook subscriptions. */
    label: z.string().trim().min(1).max(120).optional(),
    actsAs: grantSchema,
    rateLimit: z
      .object({
        max: z.number().int().min(1).max(100_000),
        perSeconds: z.number().int().min(1).max(86_400).default(60),
      })
      .strict()
      .optional(),
  })
  .strict();
export type ApiKey = z.infer<typeof apiKeySchema>;

export class ApiKeysConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`Clés d'API invalides (${source}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ApiKeysConfigError';
  }
}

export function generateToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return `sha256:${createHash('sha256').update(token, 'utf8').digest('hex')}`;
}

/** Parses a key list written in JSON or YAML (YAML reads JSON too). */
export function parseApiKeys(text: string, source: string): ApiKey[] {
  let raw: unknown;
  try {
    raw = YAML.parse(text);
  } catch (error) {
    throw new ApiKeysConfigError(source, [`JSON ou YAML illisible: ${(error as Error).message}`]);
  }
  // A bare list, or `keys:` holding it; checked as a list so each problem names its entry.
  const list =
    raw !== null && typeof raw === 'object' && !Array.isArray(raw) && 'keys' in raw ? raw.keys : (raw ?? []);
  const parsed = z
    .array(apiKeySchema, { message: 'liste de clés attendue (ou un objet { keys: [...] })' })
    .safeParse(list);
  if (!parsed.success)
    throw new ApiKeysConfigError(
      source,
      parsed.error.issues.map((i) => `${i.path.join('.') || '(racine)'}: ${i.message}`),
    );
  return parsed.data;
}

function checkUnique(keys: ApiKey[], source: string): ApiKey[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  const hashes = new Set<string>();
  for (const key of keys) {
    if (ids.has(key.id)) problems.push(`identifiant de clé en double: ${key.id}`);
    if (hashes.has(key.hash)) problems.push(`empreinte en double (clé ${key.id})`);
    ids.add(key.id);
    hashes.add(key.hash);
  }
  if (problems.length > 0) throw new ApiKeysConfigError(source, problems);
  return keys;
}

export interface KeySource {
  /** Contents of ISCG_API_KEYS_FILE, path of ISCG_API_KEYS_FILE, ISCG_API_KEYS... */
  env: NodeJS.ProcessEnv;
  environment: 'development' | 'production' | 'test';
  /** Where a development key is kept when no key is configured. */
  dataDir: string;
}

export interface LoadedKeys {
  keys: ApiKey[];
  /** Human description of where the keys came from, for the start-up log. */
  source: string;
  /** Set when a local development operator key is in use: the file holding its token. */
  developmentKeyFile: string | null;
}

export const DEVELOPMENT_KEY_ID = 'dev-operator';
export const DEVELOPMENT_KEY_FILE = 'dev-operator.key';

/**
 * In development with no key configured, a local operator key is generated once into the data
 * folder (mode 0600) and reused: the API is never open without a key, and the local CLI finds it.
 */
export function developmentKey(dataDir: string): { key: ApiKey; file: string } {
  const file = path.resolve(dataDir, DEVELOPMENT_KEY_FILE);
  let token = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
  if (!TOKEN_PATTERN.test(token)) {
    token = generateToken();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  }
  return {
    key: {
      id: DEVELOPMENT_KEY_ID,
      hash: hashToken(token),
      label: 'Opérateur local (développement)',
      actsAs: { kind: 'operator' },
    },
    file,
  };
}

/** Keys from ISCG_API_KEYS_FILE (JSON or YAML) and/or ISCG_API_KEYS (JSON). */
export function loadApiKeys({ env, environment, dataDir }: KeySource): LoadedKeys {
  const keys: ApiKey[] = [];
  const sources: string[] = [];
  const file = env.ISCG_API_KEYS_FILE?.trim();
  if (file) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new ApiKeysConfigError(`ISCG_API_KEYS_FILE=${file}`, [
        `fichier illisible: ${(error as Error).message}`,
      ]);
    }
    keys.push(...parseApiKeys(text, `ISCG_API_KEYS_FILE=${file}`));
    sources.push(file);
  }
  const inline = env.ISCG_API_KEYS?.trim();
  if (inline) {
    keys.push(...parseApiKeys(inline, 'ISCG_API_KEYS'));
    sources.push('ISCG_API_KEYS');
  }
  if (keys.length > 0)
    return {
      keys: checkUnique(keys, sources.join(' + ')),
      source: sources.join(' + '),
      developmentKeyFile: null,
    };
  if (environment === 'development') {
    const dev = developmentKey(dataDir);
    return { keys: [dev.key], source: dev.file, developmentKeyFile: dev.file };
  }
  throw new ApiKeysConfigError('environnement', [
    `aucune clé d'API configurée (ISCG_ENV=${environment}): définissez ISCG_API_KEYS_FILE ou ISCG_API_KEYS; ` +
      'une clé se crée avec `iscg keys generate` (voir docs/api.md)',
  ]);
}

/**
 * Finds the key a bearer token belongs to, comparing digests in constant time against every key.
 * The API replaces its keys when the keys file changes, without a restart (`replace`).
 */
export class KeyRing {
  private entries: { key: ApiKey; digest: Buffer }[] = [];
  private byId = new Map<string, ApiKey>();

  constructor(keys: ApiKey[]) {
    this.replace(keys);
  }

  replace(keys: ApiKey[]): void {
    this.entries = keys.map((key) => ({ key, digest: Buffer.from(key.hash.slice('sha256:'.length), 'hex') }));
    this.byId = new Map(keys.map((key) => [key.id, key]));
  }

  get size(): number {
    return this.entries.length;
  }

  key(id: string): ApiKey | undefined {
    return this.byId.get(id);
  }

  authenticate(token: string): ApiKey | null {
    const digest = createHash('sha256').update(token, 'utf8').digest();
    let found: ApiKey | null = null;
    // No early exit: the time taken does not depend on which key (if any) matched.
    for (const entry of this.entries) if (timingSafeEqual(entry.digest, digest)) found = entry.key;
    return found;
  }
}
