/**
 * Local mode's image signing key: ECDSA P-256 (what `cosign generate-key-pair` makes),
 * generated at the first start as `<dir>/signing-key.pem` (PKCS#8, mode 0600) with its public
 * half in `<dir>/signing-key.pub`, and reused on later starts, so signatures made by one run
 * verify with the key a user copied from another.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface LocalSigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicPem: string;
  privateKeyPath: string;
  publicKeyPath: string;
}

export async function loadOrCreateSigningKey(dir: string): Promise<LocalSigningKey> {
  const privateKeyPath = join(dir, 'signing-key.pem');
  const publicKeyPath = join(dir, 'signing-key.pub');
  const privateKey = (await readPrivateKey(privateKeyPath)) ?? (await createKey(privateKeyPath));
  const publicKey = createPublicKey(privateKey);
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  await writeFile(publicKeyPath, publicPem, { mode: 0o644 });
  return { privateKey, publicKey, publicPem, privateKeyPath, publicKeyPath };
}

async function readPrivateKey(path: string): Promise<KeyObject | undefined> {
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error(
      `${path}: the local signing key must be ECDSA P-256; delete it to make a new one`,
    );
  }
  // A private key others can read is no key: keep it to its owner.
  if (((await stat(path)).mode & 0o077) !== 0) await chmod(path, 0o600);
  return key;
}

async function createKey(path: string): Promise<KeyObject> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  // wx: two starts racing on a fresh directory must not overwrite each other's key.
  await writeFile(path, pem, { mode: 0o600, flag: 'wx' });
  return privateKey;
}
