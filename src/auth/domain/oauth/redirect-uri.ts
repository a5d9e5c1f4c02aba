/**
 * Redirect URIs of OAuth clients. Registered URIs must be absolute https URIs, or http on the
 * loopback interface for native apps (RFC 8252 §7.3), without a fragment (RFC 6749 §3.1.2).
 * An authorization request must name one of them exactly (simple string comparison, RFC 6749
 * §3.1.2.3 and RFC 9700 §4.1.3), except that the port of a loopback IP literal may vary: a
 * native app listens on whatever port the system gives it (RFC 8252 §7.3).
 */

const LOOPBACK_IPS = new Set(['127.0.0.1', '[::1]']);
const LOOPBACK_HOSTS = new Set([...LOOPBACK_IPS, 'localhost']);
export const MAX_REDIRECT_URI_LENGTH = 2000;

/** Why a URI cannot be registered, or undefined when it can. */
export function redirectUriProblem(uri: string): string | undefined {
  if (typeof uri !== 'string' || !uri || uri.length > MAX_REDIRECT_URI_LENGTH) {
    return `must be a URI of at most ${MAX_REDIRECT_URI_LENGTH} characters`;
  }
  if (uri.includes('#')) return 'must not have a fragment (#)';
  if ([...uri].some((ch) => ch.charCodeAt(0) <= 0x20 || ch.charCodeAt(0) === 0x7f)) {
    return 'must not hold spaces or control characters';
  }
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'must be an absolute URI';
  }
  if (url.username || url.password) return 'must not hold credentials';
  if (url.protocol === 'https:') return url.hostname ? undefined : 'must name a host';
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return undefined;
  return 'must use https (http only on the loopback interface: localhost, 127.0.0.1, [::1])';
}

/** Without the port of a loopback IP literal, for the comparison RFC 8252 §7.3 asks for. */
function withoutLoopbackPort(uri: string): string | undefined {
  try {
    const url = new URL(uri);
    if (url.protocol !== 'http:' || !LOOPBACK_IPS.has(url.hostname)) return undefined;
    url.port = '';
    return url.href;
  } catch {
    return undefined;
  }
}

/**
 * True when a request's `redirect_uri` is one of the registered URIs. A request without one
 * is accepted only when the client registered exactly one (RFC 6749 §3.1.2.3).
 */
export function matchRedirectUri(registered: readonly string[], requested?: string): boolean {
  if (requested === undefined) return registered.length === 1;
  if (registered.includes(requested)) return true;
  if (requested.includes('#')) return false;
  const loose = withoutLoopbackPort(requested);
  return loose !== undefined && registered.some((r) => withoutLoopbackPort(r) === loose);
}

/** `uri` with the response parameters added to its query (RFC 6749 §4.1.2: the query is kept). */
export function withParams(uri: string, params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.href;
}

export const originOf = (uri: string) => new URL(uri).origin;
