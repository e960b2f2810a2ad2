import * as fs from 'node:fs';
import { ApiKeysConfigError, type KeyRing, type LoadedKeys } from './keys';

export interface KeysReloadLog {
  info(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** How often the keys file's modification time is looked at. */
export const KEYS_FILE_POLL_MS = 2_000;

/**
 * Reloads the API keys when their file changes, and on SIGHUP: a key added or revoked takes
 * effect without a restart. The file is polled rather than watched, because editors and
 * orchestrators replace it (a rename, a symbolic link swapped) instead of writing into it. A file
 * that no longer loads keeps the previous keys, and the error says what to fix.
 */
export function reloadKeysOnChange(options: {
  ring: KeyRing;
  load: () => LoadedKeys;
  file: string | null;
  log: KeysReloadLog;
}): () => void {
  const { ring, load, file, log } = options;
  const reload = (cause: string) => {
    try {
      const loaded = load();
      ring.replace(loaded.keys);
      log.info(
        { cause, apiKeys: loaded.keys.length },
        `clés d'API rechargées (${cause}): ${loaded.keys.length} clé(s) (${loaded.source})`,
      );
    } catch (error) {
      const problems = error instanceof ApiKeysConfigError ? error.problems : [(error as Error).message];
      log.error(
        { cause, problems },
        `clés d'API non rechargées (${cause}), les précédentes restent en service: ${problems.join('; ')}`,
      );
    }
  };
  const onHangup = () => reload('SIGHUP');
  process.on('SIGHUP', onHangup);
  const onChange = (current: fs.Stats, previous: fs.Stats) => {
    if (
      current.mtimeMs !== previous.mtimeMs ||
      current.ino !== previous.ino ||
      current.size !== previous.size
    )
      reload(`fichier ${file} modifié`);
  };
  if (file) fs.watchFile(file, { interval: KEYS_FILE_POLL_MS, persistent: false }, onChange);
  return () => {
    process.off('SIGHUP', onHangup);
    if (file) fs.unwatchFile(file, onChange);
  };
}
