import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * PKCE (RFC 7636) with the S256 method only: `plain` gives no protection when the request is
 * seen, so it is refused (RFC 9700 §2.1.1).
 */
export const PKCE_METHOD = 'S256';

/** BASE64URL(SHA256(verifier)): 43 characters of the base64url alphabet. */
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
/** RFC 7636 §4.1: 43 to 128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

export const isS256Challenge = (c: unknown): c is string =>
  typeof c === 'string' && CHALLENGE.test(c);

export const s256 = (verifier: string) =>
  createHash('sha256').update(verifier, 'ascii').digest('base64url');

/** True when the verifier is well formed and hashes to the challenge (constant time). */
export function verifierMatches(verifier: unknown, challenge: string): boolean {
  if (typeof verifier !== 'string' || !VERIFIER.test(verifier)) return false;
  const a = Buffer.from(s256(verifier));
  const b = Buffer.from(challenge);
  return a.length === b.length && timingSafeEqual(a, b);
}
