import * as fs from 'node:fs';
import * as path from 'node:path';
import { findRepoRoot } from '../../scripts/temporal-binaries';
import { DEVELOPMENT_KEY_FILE } from '../auth/keys';
import { CliError, EXIT, exitCodeForStatus } from './exit-codes';

/**
 * The CLI talks to the HTTP API, with the same keys as any client system: what an operator may do
 * from a terminal is exactly what their key allows over HTTP.
 */

export interface ApiTarget {
  url: string;
  token: string;
}

function isLoopback(url: URL): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

/** Where `npm start` keeps its data unless ISCG_DATA_DIR says otherwise: the repository's `data/`. */
function defaultDataDir(): string {
  try {
    return path.join(findRepoRoot(__dirname), 'data');
  } catch {
    return path.resolve('data');
  }
}

/**
 * ISCG_API_URL and ISCG_API_KEY (or ISCG_API_KEY_FILE); locally, the development key as a last
 * resort, from the data folder `npm start` uses, whatever the directory the CLI runs in.
 */
export function resolveTarget(
  env: NodeJS.ProcessEnv,
  urlOption?: string,
  dataDir: string = env.ISCG_DATA_DIR ? path.resolve(env.ISCG_DATA_DIR) : defaultDataDir(),
): ApiTarget {
  const raw = urlOption ?? env.ISCG_API_URL ?? `http://localhost:${env.PORT ?? '3000'}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(`ISCG_API_URL invalide: ${raw}`, EXIT.usage);
  }
  let token = env.ISCG_API_KEY?.trim();
  if (!token && env.ISCG_API_KEY_FILE) {
    try {
      token = fs.readFileSync(env.ISCG_API_KEY_FILE, 'utf8').trim();
    } catch (error) {
      throw new CliError(`ISCG_API_KEY_FILE illisible: ${(error as Error).message}`, EXIT.usage);
    }
  }
  const devFile = path.join(dataDir, DEVELOPMENT_KEY_FILE);
  if (!token && isLoopback(url) && fs.existsSync(devFile)) token = fs.readFileSync(devFile, 'utf8').trim();
  if (!token)
    throw new CliError(
      `aucune clé d’API: définissez ISCG_API_KEY (ou ISCG_API_KEY_FILE); une clé se crée avec \`iscg keys generate\`${isLoopback(url) ? ` (clé de développement cherchée dans ${devFile})` : ''}`,
      EXIT.usage,
    );
  return { url: url.toString().replace(/\/$/, ''), token };
}

export interface ApiAnswer<T> {
  status: number;
  body: T;
  headers: Headers;
}

export interface Problem {
  code?: string;
  detail?: string;
  field?: string;
  phase?: string;
  errors?: { field: string; message: string }[];
}

export function describeProblem(status: number, problem: Problem | string): string {
  if (typeof problem === 'string') return `HTTP ${status}: ${problem.slice(0, 500)}`;
  const lines = [`${problem.detail ?? 'erreur'} (HTTP ${status}${problem.code ? `, ${problem.code}` : ''})`];
  if (problem.phase) lines.push(`  phase actuelle: ${problem.phase}`);
  const errors = problem.errors ?? [];
  // The field is said whether the API lists the errors or names one only.
  if (problem.field && errors.length === 0) lines.push(`  champ: ${problem.field}`);
  for (const e of errors) lines.push(`  - ${e.field || '(corps)'}: ${e.message}`);
  return lines.join('\n');
}

export class ApiClient {
  constructor(private readonly target: ApiTarget) {}

  /** A file (a document): its bytes and headers; errors are read as problems, like `request`. */
  async download(urlPath: string, accept: string): Promise<{ bytes: Buffer; headers: Headers }> {
    let response: Response;
    try {
      response = await fetch(`${this.target.url}${urlPath}`, {
        headers: {
          authorization: `Bearer ${this.target.token}`,
          accept: `${accept}, application/problem+json`,
        },
        signal: AbortSignal.timeout(120_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new CliError(`API injoignable à ${this.target.url} (${cause})`, EXIT.unavailable);
    }
    const bytes = Buffer.from(await response.arrayBuffer());
    if (!response.ok) {
      const text = bytes.toString('utf8');
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
      throw new CliError(
        describeProblem(response.status, parsed as Problem | string),
        exitCodeForStatus(response.status),
        parsed,
      );
    }
    return { bytes, headers: response.headers };
  }

  async request<T>(
    method: string,
    urlPath: string,
    options: { body?: unknown; headers?: Record<string, string>; contentType?: string } = {},
  ): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.target.token}`,
      accept: 'application/json, application/problem+json',
      ...options.headers,
    };
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = options.contentType ?? 'application/json';
    }
    let response: Response;
    try {
      response = await fetch(`${this.target.url}${urlPath}`, {
        method,
        headers,
        body,
        signal: AbortSignal.timeout(60_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new CliError(`API injoignable à ${this.target.url} (${cause})`, EXIT.unavailable);
    }
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    if (!response.ok)
      throw new CliError(
        describeProblem(response.status, parsed as Problem | string),
        exitCodeForStatus(response.status),
        parsed,
      );
    return { status: response.status, body: parsed as T, headers: response.headers };
  }
}
