/** The admin, sidecar and auditor bearer keys: from configuration, or generated once into the data dir. */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { PhasegateError } from '../../errors.js';

export const ADMIN_KEY_FILE = 'admin.key';
export const SIDECAR_KEY_FILE = 'sidecar.key';
export const AUDITOR_KEY_FILE = 'auditor.key';

export interface BearerKey {
  readonly key: string;
  /** The file holding the key, or null when it came from configuration. */
  readonly file: string | null;
  /** True when this start generated the file. */
  readonly created: boolean;
}

/**
 * Returns the configured key, else the one in `DATA/<fileName>`, else generates 32 random
 * bytes (base64url) into that file with mode 0600. `wx` means a concurrent start never
 * overwrites a key another process already handed out; the loser reads the winner's file.
 */
export async function resolveBearerKey(dataDir: string, fileName: string, configured: string | undefined): Promise<BearerKey> {
  if (configured !== undefined) return { key: configured, file: null, created: false };
  const file = join(dataDir, fileName);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32).toString('base64url');
  try {
    const handle = await open(file, 'wx', 0o600);
    try {
      await handle.writeFile(key + '\n');
      await handle.sync();
    } finally {
      await handle.close();
    }
    return { key, file, created: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return { key: await readKeyFile(file), file, created: false };
}

async function readKeyFile(file: string): Promise<string> {
  // O_NOFOLLOW: a symlink planted at the key path cannot substitute a key someone else knows.
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const stat = await handle.stat();
    // A key readable by other local users lets any of them act as admin or as a sidecar.
    if ((stat.mode & 0o077) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
      throw new PhasegateError('internal_error', `key file ${file} is readable or writable by group/other (mode ${mode}); run chmod 600`, { file });
    }
    const key = (await handle.readFile('utf8')).trim();
    if (key.length < 16) throw new PhasegateError('internal_error', `key file ${file} holds fewer than 16 characters`, { file });
    return key;
  } finally {
    await handle.close();
  }
}
