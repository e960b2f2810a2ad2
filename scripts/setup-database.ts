import * as fs from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { Client } from 'pg';
import {
  DATABASES,
  MIGRATIONS_TABLE,
  migrationsDir,
  missingMigrations,
  type ServiceDatabase,
} from '../database/databases';

/**
 * One-shot set-up of one of the service's own databases beside Temporal's (the container's
 * `setup-database <name>` role; database/databases.ts lists them):
 *   1. with the PostgreSQL administrator's account (the variables of Temporal's schema job:
 *      POSTGRES_SEEDS, DB_PORT, POSTGRES_USER, POSTGRES_PWD_FILE), creates the role and the
 *      database named in the database's URL (its secret, e.g. ISCG_MAIL_JOURNAL_URL_FILE) if
 *      absent, sets the role's password to the URL's, and keeps other roles out;
 *   2. as that role, applies the migrations still missing with node-pg-migrate, in one
 *      transaction, under its advisory lock (two jobs at once wait for each other).
 * Safe to run again: an up-to-date database is left as it is. Exits non-zero, saying why.
 */

interface MigrationRunner {
  runner: (options: Record<string, unknown>) => Promise<{ name: string }[]>;
}

const say = (line: string) => console.log(line);

function secret(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const file = env[`${name}_FILE`]?.trim();
  if (file) return fs.readFileSync(file, 'utf8').trim() || undefined;
  return env[name]?.trim() || undefined;
}

function required(value: string | undefined, what: string): string {
  if (!value) throw new Error(`${what} requis`);
  return value;
}

export interface Target {
  user: string;
  password: string;
  database: string;
  url: string;
}

/** The role, password and database a service database's URL names. */
export function targetOf(url: string, variable: string): Target {
  if (!URL.canParse(url))
    throw new Error(`${variable}: URL illisible (attendu postgres://rôle:mot-de-passe@hôte:5432/base)`);
  const parsed = new URL(url);
  if (!/^postgres(ql)?:$/.test(parsed.protocol))
    throw new Error(`${variable}: attendu postgres://rôle:mot-de-passe@hôte:5432/base`);
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  const database = decodeURIComponent(parsed.pathname.slice(1));
  if (!user || !password || !database)
    throw new Error(`${variable}: le rôle, le mot de passe et la base sont requis dans l’URL`);
  return { user, password, database, url };
}

async function connectWithRetry(config: ConstructorParameters<typeof Client>[0], attempts: number) {
  for (let attempt = 1; ; attempt++) {
    const client = new Client(config);
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (attempt >= attempts) throw error;
      await delay(2_000);
    }
  }
}

export async function setupDatabase(database: ServiceDatabase, env: NodeJS.ProcessEnv): Promise<void> {
  const target = targetOf(
    required(secret(database.urlVariable, env), `${database.urlVariable} (ou ${database.urlVariable}_FILE)`),
    database.urlVariable,
  );
  const attempts = Number(env.ISCG_SETUP_ATTEMPTS ?? 60);
  const admin = await connectWithRetry(
    {
      host: required(env.POSTGRES_SEEDS, 'POSTGRES_SEEDS (hôte PostgreSQL)'),
      port: Number(env.DB_PORT ?? 5432),
      user: required(env.POSTGRES_USER, 'POSTGRES_USER'),
      password: secret('POSTGRES_PWD', env) ?? '',
      database: 'postgres',
      application_name: 'iscg-setup-database',
    },
    attempts,
  );
  say(`base ${target.database} (${database.purpose}): rôle ${target.user}`);
  try {
    // Two jobs at once (a restart, a second host) take turns.
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [`iscg-setup-database:${target.database}`]);
    const role = admin.escapeIdentifier(target.user);
    const roleExists = (await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [target.user]))
      .rowCount;
    if (target.user !== env.POSTGRES_USER) {
      // The secret is the reference: a changed password there is the role's new password.
      const password = admin.escapeLiteral(target.password);
      await admin.query(
        roleExists
          ? `ALTER ROLE ${role} WITH LOGIN PASSWORD ${password}`
          : `CREATE ROLE ${role} LOGIN PASSWORD ${password}`,
      );
      say(
        `  rôle ${target.user}: ${roleExists ? 'existe déjà (mot de passe aligné sur le secret)' : 'créé'}`,
      );
    }
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [target.database]))
      .rowCount;
    const name = admin.escapeIdentifier(target.database);
    if (!exists) {
      await admin.query(`CREATE DATABASE ${name} OWNER ${role} ENCODING 'UTF8' TEMPLATE template0`);
      await admin.query(`REVOKE ALL ON DATABASE ${name} FROM PUBLIC`);
      say(`  base ${target.database}: créée, propriété de ${target.user}, fermée aux autres rôles`);
    } else say(`  base ${target.database}: existe déjà`);
  } finally {
    await admin.end();
  }

  // Migrations run as the role that will use the tables, so that it owns them.
  // node-pg-migrate is an ES module: Node.js loads it from here with require(esm) (20.19 and later).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runner } = require('node-pg-migrate') as MigrationRunner;
  const applied = await runner({
    databaseUrl: target.url,
    dir: migrationsDir(database),
    migrationsTable: MIGRATIONS_TABLE,
    // `<id>.up.sql` and `<id>.down.sql` are one migration, recorded as `<id>`.
    migrationLoaderStrategies: [{ extensions: ['.sql'], loader: 'sql' }],
    direction: 'up',
    checkOrder: true,
    singleTransaction: true,
    advisoryLockMode: 'wait',
    log: () => undefined,
  });
  for (const migration of applied) say(`  migration ${migration.name}: appliquée`);
  const client = new Client({ connectionString: target.url });
  await client.connect();
  try {
    const missing = await missingMigrations(client, database);
    if (missing.length > 0) throw new Error(`migrations encore manquantes: ${missing.join(', ')}`);
    const total = (await client.query(`SELECT count(*)::int AS n FROM ${MIGRATIONS_TABLE}`)).rows[0] as {
      n: number;
    };
    say(`base ${target.database}: schéma à jour (${total.n} migration(s))`);
  } finally {
    await client.end();
  }
}

if (require.main === module) {
  const name = process.argv[2];
  const database = name ? DATABASES[name] : undefined;
  if (!database) {
    console.error(`base inconnue « ${name ?? ''} »: ${Object.keys(DATABASES).join(', ')}`);
    process.exit(64);
  }
  setupDatabase(database, process.env).catch((error: unknown) => {
    console.error(
      `échec de la mise en place de la base ${name}: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  });
}
