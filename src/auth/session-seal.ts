/**
 * The web UI's session: the caller's token sealed with AES-256-GCM into an HttpOnly cookie.
 * Sealing (not a server-side session table) keeps replicas stateless: any replica holding the
 * same secret opens any session, and the token is re-authenticated on every request, so a
 * revoked token ends its sessions at once. GCM both hides the token from anything that sees
 * the cookie and rejects any cookie this secret did not make. Each session also holds a random
 * nonce that CSRF tokens are bound to, so a token from one session is worthless in another.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

export interface SessionContents {
  token: string;
  /** Random, per session: what CSRF tokens are bound to. */
  nonce: string;
  /** Epoch milliseconds after which the session is refused. */
  expiresAt: number;
}

const AAD = Buffer.from('kubernaut-ui-session-v1');
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SessionSealer {
  readonly #sealKey: Buffer;
  readonly #csrfKey: Buffer;

  /** `secret`: at least 32 bytes; two keys are derived from it (HKDF), one per purpose. */
  constructor(secret: Buffer) {
    if (secret.length < 32) throw new Error('the UI session secret must be at least 32 bytes');
    this.#sealKey = Buffer.from(hkdfSync('sha256', secret, '', 'kubernaut ui session seal', 32));
    this.#csrfKey = Buffer.from(hkdfSync('sha256', secret, '', 'kubernaut ui csrf', 32));
  }

  static random(): SessionSealer {
    return new SessionSealer(randomBytes(32));
  }

  newSession(token: string, now: number, maxAgeMs: number): SessionContents {
    return { token, nonce: randomBytes(16).toString('base64url'), expiresAt: now + maxAgeMs };
  }

  seal(session: SessionContents): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#sealKey, iv);
    cipher.setAAD(AAD);
    const body = Buffer.concat([
      cipher.update(JSON.stringify({ t: session.token, n: session.nonce, e: session.expiresAt })),
      cipher.final(),
    ]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  /** The session, or undefined when the cookie is forged, damaged or expired. */
  open(sealed: string, now: number): SessionContents | undefined {
    const raw = Buffer.from(sealed, 'base64url');
    if (raw.length <= IV_BYTES + TAG_BYTES || raw.length > 8192) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#sealKey, raw.subarray(0, IV_BYTES));
      decipher.setAAD(AAD);
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      const text = Buffer.concat([
        decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
      const parsed = JSON.parse(text) as { t?: unknown; n?: unknown; e?: unknown };
      if (
        typeof parsed.t !== 'string' ||
        typeof parsed.n !== 'string' ||
        typeof parsed.e !== 'number' ||
        parsed.e <= now
      ) {
        return undefined;
      }
      return { token: parsed.t, nonce: parsed.n, expiresAt: parsed.e };
    } catch {
      return undefined;
    }
  }

  /**
   * The CSRF token of a form: an HMAC of the browser's CSRF cookie and the session nonce
   * (empty before login). A forged POST can send the cookie but cannot read it or compute this.
   */
  csrfToken(csrfCookie: string, sessionNonce: string | undefined): string {
    return createHmac('sha256', this.#csrfKey)
      .update(`${csrfCookie}|${sessionNonce ?? ''}`)
      .digest('base64url');
  }

  verifyCsrf(presented: string, csrfCookie: string, sessionNonce: string | undefined): boolean {
    const expected = Buffer.from(this.csrfToken(csrfCookie, sessionNonce));
    const given = Buffer.from(presented);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
