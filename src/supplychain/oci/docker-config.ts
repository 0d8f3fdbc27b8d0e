/**
 * Registry credentials from a Docker `config.json`, the format of `kubernetes.io/dockerconfigjson`
 * image pull secrets: `{"auths": {"<registry>": {"auth": base64(user:pass)}}}` or with
 * `username`/`password`. The legacy `.dockercfg` form (the map without `auths`) is read too.
 * Credential helpers (`credsStore`) are not run: a dispatcher must not execute host programs.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { DOCKER_HUB } from './image-reference.ts';

export interface RegistryCredentials {
  username: string;
  password: string;
}

const entrySchema = z.object({
  auth: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
});
const configSchema = z.union([
  z.object({ auths: z.record(z.string(), entrySchema) }),
  z.record(z.string(), entrySchema),
]);

/** Credentials by registry host (`host[:port]`, Docker Hub as `docker.io`). */
export type CredentialStore = ReadonlyMap<string, RegistryCredentials>;

export class DockerConfigError extends Error {
  override readonly name = 'DockerConfigError';
}

/** Parses a config.json's content; throws DockerConfigError naming the registry entry at fault. */
export function parseDockerConfig(json: unknown): CredentialStore {
  const parsed = configSchema.safeParse(json);
  if (!parsed.success) {
    throw new DockerConfigError(
      `docker config: expected {"auths": {"<registry>": {"auth": "…"}}}: ${parsed.error.issues[0]?.message ?? ''}`,
    );
  }
  const auths =
    'auths' in parsed.data && typeof parsed.data.auths === 'object'
      ? (parsed.data.auths as Record<string, z.infer<typeof entrySchema>>)
      : (parsed.data as Record<string, z.infer<typeof entrySchema>>);
  const store = new Map<string, RegistryCredentials>();
  for (const [key, entry] of Object.entries(auths)) {
    const credentials = credentialsOf(key, entry);
    if (credentials) store.set(normalizeRegistryKey(key), credentials);
  }
  return store;
}

export async function readDockerConfig(path: string): Promise<CredentialStore> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new DockerConfigError(
      `docker config ${path}: cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  try {
    return parseDockerConfig(JSON.parse(text));
  } catch (error) {
    throw new DockerConfigError(`docker config ${path}: ${(error as Error).message}`);
  }
}

function credentialsOf(
  key: string,
  entry: z.infer<typeof entrySchema>,
): RegistryCredentials | undefined {
  if (entry.username !== undefined && entry.password !== undefined) {
    return { username: entry.username, password: entry.password };
  }
  if (entry.auth === undefined || entry.auth === '') return undefined;
  const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) {
    throw new DockerConfigError(
      `docker config: auths["${key}"].auth is not base64 of "username:password"`,
    );
  }
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** `https://index.docker.io/v1/` → `docker.io`; `http://host:5000/` → `host:5000`. */
export function normalizeRegistryKey(key: string): string {
  const host = key
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase();
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? DOCKER_HUB : host;
}

export function findCredentials(
  store: CredentialStore | undefined,
  registry: string,
): RegistryCredentials | undefined {
  return store?.get(normalizeRegistryKey(registry));
}
