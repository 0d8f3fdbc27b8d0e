/**
 * Parses a `WWW-Authenticate` challenge: `Bearer realm="https://auth/token",service="reg",
 * scope="repository:a/b:pull"` or `Basic realm="Registry"` (RFC 7235 auth-params, quoted
 * strings with backslash escapes).
 */

export interface AuthChallenge {
  scheme: 'bearer' | 'basic';
  params: Record<string, string>;
}

const PARAM_RE = /\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?/gy;

export function parseWwwAuthenticate(header: string | undefined): AuthChallenge | undefined {
  if (!header) return undefined;
  const match = /^\s*(\w+)\s*(.*)$/s.exec(header);
  const scheme = match?.[1]?.toLowerCase();
  if (scheme !== 'bearer' && scheme !== 'basic') return undefined;
  const params: Record<string, string> = {};
  const rest = match?.[2] ?? '';
  PARAM_RE.lastIndex = 0;
  let param: RegExpExecArray | null;
  while (PARAM_RE.lastIndex < rest.length && (param = PARAM_RE.exec(rest)) !== null) {
    const name = param[1]?.toLowerCase() ?? '';
    params[name] = param[2] !== undefined ? param[2].replace(/\\(.)/g, '$1') : (param[3] ?? '');
    if (param[0].length === 0) break;
  }
  return { scheme, params };
}
