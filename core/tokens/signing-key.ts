/** The coordinator's Ed25519 signing key, kept as a private JWK file in its data dir. */
import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { link, mkdir, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { PhasegateError } from '../errors.js';

export const SIGNING_KEY_FILE = 'signing-key.json';

export interface SigningKey {
  readonly privateKey: CryptoKey;
  /** `{kty, crv, x}` only: never carries the private `d`. */
  readonly publicJwk: JWK;
  /** RFC 7638 thumbprint of the public key. */
  readonly kid: string;
}

/**
 * Loads `DATA_DIR/signing-key.json`, or generates and persists a new Ed25519 key (mode 0600)
 * when there is none. The same file gives the same `kid` across restarts, so tokens issued
 * before a restart still verify.
 */
export async function loadOrCreateSigningKey(dataDir: string): Promise<SigningKey> {
  const file = join(dataDir, SIGNING_KEY_FILE);
  try {
    return await readKeyFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = await exportJWK(privateKey);
  // Written under a temporary name and linked into place: `link` fails if the file exists,
  // so two coordinators starting at once never see a half-written key; the loser reads the winner's.
  const tmp = `${file}.${randomUUID()}.tmp`;
  const handle = await open(tmp, 'wx', 0o600);
  try {
    try {
      await handle.writeFile(JSON.stringify(jwk));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await unlink(tmp);
  }
  return readKeyFile(file);
}

async function readKeyFile(file: string): Promise<SigningKey> {
  // O_NOFOLLOW: a symlink planted at the key path cannot redirect us to a key someone else controls.
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  let text: string;
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw keyError(file, 'is not a regular file');
    // Anyone who can read this file can mint phase tokens for every task.
    if ((stat.mode & 0o077) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
      throw keyError(file, `is readable or writable by group/other (mode ${mode}); anyone who can read it can forge phase tokens — run chmod 600`);
    }
    text = await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
  let jwk: JWK;
  try {
    jwk = JSON.parse(text) as JWK;
  } catch {
    throw keyError(file, 'is not valid JSON');
  }
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string' || typeof jwk.d !== 'string') {
    throw keyError(file, 'is not an Ed25519 private JWK');
  }
  const privateKey = (await importJWK(jwk, 'EdDSA')) as CryptoKey;
  const publicJwk: JWK = { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
  return { privateKey, publicJwk, kid: await calculateJwkThumbprint(publicJwk) };
}

function keyError(file: string, why: string): PhasegateError {
  return new PhasegateError('internal_error', `signing key ${file} ${why}`, { file });
}
