/** Exit codes of `iscg`, stable for scripts (docs/api.md lists them). */
export const EXIT = {
  ok: 0,
  /** Unexpected: a 5xx from the API, a bug. */
  unexpected: 1,
  /** Bad command line, unreadable input file, no API key configured. */
  usage: 2,
  /** 401 or 403: the key is unknown, or may not do this. */
  denied: 3,
  /** 404: no such convention (or route). */
  notFound: 4,
  /** 400, 413, 415, 422: the request itself is wrong (the message names the field). */
  invalid: 5,
  /** 409: refused in the convention's current phase, idempotency conflict, already exists, terminated. */
  refused: 6,
  /** 429: rate limit of the key reached. */
  rateLimited: 7,
  /** 503 or no answer: the API or Temporal cannot be reached. */
  unavailable: 8,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export function exitCodeForStatus(status: number): ExitCode {
  if (status === 401 || status === 403) return EXIT.denied;
  if (status === 404) return EXIT.notFound;
  if (status === 409) return EXIT.refused;
  if (status === 429) return EXIT.rateLimited;
  if (status === 503 || status === 502 || status === 504) return EXIT.unavailable;
  if (status >= 400 && status < 500) return EXIT.invalid;
  return EXIT.unexpected;
}

/** An error the CLI reports and turns into an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    /** The API's problem document, printed as is with --json. */
    readonly problem?: unknown,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
