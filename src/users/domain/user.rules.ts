/** Rules about users that need no framework: normalisation and field checks. */

export type Role = 'member' | 'admin';
export const ROLES: readonly Role[] = ['member', 'admin'];

export const NAME_MAX = 100;
export const EMAIL_MAX = 254;
export const AVATAR_URL_MAX = 2048;

/** The canonical form of an email: trimmed and lower-cased (the same rule as auth). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

// Pragmatic address check (what a mail server would accept), not the full RFC 5322 grammar.
const EMAIL_RE = /^[^\s@"<>(),;:\\[\]]+@[^\s@"<>(),;:\\[\]]+\.[^\s@"<>(),;:\\[\]]+$/;

export function isValidEmail(email: string): boolean {
  return email.length <= EMAIL_MAX && EMAIL_RE.test(email);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** A display name: trimmed, 1..100 characters, no control characters. */
export function normalizeName(name: string): string | undefined {
  const trimmed = name.trim();
  if (!trimmed || [...trimmed].length > NAME_MAX) return undefined;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) return undefined;
  return trimmed;
}

/** A BCP 47 language tag in canonical form (`en-us` -> `en-US`), or undefined. */
export function canonicalLocale(tag: string): string | undefined {
  if (typeof tag !== 'string' || !tag || tag.length > 35) return undefined;
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    return canonical;
  } catch {
    return undefined;
  }
}

/** An IANA time-zone name in canonical case (`europe/berlin` -> `Europe/Berlin`), or undefined. */
export function canonicalTimeZone(name: string): string | undefined {
  if (typeof name !== 'string' || !name || name.length > 64) return undefined;
  // Names only: reject offsets such as "+01:00", which newer runtimes also accept.
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** An https (or http) URL for an avatar, or undefined. */
export function isValidAvatarUrl(value: string): boolean {
  if (typeof value !== 'string' || value.length > AVATAR_URL_MAX) return false;
  try {
    const u = new URL(value);
    return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password;
  } catch {
    return false;
  }
}
