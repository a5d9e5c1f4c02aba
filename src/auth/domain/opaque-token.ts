import { createHash, randomBytes } from 'node:crypto';

/**
 * Opaque secrets (refresh tokens, mailed links): 256 random bits, shown once, stored only as
 * a SHA-256 hash (enough for a high-entropy secret; nothing to brute-force).
 */
export function newOpaqueToken(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
