/**
 * HTTP for the registry client: scheme choice, auth, timeouts, bounded retries, redirects.
 *
 * - HTTPS always, with the system CAs plus a configured CA. Registries named as insecure and
 *   loopback registries (as Docker treats them) try HTTPS first and fall back to plain HTTP
 *   when the TLS handshake fails; the choice is remembered per registry. TLS that is used is
 *   always verified.
 * - 5xx answers and network errors are retried with capped exponential backoff; 4xx never,
 *   except one 401 answered with fresh credentials.
 */
import { rootCertificates } from 'node:tls';
import { Agent, request, type Dispatcher } from 'undici';
import { RegistryAuth } from './registry-auth.ts';
import { RegistryError } from './registry-error.ts';
import { apiHostOf, isLoopbackRegistry } from './image-reference.ts';
import { parseWwwAuthenticate } from './www-authenticate.ts';
import type { CredentialStore } from './docker-config.ts';

export interface TransportOptions {
  /** `host[:port]` of registries that may be reached over plain HTTP. */
  insecureRegistries?: readonly string[];
  /** Extra CA certificates (PEM) trusted besides the system's. */
  ca?: string | readonly string[];
  credentials?: CredentialStore;
  /** Per request: connecting, then waiting for headers, then for each body chunk. Default 10 s. */
  timeoutMs?: number;
  /** Retries after the first attempt, for 5xx and network errors. Default 3. */
  retries?: number;
  /** First backoff; doubles per retry up to 2 s. Default 100 ms. */
  retryBaseMs?: number;
  /** For tests: the undici dispatcher to use, and a clock for token expiry. */
  dispatcher?: Dispatcher;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Told of every retry (for logs and tests); never given credentials. */
  onRetry?: (event: { image: string; url: string; attempt: number; reason: string }) => void;
}

export interface RegistryRequest {
  /** The image the request is for, as errors name it. */
  image: string;
  registry: string;
  /** Path below the registry root, e.g. `/v2/a/b/manifests/sha256:…`. */
  path: string;
  method?: 'GET' | 'HEAD';
  accept?: string;
  /** Token scope, e.g. `repository:a/b:pull`. */
  scope: string;
}

export type RegistryResponse = Dispatcher.ResponseData;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

export class RegistryTransport {
  private readonly dispatcher: Dispatcher;
  private readonly insecure: ReadonlySet<string>;
  private readonly auth: RegistryAuth;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryBaseMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly onRetry: TransportOptions['onRetry'];
  private readonly schemes = new Map<string, Promise<'https' | 'http'>>();

  constructor(options: TransportOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    const ca =
      options.ca === undefined
        ? undefined
        : typeof options.ca === 'string'
          ? [options.ca]
          : [...options.ca];
    this.dispatcher =
      options.dispatcher ??
      new Agent({
        // With a custom `ca`, Node trusts only that list: keep the system's roots too.
        connect: { timeout: this.timeoutMs, ...(ca ? { ca: [...rootCertificates, ...ca] } : {}) },
        keepAliveTimeout: 30_000,
      });
    this.insecure = new Set((options.insecureRegistries ?? []).map((host) => host.toLowerCase()));
    this.auth = new RegistryAuth({
      ...(options.credentials ? { credentials: options.credentials } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
    this.retries = options.retries ?? 3;
    this.retryBaseMs = options.retryBaseMs ?? 100;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.onRetry = options.onRetry;
  }

  /** True when the registry may be reached over plain HTTP. */
  allowsPlainHttp(registry: string): boolean {
    return this.insecure.has(registry.toLowerCase()) || isLoopbackRegistry(registry);
  }

  /**
   * Sends a request; answers with any status below 500 except 401 (which it resolves or throws
   * as UNAUTHORIZED). The caller reads or dumps the body.
   */
  async send(req: RegistryRequest): Promise<RegistryResponse> {
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      let url = `https://${apiHostOf(req.registry)}${req.path}`;
      const headers: Record<string, string> = {};
      if (req.accept) headers.accept = req.accept;
      const authorization = this.auth.cachedHeader(req.registry, req.scope);
      if (authorization) headers.authorization = authorization;
      let response: RegistryResponse;
      try {
        url = `${await this.schemeOf(req)}://${apiHostOf(req.registry)}${req.path}`;
        response = await this.follow(url, req.method ?? 'GET', headers);
      } catch (error) {
        if (attempt >= this.retries)
          throw unreachable(req, url, describeNetworkError(error), error);
        await this.backoff(req, url, attempt, describeNetworkError(error));
        continue;
      }
      if (response.statusCode >= 500) {
        await response.body.dump();
        const reason = `HTTP ${response.statusCode}`;
        if (attempt >= this.retries)
          throw unreachable(req, url, reason, undefined, response.statusCode);
        await this.backoff(req, url, attempt, reason);
        continue;
      }
      if (response.statusCode !== 401) return response;
      const challenge = parseWwwAuthenticate(headerOf(response, 'www-authenticate'));
      await response.body.dump();
      if (refreshed || !challenge) {
        throw new RegistryError(
          'UNAUTHORIZED',
          req.image,
          `registry ${req.registry} refused ${authorization ? 'the credentials' : 'anonymous access'} (HTTP 401)`,
          { status: 401 },
        );
      }
      refreshed = true;
      this.auth.forget(req.registry, req.scope);
      await this.auth.authorize(
        req.image,
        req.registry,
        challenge,
        req.scope,
        (tokenUrl, tokenHeaders) => this.fetchToken(req, tokenUrl, tokenHeaders),
      );
      attempt--; // the 401 round costs no retry
    }
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private async follow(
    url: string,
    method: 'GET' | 'HEAD',
    headers: Record<string, string>,
  ): Promise<RegistryResponse> {
    let current = url;
    for (let hop = 0; ; hop++) {
      const response = await request(current, {
        method,
        headers,
        dispatcher: this.dispatcher,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      const location = headerOf(response, 'location');
      if (!REDIRECTS.has(response.statusCode) || !location || hop >= MAX_REDIRECTS) return response;
      await response.body.dump();
      const next = new URL(location, current);
      // Storage backends (S3, GCS) get pre-signed URLs: the registry's credentials stay home.
      if (next.host !== new URL(current).host) delete headers.authorization;
      current = next.toString();
    }
  }

  private async fetchToken(
    req: RegistryRequest,
    url: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; text: string }> {
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await request(url, {
          headers,
          dispatcher: this.dispatcher,
          headersTimeout: this.timeoutMs,
          bodyTimeout: this.timeoutMs,
        });
        const text = await response.body.text();
        if (response.statusCode < 500 || attempt >= this.retries)
          return { status: response.statusCode, text };
        await this.backoff(req, url, attempt, `token service HTTP ${response.statusCode}`);
      } catch (error) {
        if (attempt >= this.retries)
          throw unreachable(req, url, `token service: ${describeNetworkError(error)}`, error);
        await this.backoff(req, url, attempt, describeNetworkError(error));
      }
    }
  }

  private async backoff(
    req: RegistryRequest,
    url: string,
    attempt: number,
    reason: string,
  ): Promise<void> {
    this.onRetry?.({ image: req.image, url, attempt: attempt + 1, reason });
    await this.sleep(Math.min(2_000, this.retryBaseMs * 2 ** attempt));
  }

  /** https, or for insecure and loopback registries whatever answers: HTTPS first, then HTTP. */
  private schemeOf(req: RegistryRequest): Promise<'https' | 'http'> {
    if (!this.allowsPlainHttp(req.registry)) return Promise.resolve('https');
    let scheme = this.schemes.get(req.registry);
    if (!scheme) {
      scheme = this.probeHttps(req.registry);
      this.schemes.set(req.registry, scheme);
      // A registry that was down is probed again next time.
      scheme.catch(() => this.schemes.delete(req.registry));
    }
    return scheme;
  }

  private async probeHttps(registry: string): Promise<'https' | 'http'> {
    try {
      const response = await request(`https://${apiHostOf(registry)}/v2/`, {
        dispatcher: this.dispatcher,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      await response.body.dump();
      return 'https';
    } catch (error) {
      // Nothing listens: let the request itself fail (and retry) rather than guess a scheme.
      if (isConnectionRefused(error)) throw error;
      return 'http';
    }
  }
}

export function headerOf(response: RegistryResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function unreachable(
  req: RegistryRequest,
  url: string,
  reason: string,
  cause?: unknown,
  status?: number,
): RegistryError {
  return new RegistryError(
    'REGISTRY_UNREACHABLE',
    req.image,
    `registry ${req.registry} cannot be reached (${reason}) at ${new URL(url).origin}`,
    {
      ...(status === undefined ? {} : { status }),
      ...(cause === undefined ? {} : { cause }),
    },
  );
}

function isConnectionRefused(error: unknown): boolean {
  const code =
    (error as { code?: unknown; cause?: { code?: unknown } } | null)?.code ??
    (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return code === 'ECONNREFUSED';
}

function describeNetworkError(error: unknown): string {
  const withCode = error as {
    code?: unknown;
    message?: unknown;
    cause?: { code?: unknown };
  } | null;
  const code = withCode?.code ?? withCode?.cause?.code;
  const message = typeof withCode?.message === 'string' ? withCode.message : String(error);
  return typeof code === 'string' ? `${code}: ${message}` : message;
}
