import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

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

/** Compares a presented secret with a stored SHA-256 hash in constant time. */
export function matchesHash(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashToken(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
