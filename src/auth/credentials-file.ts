/**
 * The credentials file (YAML or JSON): which bearer tokens and basic-auth users the dispatcher
 * accepts, with a name and scopes each. The secrets themselves live in separate files (mounted
 * Kubernetes Secrets), so the list can sit in a ConfigMap. Several entries may share a name:
 * during a rotation the old and the new token are both listed.
 *
 *   tokens:
 *     - { name: alertmanager, scopes: [alerts], tokenFile: /etc/kubernaut/tokens/alertmanager }
 *   users:
 *     - { username: alertmanager, scopes: [alerts], passwordFile: /etc/kubernaut/users/am }
 *
 * A bare list is read as `tokens`.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { formatProblems, problemsFromZod } from '../workflow/problems.ts';
import type { CredentialEntry } from './credential-store.ts';
import { scopeSchema } from './scopes.ts';

const MIN_TOKEN_LENGTH = 16;
const MIN_PASSWORD_LENGTH = 8;

const name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,62}$/, 'must be 1-63 letters, digits or ._:@-');
const scopes = z.array(scopeSchema).min(1, 'must list at least one scope');

const tokenEntrySchema = z.strictObject({ name, scopes, tokenFile: z.string().min(1) });
const userEntrySchema = z.strictObject({
  username: z
    .string()
    .min(1)
    .regex(/^[^:]+$/, 'must not contain a colon'),
  name: name.optional().describe('Caller name; the username when absent.'),
  scopes,
  passwordFile: z.string().min(1),
});

// A bare list is the tokens; one object schema keeps every problem's field path precise.
export const credentialsFileSchema = z.preprocess(
  (document) => (Array.isArray(document) ? { tokens: document } : document),
  z.strictObject({
    tokens: z.array(tokenEntrySchema).default([]),
    users: z.array(userEntrySchema).default([]),
  }),
);
export type CredentialsFile = z.output<typeof credentialsFileSchema>;

export class CredentialsFileError extends Error {
  override readonly name = 'CredentialsFileError';
}

/** Parses the file's text; every problem is named by its field. */
export function parseCredentialsFile(text: string, path: string): CredentialsFile {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new CredentialsFileError(`${path}: not YAML or JSON: ${(error as Error).message}`);
  }
  const parsed = credentialsFileSchema.safeParse(document ?? []);
  if (!parsed.success) {
    throw new CredentialsFileError(`${path}:\n${formatProblems(problemsFromZod(parsed.error))}`);
  }
  return parsed.data;
}

async function readSecret(file: string, field: string, minLength: number): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CredentialsFileError(`${field}: cannot read ${file}: ${(error as Error).message}`);
  }
  // Secrets are usually written with a trailing newline (echo, kubectl create secret --from-file).
  const secret = text.replace(/\r?\n$/, '');
  // The length is named, never the value.
  if (secret.length < minLength) {
    throw new CredentialsFileError(
      `${field}: the secret in ${file} is ${String(secret.length)} characters; at least ${String(minLength)} are required`,
    );
  }
  return secret;
}

/** Reads the credentials file and every secret it names (relative paths: from the file's directory). */
export async function loadCredentialsFile(path: string): Promise<CredentialEntry[]> {
  const file = parseCredentialsFile(await readFile(path, 'utf8'), path);
  const base = dirname(resolve(path));
  const tokens = file.tokens.map(async (token, index) => ({
    kind: 'bearer' as const,
    secret: await readSecret(
      resolve(base, token.tokenFile),
      `tokens[${String(index)}].tokenFile`,
      MIN_TOKEN_LENGTH,
    ),
    name: token.name,
    scopes: token.scopes,
  }));
  const users = file.users.map(async (user, index) => ({
    kind: 'basic' as const,
    secret: `${user.username}:${await readSecret(
      resolve(base, user.passwordFile),
      `users[${String(index)}].passwordFile`,
      MIN_PASSWORD_LENGTH,
    )}`,
    name: user.name ?? user.username,
    scopes: user.scopes,
  }));
  return Promise.all([...tokens, ...users]);
}
