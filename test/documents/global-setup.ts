import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { requireBuiltStack } from '../support/stack';

/**
 * The documents suites read the rendered files with independent tools: Poppler's pdftotext,
 * pdftoppm and pdffonts (Debian's poppler-utils) and veraPDF (the PDF Association's PDF/A
 * validator, a Java program from Maven Central). Each is installed here when missing and cached:
 * poppler through apt (scripts/debian-packages.mjs), veraPDF's jars in .cache/verapdf/.
 */
const ROOT = path.resolve(__dirname, '..', '..');
export const VERAPDF_DIR = path.join(ROOT, '.cache', 'verapdf');
export const VERAPDF_CLASSPATH = path.join(VERAPDF_DIR, 'classpath.txt');

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], timeout: 900_000 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: échec (code ${result.status})`);
}

function classpathReady(): boolean {
  if (!fs.existsSync(VERAPDF_CLASSPATH)) return false;
  return fs
    .readFileSync(VERAPDF_CLASSPATH, 'utf8')
    .trim()
    .split(path.delimiter)
    .every((jar) => fs.existsSync(jar));
}

export default async function globalSetup(): Promise<void> {
  requireBuiltStack();
  const script = path.join(ROOT, 'scripts', 'debian-packages.mjs');
  const { ensureDebianPackages } = (await import(script)) as {
    ensureDebianPackages: (
      packages: { name: string; executable: string; versionArgs?: string[] }[],
    ) => Promise<unknown>;
  };
  await ensureDebianPackages([
    { name: 'poppler-utils', executable: '/usr/bin/pdftotext', versionArgs: ['-v'] },
    { name: 'default-jre-headless', executable: '/usr/bin/java', versionArgs: ['-version'] },
    { name: 'maven', executable: '/usr/bin/mvn', versionArgs: ['-v'] },
  ]);
  if (!classpathReady()) {
    fs.mkdirSync(VERAPDF_DIR, { recursive: true });
    const started = Date.now();
    console.error('[documents] veraPDF: résolution de ses jars depuis Maven Central (.cache/verapdf)');
    run('/usr/bin/mvn', [
      '-q',
      '-B',
      '-f',
      path.join(__dirname, 'verapdf-pom.xml'),
      `-Dmaven.repo.local=${path.join(VERAPDF_DIR, 'm2')}`,
      'dependency:build-classpath',
      `-Dmdep.outputFile=${VERAPDF_CLASSPATH}`,
    ]);
    console.error(`[documents] veraPDF prêt en ${Math.round((Date.now() - started) / 1000)} s`);
  }
}
