/**
 * Renders a convention file (the YAML or JSON that `iscg create` takes) as the document the
 * service would produce, without the service: to read a draft, or to see a change to the
 * templates in activities/documents/templates/ before it ships.
 *
 *   npm run render-document -- examples/conventions/59-lille-centre.yaml [--version 1] [--format docx] [-o fichier]
 *
 * Prints the file written and its SHA-256. Without --version the text is the unsigned draft.
 */
import * as fs from 'node:fs';
import YAML from 'yaml';
import { createDocumentRenderer, type DocumentFormat } from '../activities/documents/render';
import { conventionCreateSchema, conventionWorkflowId } from '../domain/convention/schema';
import { firstTermSource } from '../domain/documents/sources';

function fail(message: string): never {
  process.stderr.write(`render-document: ${message}\n`);
  process.exit(2);
}

export async function main(argv: string[]): Promise<void> {
  const args = [...argv];
  let version: number | null = null;
  let format: DocumentFormat = 'pdf';
  let output: string | null = null;
  let input: string | null = null;
  while (args.length > 0) {
    const arg = args.shift()!;
    if (arg === '--version') version = Number(args.shift());
    else if (arg === '--format') format = args.shift() as DocumentFormat;
    else if (arg === '-o' || arg === '--output') output = args.shift() ?? null;
    else if (!input) input = arg;
    else fail(`argument inattendu: ${arg}`);
  }
  if (!input) fail('fichier de convention attendu (YAML ou JSON, comme pour `iscg create`)');
  if (version !== null && !(Number.isInteger(version) && version >= 1))
    fail('--version: entier positif attendu');
  if (format !== 'pdf' && format !== 'docx') fail('--format: pdf ou docx');
  const parsed = conventionCreateSchema.safeParse(YAML.parse(fs.readFileSync(input, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    fail(`${input}: ${issue.path.join('.')}: ${issue.message}`);
  }
  const { slug, data } = parsed.data;
  const source = firstTermSource(
    { conventionId: conventionWorkflowId(data.departement, slug), data },
    version,
  );
  const file = await createDocumentRenderer().render(source, format);
  const target = output ?? file.filename;
  fs.writeFileSync(target, file.bytes);
  process.stdout.write(`${target}\n${file.sha256}\n`);
}

if (require.main === module)
  main(process.argv.slice(2)).catch((error: unknown) =>
    fail(error instanceof Error ? error.message : String(error)),
  );
