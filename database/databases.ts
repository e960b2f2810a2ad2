import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ClientBase } from 'pg';
import { findRepoRoot } from '../scripts/temporal-binaries';

/**
 * The service's own PostgreSQL databases, beside Temporal's. Each has a folder of versioned SQL
 * migrations (`database/<name>/migrations/`, `<timestamp>_<what>.up.sql` and `.down.sql`) applied
 * by node-pg-migrate, which records them in the database's `schema_migrations` table, and the
 * variable that holds its URL (role, password, host, database). The set-up job
 * (`scripts/setup-database.ts`) creates the role and the database from that URL, then migrates;
 * a process that uses one checks at start that no migration is missing.
 *
 * Another database is one more entry here and one more folder: the same job and the same check
 * serve it.
 */

export interface ServiceDatabase {
  /** Its folder under database/, and its name in the set-up job's arguments. */
  name: string;
  /** The variable holding its URL (`<NAME>_FILE` for a Docker secret). */
  urlVariable: string;
  /** What it is for, in the job's output. */
  purpose: string;
}

export const DATABASES: Record<string, ServiceDatabase> = {
  'mail-journal': {
    name: 'mail-journal',
    urlVariable: 'ISCG_MAIL_JOURNAL_URL',
    purpose: 'journal des courriels: chaque courriel envoyé une fois, quel que soit le worker',
  },
};

/** The table node-pg-migrate keeps in each database. */
export const MIGRATIONS_TABLE = 'schema_migrations';

export function migrationsDir(database: ServiceDatabase): string {
  return path.join(findRepoRoot(__dirname), 'database', database.name, 'migrations');
}

/** The migrations shipped with this code, by the name node-pg-migrate records, in order. */
export function shippedMigrations(database: ServiceDatabase): string[] {
  const names = fs
    .readdirSync(migrationsDir(database))
    .filter((file) => file.endsWith('.up.sql'))
    .map((file) => file.slice(0, -'.up.sql'.length));
  return names.sort();
}

/** The shipped migrations the database has not run: empty when its schema is this code's. */
export async function missingMigrations(client: ClientBase, database: ServiceDatabase): Promise<string[]> {
  const exists = await client.query<{ found: string | null }>('SELECT to_regclass($1) AS found', [
    `public.${MIGRATIONS_TABLE}`,
  ]);
  const applied = exists.rows[0]?.found
    ? new Set(
        (await client.query<{ name: string }>(`SELECT name FROM ${MIGRATIONS_TABLE}`)).rows.map(
          (r) => r.name,
        ),
      )
    : new Set<string>();
  return shippedMigrations(database).filter((name) => !applied.has(name));
}
