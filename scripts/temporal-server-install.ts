import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findRepoRoot } from './temporal-binaries';

/**
 * The production Temporal server, its schema tool and the Web UI server that
 * scripts/install-temporal-server.mjs builds into `.cache/temporal-server/`, for the code that runs
 * the deployment outside Docker (the production tests, the benchmarks on the production server).
 */
export interface TemporalServerInstall {
  /** Holds `temporal-server`, `temporal-sql-tool` and `ui-server`: put it first on PATH. */
  binDir: string;
  server: string;
  sqlTool: string;
  uiServer: string;
  /** `schema/postgresql/v12`, the admin-tools image's /etc/temporal/schema/postgresql/v12. */
  schemaDir: string;
  /** The server image's entry point (/etc/temporal/entrypoint.sh). */
  entrypoint: string;
  /** The UI server's configuration folder (the image's /home/ui-server/config). */
  uiConfigDir: string;
  versions: { server: string; ui: string };
  buildSeconds: number;
}

interface Manifest {
  pins: { server: { version: string }; ui: { version: string } };
  paths: Record<string, string>;
  buildSeconds: number;
}

/**
 * Installs the binaries unless they are there, or waits for the build in progress (the global
 * setup starts it in the background); throws, saying why, when it fails.
 */
export function ensureTemporalServer(root = findRepoRoot(__dirname)): TemporalServerInstall {
  const script = path.join(root, 'scripts', 'install-temporal-server.mjs');
  const result = spawnSync(process.execPath, [script], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 60 * 60_000,
  });
  if (result.status !== 0)
    throw new Error(`le serveur Temporal de production n'a pas pu être construit (${script})`);
  return temporalServerInstall(root);
}

export function temporalServerInstall(root = findRepoRoot(__dirname)): TemporalServerInstall {
  const file = path.join(root, '.cache', 'temporal-server', 'manifest.json');
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
  const paths = manifest.paths;
  return {
    binDir: path.dirname(paths['temporal-server']!),
    server: paths['temporal-server']!,
    sqlTool: paths['temporal-sql-tool']!,
    uiServer: paths['ui-server']!,
    schemaDir: paths.schema!,
    entrypoint: paths.entrypoint!,
    uiConfigDir: paths.uiConfig!,
    versions: { server: manifest.pins.server.version, ui: manifest.pins.ui.version },
    buildSeconds: manifest.buildSeconds,
  };
}
