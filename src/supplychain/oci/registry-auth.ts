/**
 * The distribution spec's auth: on a 401 the registry names a scheme. Bearer means "fetch a
 * token from this realm for this service and scope" (with Basic credentials when we have
 * some, anonymously otherwise); the token is cached until it expires. Basic means "send the
 * credentials with every request". Credentials come from a Docker config and never reach a log.
 */
import { RegistryError } from './registry-error.ts';
import {
  findCredentials,
  type CredentialStore,
  type RegistryCredentials,
} from './docker-config.ts';
import type { AuthChallenge } from './www-authenticate.ts';

/** Fetches a URL with headers and returns the status and body text (the transport does I/O). */
export type TokenFetch = (
  url: string,
  headers: Record<string, string>,
) => Promise<{ status: number; text: string }>;

/** Tokens without `expires_in` live 60 s (the token spec); renew a little before expiry. */
const DEFAULT_TOKEN_SECONDS = 60;
const EXPIRY_MARGIN_MS = 5_000;

interface CachedAuthorization {
  header: string;
  expiresAt: number;
}

export class RegistryAuth {
  private readonly credentials: CredentialStore | undefined;
  private readonly now: () => number;
  /** By `registry scope` for Bearer tokens and by `registry` for Basic. */
  private readonly cache = new Map<string, CachedAuthorization>();

  constructor(options: { credentials?: CredentialStore; now?: () => number } = {}) {
    this.credentials = options.credentials;
    this.now = options.now ?? Date.now;
  }

  /** The Authorization header known for this registry and scope, if any is still valid. */
  cachedHeader(registry: string, scope: string): string | undefined {
    const entry = this.cache.get(`${registry} ${scope}`) ?? this.cache.get(registry);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.cache.delete(`${registry} ${scope}`);
      return undefined;
    }
    return entry.header;
  }

  /** Answers a challenge: fetches a token or builds Basic credentials, and caches the result. */
  async authorize(
    image: string,
    registry: string,
    challenge: AuthChallenge,
    scope: string,
    fetchToken: TokenFetch,
  ): Promise<string> {
    const credentials = findCredentials(this.credentials, registry);
    if (challenge.scheme === 'basic') {
      if (!credentials) throw noCredentials(image, registry);
      const header = basicHeader(credentials);
      this.cache.set(registry, { header, expiresAt: Number.POSITIVE_INFINITY });
      return header;
    }
    const realm = challenge.params.realm;
    if (!realm)
      throw new RegistryError(
        'UNAUTHORIZED',
        image,
        `registry ${registry} asked for a Bearer token without naming a realm`,
      );
    const url = new URL(realm);
    if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
    url.searchParams.set('scope', challenge.params.scope ?? scope);
    const started = this.now();
    const { status, text } = await fetchToken(
      url.toString(),
      credentials ? { authorization: basicHeader(credentials) } : {},
    );
    if (status === 401 || status === 403) {
      throw new RegistryError(
        'UNAUTHORIZED',
        image,
        `token service ${url.origin} refused ${credentials ? `the credentials of ${credentials.username}` : 'anonymous access'} (HTTP ${status})`,
        { status },
      );
    }
    if (status !== 200) {
      throw new RegistryError(
        'REGISTRY_UNREACHABLE',
        image,
        `token service ${url.origin} answered HTTP ${status}`,
        { status },
      );
    }
    const token = readToken(text);
    if (!token)
      throw new RegistryError('UNAUTHORIZED', image, `token service ${url.origin} sent no token`);
    const header = `Bearer ${token.value}`;
    const lifetimeMs = token.expiresInSeconds * 1000;
    this.cache.set(`${registry} ${scope}`, {
      header,
      expiresAt: started + Math.max(lifetimeMs - EXPIRY_MARGIN_MS, lifetimeMs / 2),
    });
    return header;
  }

  /** Drops what is cached for a registry and scope, after the registry refused it. */
  forget(registry: string, scope: string): void {
    this.cache.delete(`${registry} ${scope}`);
    this.cache.delete(registry);
  }
}

function basicHeader(credentials: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

function noCredentials(image: string, registry: string): RegistryError {
  return new RegistryError(
    'UNAUTHORIZED',
    image,
    `registry ${registry} asks for Basic credentials and the docker config has none for it`,
  );
}

function readToken(text: string): { value: string; expiresInSeconds: number } | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const {
    token,
    access_token: accessToken,
    expires_in: expiresIn,
  } = body as Record<string, unknown>;
  const value =
    typeof token === 'string' && token
      ? token
      : typeof accessToken === 'string'
        ? accessToken
        : undefined;
  if (!value) return undefined;
  const seconds =
    typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : DEFAULT_TOKEN_SECONDS;
  return { value, expiresInSeconds: seconds };
}
