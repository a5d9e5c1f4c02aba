import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Secrets at rest (TOTP secrets, private signing keys): AES-256-GCM with a random 96-bit IV,
 * stored as `v1.<iv>.<tag>.<ciphertext>` (base64url). Tampering or another key fails to open.
 * Keys are 32 bytes (`decodeKey256` of a `key256` setting).
 */

/** A fixed key for development only, distinct per purpose: it never protects anything real. */
export function developmentKey(purpose: string): Buffer {
  return createHash('sha256').update(`platform-development-only-${purpose}-key`).digest();
}

export function seal(key: Buffer, plain: string | Buffer): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([c.update(plain), c.final()]);
  return ['v1', ...[iv, c.getAuthTag(), ct].map((p) => p.toString('base64url'))].join('.');
}

export function unseal(key: Buffer, sealed: string): Buffer {
  const [v, iv, tag, ct] = sealed.split('.');
  if (v !== 'v1' || !iv || !tag || ct === undefined) throw new Error('unknown sealed format');
  const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  d.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]);
}
