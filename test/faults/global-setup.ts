import { postgresqlInstall } from '../support/postgresql';
import { requireBuiltStack } from '../support/stack';

/**
 * The fleet runs the built stack; its two-host mode keeps the mail journal in PostgreSQL, which
 * is installed from Debian when missing (scripts/install-postgresql.mjs).
 */
export default function globalSetup(): void {
  requireBuiltStack();
  postgresqlInstall();
}
