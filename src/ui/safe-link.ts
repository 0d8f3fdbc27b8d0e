/**
 * A link from alert data is followed only when it is an absolute http(s) URL: a
 * `javascript:`, `data:` or relative value comes from whoever wrote the alert rule and must
 * never become a clickable href (escaping stops markup injection, not a hostile scheme).
 */
export function safeHttpUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  // Credentials in a link would be shown to everyone and sent to the host.
  if (url.username !== '' || url.password !== '') return undefined;
  return url.href;
}

/**
 * Where to go after logging in: a path of the UI only (never `//host` or an absolute URL),
 * so the login form cannot be made into an open redirect.
 */
export function safeUiPath(value: string | undefined, fallback = '/ui'): string {
  if (value === undefined || !value.startsWith('/ui') || value.startsWith('//')) return fallback;
  if (/[\\\s]/.test(value)) return fallback;
  const next = value.slice(3);
  return next === '' || next.startsWith('/') || next.startsWith('?') ? value : fallback;
}
