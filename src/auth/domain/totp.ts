import { createHash, randomBytes } from 'node:crypto';

/** TOTP parameters (RFC 6238 defaults every authenticator app understands). */
export const TOTP = {
  algorithm: 'sha1',
  digits: 6,
  period: 30,
  /** Accepted drift in seconds: one step either side. */
  toleranceSec: 30,
} as const;

export const RECOVERY_CODE_COUNT = 10;
/** Wrong codes on one mfa_token before it dies. */
export const MFA_TOKEN_MAX_FAILURES = 5;
export const MFA_TOKEN_TTL_S = 300;

const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A recovery code like `k7m2p-x9qrt` (50 bits of randomness). */
export function newRecoveryCode(): string {
  const bytes = randomBytes(10);
  let s = '';
  for (const b of bytes) s += ALPHABET[b % ALPHABET.length];
  return `${s.slice(0, 5)}-${s.slice(5)}`;
}

/** Case, spaces and dashes do not matter when a code is typed. */
export function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}

export function hashRecoveryCode(code: string): string {
  return createHash('sha256')
    .update(`rc:${normalizeRecoveryCode(code)}`)
    .digest('base64url');
}

/** Six digits, nothing else. */
export function looksLikeTotp(code: unknown): code is string {
  return typeof code === 'string' && /^\d{6}$/.test(code.trim());
}
