/**
 * The credentials the dispatcher accepts, held as SHA-256 digests only. A presented secret is
 * digested and compared with every stored digest of its kind in constant time, so neither the
 * timing nor an early exit tells an attacker how close a guess was or which entry it hit.
 */
import { hash, timingSafeEqual } from 'node:crypto';
import type { PresentedCredential } from './parse-authorization.ts';
import type { Caller, Scope } from './scopes.ts';

/** One accepted secret: a bearer token, or a basic-auth `username:password`. */
export interface CredentialEntry {
  kind: 'bearer' | 'basic';
  /** For bearer: the token. For basic: `username:password`. Digested at once. */
  secret: string;
  name: string;
  scopes: readonly Scope[];
}

interface StoredCredential {
  kind: 'bearer' | 'basic';
  digest: Buffer;
  caller: Caller;
}

function digest(secret: string): Buffer {
  return hash('sha256', secret, 'buffer');
}

function presentedSecret(credential: PresentedCredential): string {
  return credential.kind === 'bearer'
    ? credential.token
    : `${credential.username}:${credential.password}`;
}

export class CredentialStore {
  #stored: StoredCredential[] = [];

  constructor(entries: readonly CredentialEntry[] = []) {
    this.replace(entries);
  }

  /** Swaps the whole set at once (rotation: a reload of the mounted Secrets). */
  replace(entries: readonly CredentialEntry[]): void {
    this.#stored = entries.map((entry) => ({
      kind: entry.kind,
      digest: digest(entry.secret),
      caller: { name: entry.name, scopes: [...entry.scopes] },
    }));
  }

  get size(): number {
    return this.#stored.length;
  }

  /** The caller whose secret matches, or undefined. Every entry of the kind is compared. */
  authenticate(credential: PresentedCredential): Caller | undefined {
    const presented = digest(presentedSecret(credential));
    let found: Caller | undefined;
    for (const stored of this.#stored) {
      if (stored.kind !== credential.kind) continue;
      // No early exit: the loop costs the same wherever (or whether) the match is.
      if (timingSafeEqual(stored.digest, presented) && found === undefined) found = stored.caller;
    }
    return found;
  }
}
