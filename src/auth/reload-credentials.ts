/**
 * Keeps a CredentialStore in step with the credentials file and its mounted Secrets. Kubelet
 * updates a mounted Secret in place (within about a minute), so a rotation is: add the new
 * token, let clients switch, remove the old one — no restart. A reload that fails (a file
 * half-written, a Secret missing) keeps the last good set and logs why, never the secret.
 */
import type { Logger } from '../observability/logger.ts';
import { CredentialStore, type CredentialEntry } from './credential-store.ts';
import { loadCredentialsFile } from './credentials-file.ts';

export interface CredentialSource {
  /** The credentials file; absent: only `extra` is accepted. */
  file?: string | undefined;
  /** Always accepted as well (local mode's local-admin token). */
  extra?: readonly CredentialEntry[];
}

export async function readCredentials(source: CredentialSource): Promise<CredentialEntry[]> {
  const fromFile = source.file ? await loadCredentialsFile(source.file) : [];
  return [...fromFile, ...(source.extra ?? [])];
}

export interface ReloadingCredentials {
  store: CredentialStore;
  stop(): void;
}

/** Loads once (a bad file stops the start), then reloads every `intervalMs`. */
export async function loadReloadingCredentials(
  source: CredentialSource,
  options: { intervalMs: number; logger: Logger },
): Promise<ReloadingCredentials> {
  const store = new CredentialStore(await readCredentials(source));
  if (!source.file) return { store, stop: () => undefined };
  const timer = setInterval(() => {
    readCredentials(source).then(
      (entries) => {
        store.replace(entries);
      },
      (error: unknown) => {
        options.logger.warn(
          { err: { message: (error as Error).message } },
          'credentials reload failed; keeping the last good set',
        );
      },
    );
  }, options.intervalMs);
  timer.unref();
  return {
    store,
    stop: () => {
      clearInterval(timer);
    },
  };
}
