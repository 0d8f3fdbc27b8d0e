/**
 * Parses an `Authorization` header into the credential it presents: a bearer token
 * (RFC 6750) or a basic-auth user and password (RFC 7617), as Alertmanager's `http_config`
 * sends them. Pure; the secret is returned to be digested at once, never to be logged.
 */

export type PresentedCredential =
  { kind: 'bearer'; token: string } | { kind: 'basic'; username: string; password: string };

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** undefined when the header is missing, empty or not a scheme we accept. */
export function parseAuthorization(header: string | undefined): PresentedCredential | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(header);
  if (!match) return undefined;
  const [, scheme = '', value = ''] = match;
  // Schemes are case-insensitive (RFC 9110 section 11.1).
  switch (scheme.toLowerCase()) {
    case 'bearer':
      return { kind: 'bearer', token: value };
    case 'basic':
      return parseBasic(value);
    default:
      return undefined;
  }
}

function parseBasic(encoded: string): PresentedCredential | undefined {
  if (!BASE64.test(encoded)) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  // The user-id cannot contain a colon; the password may (RFC 7617 section 2).
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
