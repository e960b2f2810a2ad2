/**
 * A national fleet lived in pure code: each convention through three terms (nine years), with
 * every transition its partners send and every email it would send, without Temporal, in
 * seconds (docs/simulation.md).
 *
 *   npm run simulate -- [--conventions 500] [--from 2027-01-04] [--json summary.json] [--eml dossier]
 *
 * It runs the build (`npm start`, `npm test` or `npm run build` make it).
 *
 * Prints the summary (counts by kind of message, by month, by département); --json writes it
 * whole; --eml writes every email as the worker would, one .eml file each.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isCivilDate, type CivilDate } from '../domain/calendar/dates';
import { createMailer, type Mailer } from '../activities/mail/mailer';
import { simulateFleet, type FleetSummary } from '../simulation/fleet';
import { planFleet } from '../simulation/lives';

function fail(message: string): never {
  process.stderr.write(`simulate: ${message}\n`);
  process.exit(2);
}

interface Options {
  conventions: number;
  from: CivilDate;
  json: string | null;
  eml: string | null;
}

/** Bad arguments: the message names the option and the rule. */
export class UsageError extends Error {}

function refuse(message: string): never {
  throw new UsageError(message);
}

export function parseArguments(argv: string[]): Options {
  const options: Options = { conventions: 500, from: '2027-01-04', json: null, eml: null };
  const args = [...argv];
  while (args.length > 0) {
    const arg = args.shift()!;
    const value = () => args.shift() ?? refuse(`${arg}: valeur attendue`);
    if (arg === '--conventions') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1 || n > 100_000) refuse('--conventions: entier de 1 à 100000 attendu');
      options.conventions = n;
    } else if (arg === '--from') {
      const from = value();
      if (!isCivilDate(from)) refuse(`--from: date AAAA-MM-JJ attendue, pas ${JSON.stringify(from)}`);
      options.from = from;
    } else if (arg === '--json') options.json = value();
    else if (arg === '--eml') options.eml = value();
    else refuse(`argument inattendu: ${arg}`);
  }
  return options;
}

function table(title: string, counts: Record<string, number>): string {
  const width = Math.max(...Object.keys(counts).map((k) => k.length), 8);
  return [
    title,
    ...Object.entries(counts).map(([key, n]) => `  ${key.padEnd(width)} ${String(n).padStart(8)}`),
  ].join('\n');
}

export function report(summary: FleetSummary, wallSeconds: number): string {
  return [
    `${summary.conventions} conventions, ${summary.departements} départements, en ${wallSeconds.toFixed(1)} s`,
    `transitions: ${summary.transitions.sent} envoyées, ${summary.transitions.clock} de l’horloge`,
    `courriels: ${summary.emails.sent} (${summary.emails.perConvention} par convention), ${summary.emails.undelivered} sans adresse, ${summary.duplicateMessageIds} en double`,
    `exécutions du workflow: ${summary.runs}`,
    table('périodes vécues', summary.terms),
    table('fins', summary.endings),
    table('courriels par modèle', summary.byTemplate),
    table('courriels par département', summary.byDepartement),
    table('courriels par mois', summary.byMonth),
  ].join('\n');
}

export async function main(argv: string[]): Promise<void> {
  const options = parseArguments(argv);
  const plans = planFleet(options.conventions, options.from);
  let mailer: Mailer | null = null;
  if (options.eml) {
    mailer = createMailer({
      smtpUrl: null,
      outboxDir: options.eml,
      journalDir: fs.mkdtempSync(path.join(os.tmpdir(), 'iscg-simulate-journal-')),
      from: 'Conventions ISCG <conventions@simulation.example.org>',
      messageIdDomain: 'simulation.example.org',
      publicUrl: null,
    });
  }
  const started = performance.now();
  const summary = await simulateFleet(plans, async (life) => {
    if (mailer)
      for (const { at, mail, delivered } of life.mails)
        if (delivered) await mailer.send({ ...mail, issuedAt: at });
  });
  const wallSeconds = (performance.now() - started) / 1000;
  mailer?.close();
  process.stdout.write(`${report(summary, wallSeconds)}\n`);
  if (options.json)
    fs.writeFileSync(options.json, `${JSON.stringify({ ...summary, wallSeconds }, null, 2)}\n`);
  if (options.eml) process.stdout.write(`${summary.emails.sent} fichiers .eml dans ${options.eml}\n`);
}

if (require.main === module)
  main(process.argv.slice(2)).catch((error: unknown) =>
    fail(
      error instanceof UsageError
        ? error.message
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error),
    ),
  );
