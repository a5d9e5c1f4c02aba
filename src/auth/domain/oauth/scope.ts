/**
 * OAuth scopes (RFC 6749 §3.3): a space-separated list of case-sensitive tokens made of
 * %x21 / %x23-5B / %x5D-7E (printable ASCII except space, `"` and `\`).
 */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]{1,100}$/;
export const MAX_SCOPES = 50;

/** Scopes about the user: meaningless for a client acting for itself (client_credentials). */
export const USER_SCOPES = ['openid', 'offline_access'];

export function isScopeToken(s: unknown): s is string {
  return typeof s === 'string' && SCOPE_TOKEN.test(s);
}

/**
 * The scopes of a `scope` parameter, without duplicates, in the order given; undefined when
 * the parameter is malformed. An absent or empty parameter gives [].
 */
export function parseScope(raw: string | undefined): string[] | undefined {
  if (raw === undefined || raw === '') return [];
  const parts = raw.split(' ');
  if (parts.some((p) => !isScopeToken(p)) || parts.length > MAX_SCOPES) return undefined;
  return [...new Set(parts)];
}

export const formatScope = (scopes: readonly string[]) => scopes.join(' ');

/** The scopes in `requested` that `allowed` lacks. */
export const scopesOutside = (requested: readonly string[], allowed: readonly string[]) =>
  requested.filter((s) => !allowed.includes(s));
