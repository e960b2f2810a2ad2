import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import YAML from 'yaml';
import { z } from 'zod';
import { PARTY_ROLES } from '../../domain/convention/schema';
import { ACTING_ROLE_LABELS, ACTS_BY_EVENT } from '../../domain/lifecycle/authorization';
import {
  EVENT_LABELS,
  EXTERNAL_EVENT_TYPES,
  eventPayloadSchemas,
  eventSlug,
  eventTypeFromSlug,
  type ExternalEventType,
} from '../../domain/lifecycle/events';
import { PHASES } from '../../domain/lifecycle/phase';
import { FINANCING_TABLES } from '../../domain/reports/tables';
import type { ConventionState, EventResult } from '../../domain/temporal-contract';
import { apiKeySchema, generateToken, hashToken, parseApiKeys, type ApiKey, type Grant } from '../auth/keys';
import type { ConventionSummary } from '../conventions';
import { ApiClient, resolveTarget } from './api-client';
import { CliError, EXIT } from './exit-codes';
import { formatList, formatResult, formatState } from './format';
import { formatActivity, formatDeadlines, formatFinancing } from './report-format';

export interface CliIo {
  stdout: { write(text: string | Uint8Array): unknown };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
  /** Read for `--file -`. */
  readStdin?: () => Promise<string>;
}

const EXIT_CODES_HELP = `
Codes de sortie:
  0  succès
  1  erreur inattendue (5xx)
  2  usage: arguments, fichier d'entrée illisible, clé d'API absente
  3  authentification ou droits (401, 403)
  4  convention introuvable (404)
  5  requête invalide (400, 413, 415, 422): le message nomme le champ
  6  refusé par la convention (409: phase, clé d'idempotence, existe déjà, terminée)
  7  limite de débit de la clé atteinte (429)
  8  API ou Temporal injoignable (503, réseau)

Environnement: ISCG_API_URL (défaut http://localhost:3000), ISCG_API_KEY ou ISCG_API_KEY_FILE.`;

async function readInput(file: string, io: CliIo): Promise<unknown> {
  let text: string;
  try {
    text = file === '-' ? await (io.readStdin ?? readProcessStdin)() : fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`fichier illisible: ${file} (${(error as Error).message})`, EXIT.usage);
  }
  return parseDocument(text, file);
}

function parseDocument(text: string, source: string): unknown {
  try {
    // YAML 1.2 reads JSON as well; dates stay strings (core schema).
    return YAML.parse(text) as unknown;
  } catch (error) {
    throw new CliError(`${source}: JSON ou YAML illisible (${(error as Error).message})`, EXIT.usage);
  }
}

function readProcessStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

function eventTypeArgument(value: string): ExternalEventType {
  const type =
    eventTypeFromSlug(value) ??
    ((EXTERNAL_EVENT_TYPES as string[]).includes(value) ? (value as ExternalEventType) : undefined);
  if (!type)
    throw new InvalidArgumentError(
      `événement inconnu; au choix: ${EXTERNAL_EVENT_TYPES.map(eventSlug).join(', ')}`,
    );
  return type;
}

function dateOption(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new InvalidArgumentError('date AAAA-MM-JJ attendue');
  return value;
}

function positiveInteger(value: string): number {
  if (!/^[1-9]\d{0,5}$/.test(value)) throw new InvalidArgumentError('nombre entier positif attendu');
  return Number(value);
}

const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

interface DocumentsListing {
  conventionId: string;
  current: { version: number; rendered: { sha256: string } | null } | null;
  signatureExternalId: string | null;
  signed: boolean;
  documents: {
    kind: string;
    version: number;
    term: number;
    termYear: number | null;
    reason: string;
    current: boolean;
    rendered: { sha256: string; pages: number; bytes: number } | null;
  }[];
}

function formatDocuments(listing: DocumentsListing): string {
  if (listing.documents.length === 0)
    return `${listing.conventionId}: aucune version établie (le texte est un projet: iscg document ${listing.conventionId})`;
  const lines = listing.documents.map((d) => {
    const what =
      d.kind === 'report'
        ? `bilan ${d.version} (période ${d.term}, année ${d.termYear})`
        : `version ${d.version} (période ${d.term}, ${d.reason === 'renewal' ? 'reconduction' : 'signature'})`;
    const hash = d.rendered
      ? `SHA-256 ${d.rendered.sha256}, ${d.rendered.pages} pages`
      : 'empreinte en cours de calcul';
    return `${d.current ? '*' : ' '} ${what}: ${hash}`;
  });
  if (listing.signed) lines.push(`  convention signée: iscg document ${listing.conventionId} --signed`);
  if (listing.signatureExternalId)
    lines.push(`  externalId Documenso de la version à signer: ${listing.signatureExternalId}`);
  return lines.join('\n');
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function buildProgram(io: CliIo): Command {
  const program = new Command('iscg');
  const print = (text: string) => io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  const json = () => program.opts<{ json?: boolean }>().json === true;
  const api = () => new ApiClient(resolveTarget(io.env, program.opts<{ apiUrl?: string }>().apiUrl));
  const output = (value: unknown, human: () => string) =>
    print(json() ? JSON.stringify(value, null, 2) : human());

  program
    .description('Conventions ISCG: créer, rechercher, consulter, faire avancer (par l’API HTTP)')
    .option('--json', 'sortie JSON (pour les scripts), erreurs comprises')
    .option('--api-url <url>', 'adresse de l’API (défaut: ISCG_API_URL, sinon http://localhost:3000)')
    .addHelpText('after', EXIT_CODES_HELP)
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride();

  program
    .command('create')
    .description('créer un projet de convention depuis un fichier JSON ou YAML ({ slug, data })')
    .argument('<fichier>', 'fichier .json, .yaml (ou - pour l’entrée standard)')
    .action(async (file: string) => {
      const body = await readInput(file, io);
      const { body: created } = await api().request<{ conventionId: string; state: ConventionState }>(
        'POST',
        '/conventions',
        { body },
      );
      output(created, () => {
        const blanks = created.state.missingBlanks;
        return `Convention créée: ${created.conventionId} (phase ${created.state.phase})${
          blanks.length > 0
            ? `\n${blanks.length} blanc(s) à compléter: iscg show ${created.conventionId}`
            : ''
        }`;
      });
    });

  program
    .command('list')
    .description('lister et rechercher les conventions (visibilité Temporal)')
    .addOption(new Option('--phase <phase>', 'phase').choices([...PHASES]))
    .option('--departement <code>', 'département (ex. 59, 2A, 971)')
    .option('--employer <organisation>', 'organisation employeuse, nom exact')
    .option('--site <site>', 'site, nom exact')
    .option('--deadline-before <date>', 'prochaine échéance au plus tard ce jour', dateOption)
    .option('--deadline-after <date>', 'prochaine échéance au plus tôt ce jour', dateOption)
    .option('--deadline-kind <type>', 'type de la prochaine échéance (ex. salary-payment)')
    .option('--suspended', 'seulement les conventions suspendues')
    .option('--not-suspended', 'seulement les conventions non suspendues')
    .option('--limit <n>', 'nombre maximal de résultats', '200')
    .action(async (options: Record<string, string | boolean | undefined>) => {
      const query = new URLSearchParams();
      const map: Record<string, string> = {
        phase: 'phase',
        departement: 'departement',
        employer: 'employer',
        site: 'site',
        deadlineBefore: 'deadlineBefore',
        deadlineAfter: 'deadlineAfter',
        deadlineKind: 'deadlineKind',
        limit: 'limit',
      };
      for (const [option, param] of Object.entries(map))
        if (typeof options[option] === 'string') query.set(param, options[option]);
      if (options.suspended) query.set('suspended', 'true');
      if (options.notSuspended) query.set('suspended', 'false');
      const { body } = await api().request<{ count: number; conventions: ConventionSummary[] }>(
        'GET',
        `/conventions?${query.toString()}`,
      );
      output(body, () => formatList(body.conventions));
    });

  const report = program
    .command('report')
    .description('la vue d’ensemble sur les conventions que la clé peut lire (GET /reports/…)');
  const reportCommand = (
    name: 'financing' | 'deadlines' | 'activity',
    description: string,
    human: (body: never) => string,
  ) => {
    const command = report
      .command(name)
      .description(description)
      .option('--departement <code>', 'département (répétable, ex. 59)', collect)
      .addOption(
        new Option('--phase <phase>', 'phase actuelle (répétable)').choices([...PHASES]).argParser(collect),
      )
      .option('--csv', 'le tableau en CSV (séparateur « ; », UTF-8 avec BOM, virgule décimale)')
      .option('-o, --output <fichier>', 'écrit le résultat dans ce fichier plutôt qu’à l’écran');
    if (name === 'deadlines') command.option('--days <n>', 'horizon en jours (défaut 30)');
    else
      command.option(
        '--years <années>',
        'années civiles: 2027, 2027-2029 ou 2026,2028 (défaut: l’année en cours)',
      );
    if (name === 'financing')
      command.addOption(
        new Option('--table <tableau>', 'tableau du CSV').choices([...FINANCING_TABLES]).default('annees'),
      );
    command.action(
      async (options: {
        departement?: string[];
        phase?: string[];
        csv?: boolean;
        output?: string;
        days?: string;
        years?: string;
        table?: string;
      }) => {
        if (options.csv && json()) throw new CliError('--csv ou --json, pas les deux', EXIT.usage);
        const query = new URLSearchParams();
        if (options.years) query.set('years', options.years);
        if (options.days) query.set('days', options.days);
        if (options.departement?.length) query.set('departements', options.departement.join(','));
        if (options.phase?.length) query.set('phase', options.phase.join(','));
        const write = (data: string | Buffer) => {
          if (options.output) {
            fs.writeFileSync(options.output, data);
            io.stderr.write(`écrit: ${options.output}\n`);
          } else io.stdout.write(data);
        };
        if (options.csv) {
          query.set('format', 'csv');
          if (options.table) query.set('table', options.table);
          write((await api().download(`/reports/${name}?${query.toString()}`, 'text/csv')).bytes);
          return;
        }
        const { body } = await api().request<never>('GET', `/reports/${name}?${query.toString()}`);
        const text = json() ? JSON.stringify(body, null, 2) : human(body);
        write(text.endsWith('\n') ? text : `${text}\n`);
      },
    );
  };
  reportCommand(
    'financing',
    'financement par année, département et payeur; suspensions; douze prochains mois; fins de période',
    formatFinancing,
  );
  reportCommand(
    'deadlines',
    'échéances en retard ou dans les N prochains jours, avec qui doit agir',
    formatDeadlines,
  );
  reportCommand(
    'activity',
    'bilans d’activité attendus, reçus, en retard; indicateurs additionnés',
    formatActivity,
  );

  program
    .command('show')
    .description('état d’une convention, avec son historique et ses échéances')
    .argument('<id>', 'identifiant (convention-<département>-<slug>)')
    .option('--all', 'toutes les échéances')
    .action(async (id: string, options: { all?: boolean }) => {
      const { body } = await api().request<ConventionState>('GET', `/conventions/${encodeURIComponent(id)}`);
      output(body, () => formatState(body, options));
    });

  program
    .command('send')
    .description('envoyer un événement (iscg events pour la liste et les corps attendus)')
    .argument('<id>', 'identifiant de la convention')
    .argument('<événement>', 'ex. sign, record-payment, submit-activity-report', eventTypeArgument)
    .option('--data <json>', 'corps de l’événement, en JSON')
    .option('--file <fichier>', 'corps de l’événement, fichier JSON ou YAML (- pour l’entrée standard)')
    .option('--idempotency-key <clé>', 'rend l’envoi sûr à répéter (8 à 128 caractères A-Z a-z 0-9 . _ : -)')
    .action(
      async (
        id: string,
        type: ExternalEventType,
        options: { data?: string; file?: string; idempotencyKey?: string },
      ) => {
        if (options.data !== undefined && options.file !== undefined)
          throw new CliError('--data ou --file, pas les deux', EXIT.usage);
        let payload: unknown = {};
        if (options.data !== undefined) {
          try {
            payload = JSON.parse(options.data);
          } catch (error) {
            throw new CliError(`--data: JSON illisible (${(error as Error).message})`, EXIT.usage);
          }
        } else if (options.file !== undefined) payload = await readInput(options.file, io);
        const { body } = await api().request<EventResult>(
          'POST',
          `/conventions/${encodeURIComponent(id)}/events/${eventSlug(type)}`,
          {
            body: payload,
            ...(options.idempotencyKey ? { headers: { 'idempotency-key': options.idempotencyKey } } : {}),
          },
        );
        output(body, () => formatResult(body));
      },
    );

  program
    .command('events')
    .description('les événements, qui peut les envoyer et, pour l’un d’eux, le schéma de son corps')
    .argument('[événement]', 'un événement (ex. sign)', eventTypeArgument)
    .action((type: ExternalEventType | undefined) => {
      if (type) {
        const schema = z.toJSONSchema(eventPayloadSchemas[type], { io: 'input', unrepresentable: 'any' });
        output(
          schema,
          () => `${EVENT_LABELS[type]} (${eventSlug(type)})\n${JSON.stringify(schema, null, 2)}`,
        );
        return;
      }
      const rows = EXTERNAL_EVENT_TYPES.map((t) => ({
        event: eventSlug(t),
        type: t,
        label: EVENT_LABELS[t],
        allowedTo: ACTS_BY_EVENT[t].map((r) => ACTING_ROLE_LABELS[r]),
      }));
      output(rows, () =>
        rows.map((r) => `${pad(r.event, 30)} ${r.label} — ${r.allowedTo.join(', ')}`).join('\n'),
      );
    });

  program
    .command('document')
    .description('télécharger la convention (PDF ou DOCX), la convention signée ou un bilan annuel')
    .argument('<id>', 'identifiant de la convention')
    .option('--version <n>', 'version du texte (défaut: la version courante, ou le projet)', positiveInteger)
    .addOption(new Option('--format <format>', 'format du fichier').choices(['pdf', 'docx']).default('pdf'))
    .option('--signed', 'la convention signée, avec son certificat de signature (PDF)')
    .option('--report <année>', 'le bilan annuel transmis au procureur: année 1, 2 ou 3', positiveInteger)
    .option('--term <n>', 'avec --report: la période (défaut: la période en cours)', positiveInteger)
    .option(
      '-o, --output <fichier>',
      'où écrire le fichier (- pour la sortie standard; défaut: son nom, ici)',
    )
    .option('--info', 'les versions et leurs empreintes, sans télécharger')
    .action(
      async (
        id: string,
        options: {
          version?: number;
          format: 'pdf' | 'docx';
          signed?: boolean;
          report?: number;
          term?: number;
          output?: string;
          info?: boolean;
        },
      ) => {
        const base = `/conventions/${encodeURIComponent(id)}`;
        if (options.info) {
          const { body } = await api().request<DocumentsListing>('GET', `${base}/documents`);
          output(body, () => formatDocuments(body));
          return;
        }
        if (
          [options.signed, options.report !== undefined, options.version !== undefined].filter(Boolean)
            .length > 1
        )
          throw new CliError('--version, --signed et --report s’excluent', EXIT.usage);
        if (options.signed && options.format !== 'pdf')
          throw new CliError('la convention signée n’existe qu’en PDF', EXIT.usage);
        const query = new URLSearchParams({ format: options.format });
        if (options.version !== undefined) query.set('version', String(options.version));
        if (options.term !== undefined) query.set('term', String(options.term));
        const target = options.signed
          ? `${base}/document/signed`
          : options.report !== undefined
            ? `${base}/reports/${options.report}?${query.toString()}`
            : `${base}/document?${query.toString()}`;
        const { bytes, headers } = await api().download(
          target,
          options.format === 'pdf' ? 'application/pdf' : DOCX_TYPE,
        );
        const filename =
          /filename="([^"]+)"/.exec(headers.get('content-disposition') ?? '')?.[1] ??
          `${id}.${options.format}`;
        const described = {
          file: options.output === '-' ? null : path.resolve(options.output ?? filename),
          version: headers.get('x-document-version'),
          sha256: headers.get('x-document-sha256'),
          bytes: bytes.length,
        };
        if (options.output === '-') {
          io.stdout.write(bytes);
          return;
        }
        fs.writeFileSync(described.file!, bytes);
        output(
          described,
          () =>
            `${described.file} (version ${described.version}, ${bytes.length} octets)\nSHA-256 ${described.sha256}`,
        );
      },
    );

  const webhooks = program.command('webhooks').description('abonnements aux changements d’état');
  webhooks
    .command('add')
    .description('abonner une URL (le secret de signature est affiché une seule fois)')
    .argument('<id>', 'identifiant de la convention')
    .argument('<url>', 'URL https du récepteur')
    .action(async (id: string, url: string) => {
      const { body } = await api().request<{ id: string; secret: string }>(
        'POST',
        `/conventions/${encodeURIComponent(id)}/webhooks`,
        { body: { url } },
      );
      output(
        body,
        () => `Abonnement ${body.id}\nSecret (conservez-le, il ne sera plus affiché): ${body.secret}`,
      );
    });
  webhooks
    .command('remove')
    .argument('<id>', 'identifiant de la convention')
    .argument('<abonnement>', 'identifiant de l’abonnement (wh-…)')
    .action(async (id: string, webhookId: string) => {
      await api().request(
        'DELETE',
        `/conventions/${encodeURIComponent(id)}/webhooks/${encodeURIComponent(webhookId)}`,
      );
      output({ removed: webhookId }, () => `Abonnement ${webhookId} supprimé`);
    });

  program
    .command('health')
    .description('l’API et Temporal répondent-ils ?')
    .action(async () => {
      const { body } = await api().request<{ status: string }>('GET', '/healthz');
      output(body, () => `API et Temporal: ${body.status}`);
    });

  const keys = program.command('keys').description('clés d’API (sans appel à l’API)');
  keys
    .command('generate')
    .description('créer une clé: affiche le jeton (une fois) et la ligne à ajouter au fichier des clés')
    .requiredOption('--id <id>', 'identifiant de la clé (ex. prefecture-59)')
    .option('--label <nom>', 'nom du système client')
    .option('--operator', 'opérateur (tous les actes)')
    .addOption(
      new Option('--role <rôle>', 'agit pour le rôle de partie (ex. etat)').choices([...PARTY_ROLES]),
    )
    .option('--party <partyId>', 'agit pour cette partie (ex. association)')
    .option('--departement <code>', 'département couvert (répétable)', collect)
    .option('--convention <id>', 'convention couverte, avec --party (répétable)', collect)
    .option('--rate-limit <n>', 'requêtes par minute (défaut 300)')
    .option('--add-to <fichier>', 'ajoute l’entrée à ce fichier de clés (JSON ou YAML), créé au besoin')
    .action(
      (options: {
        id: string;
        label?: string;
        operator?: boolean;
        role?: (typeof PARTY_ROLES)[number];
        party?: string;
        departement?: string[];
        convention?: string[];
        rateLimit?: string;
        addTo?: string;
      }) => {
        const kinds = [options.operator, options.role, options.party].filter(Boolean).length;
        if (kinds !== 1) throw new CliError('choisissez un seul de --operator, --role, --party', EXIT.usage);
        const grant: Grant = options.operator
          ? {
              kind: 'operator',
              ...(options.departement ? { departements: options.departement as never } : {}),
            }
          : options.role
            ? { kind: 'party-role', role: options.role, departements: (options.departement ?? []) as never }
            : { kind: 'party', partyId: options.party!, conventions: options.convention ?? [] };
        const token = generateToken();
        const candidate = {
          id: options.id,
          hash: hashToken(token),
          ...(options.label ? { label: options.label } : {}),
          actsAs: grant,
          ...(options.rateLimit ? { rateLimit: { max: Number(options.rateLimit), perSeconds: 60 } } : {}),
        };
        const parsed = apiKeySchema.safeParse(candidate);
        if (!parsed.success)
          throw new CliError(
            parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'),
            EXIT.usage,
          );
        if (options.addTo) addKeyToFile(options.addTo, parsed.data);
        output({ token, entry: parsed.data, ...(options.addTo ? { addedTo: options.addTo } : {}) }, () =>
          [
            `Jeton de la clé "${options.id}" (à remettre au système client; il ne sera plus affiché):`,
            `  ${token}`,
            '',
            options.addTo
              ? `Entrée ajoutée à ${options.addTo}: si c’est le fichier ISCG_API_KEYS_FILE de l’API, elle la prend en compte d’elle-même (en 2 s au plus).`
              : 'Entrée à ajouter au fichier ISCG_API_KEYS_FILE (liste YAML):',
            options.addTo ? '' : YAML.stringify([parsed.data]),
          ].join('\n'),
        );
      },
    );

  return program;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function addKeyToFile(file: string, key: ApiKey): void {
  const existing = fs.existsSync(file) ? parseApiKeys(fs.readFileSync(file, 'utf8'), file) : [];
  if (existing.some((k) => k.id === key.id))
    throw new CliError(`${file}: la clé "${key.id}" existe déjà`, EXIT.usage);
  const keys = [...existing, key];
  const text =
    path.extname(file) === '.json' ? `${JSON.stringify({ keys }, null, 2)}\n` : YAML.stringify({ keys });
  fs.writeFileSync(file, text, { mode: 0o600 });
}

/** Runs the CLI; returns the exit code instead of exiting, so tests can run it in process. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  const jsonOutput = argv.includes('--json');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof CliError) {
      if (jsonOutput)
        io.stdout.write(
          `${JSON.stringify(error.problem ?? { code: 'cli', detail: error.message, exitCode: error.exitCode }, null, 2)}\n`,
        );
      else io.stderr.write(`iscg: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr.write(
      `iscg: erreur inattendue: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT.unexpected;
  }
}
