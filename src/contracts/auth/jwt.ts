import {
  createHmac,
  createPublicKey,
  createSecretKey,
  sign as cryptoSign,
  timingSafeEqual,
  verify as cryptoVerify,
  type KeyObject,
} from 'node:crypto';

/**
 * Compact JWS (JWT) signing and verification for the algorithms the platform signs with,
 * straight on `node:crypto` KeyObjects: the gateway verifies every request, and a raw HMAC or
 * signature check is several times faster than a general JOSE library.
 *
 * The algorithm is pinned by the verifier's key set, never taken from the token: the header
 * must name exactly that algorithm (so `none`, HS384 or an asymmetric algorithm cannot be
 * smuggled in), and `kid` only selects among the set's keys, which are all of that algorithm.
 */
export type JwsAlgorithm = 'HS256' | 'ES256' | 'EdDSA';
export const JWS_ALGORITHMS: readonly JwsAlgorithm[] = ['HS256', 'ES256', 'EdDSA'];
export type AsymmetricAlgorithm = Exclude<JwsAlgorithm, 'HS256'>;

export interface SigningKey {
  alg: JwsAlgorithm;
  /** Written in the header (asymmetric keys); HS256 tokens carry none. */
  kid?: string;
  key: KeyObject;
}

/** A key that verifies tokens, with the time window in which it signed (seconds). */
export interface VerificationKey {
  kid?: string;
  key: KeyObject;
  /** Tokens issued (iat) before this were not signed by this key. */
  notBefore?: number;
  /** Tokens issued after this were not signed by this key (it was retired). */
  notAfter?: number;
}

/** The keys a verifier trusts, all of one algorithm. */
export interface KeySet {
  readonly alg: JwsAlgorithm;
  /** The key a header's `kid` names (an HS256 set has one key and ignores `kid`). */
  find(kid: unknown): VerificationKey | undefined;
}

/** The one-key set of HS256 with a shared secret. */
export function hs256KeySet(secret: string | KeyObject): KeySet {
  const key = typeof secret === 'string' ? createSecretKey(Buffer.from(secret, 'utf8')) : secret;
  const entry: VerificationKey = { key };
  return { alg: 'HS256', find: () => entry };
}

/** A public JWK as the platform publishes it (EC P-256 or Ed25519). */
export interface PublicJwk {
  kty: 'EC' | 'OKP';
  crv: 'P-256' | 'Ed25519';
  x: string;
  y?: string;
  kid: string;
  alg: AsymmetricAlgorithm;
  use: 'sig';
}

/** Key type and curve each asymmetric algorithm must use. */
const KEY_TYPE: Record<AsymmetricAlgorithm, { kty: string; crv: string }> = {
  ES256: { kty: 'EC', crv: 'P-256' },
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
};

/**
 * Imports a published public key for `alg`; throws when the JWK is of another algorithm, key
 * type or curve (a P-256 key never verifies an EdDSA token, and the reverse).
 */
export function importPublicJwk(jwk: PublicJwk, alg: AsymmetricAlgorithm): KeyObject {
  const want = KEY_TYPE[alg];
  if (!want || jwk.alg !== alg || jwk.kty !== want.kty || jwk.crv !== want.crv) {
    throw new Error(`key ${jwk.kid} is not an ${alg} key`);
  }
  const { kty, crv, x, y } = jwk;
  return createPublicKey({ key: { kty, crv, x, ...(y ? { y } : {}) }, format: 'jwk' });
}

/** A published key and its window (epoch seconds), as a verifier receives it. */
export interface PublishedKey {
  jwk: PublicJwk;
  /** Tokens issued before this were not signed by the key. */
  notBefore?: number;
  /** Tokens issued after this were not signed by the key (it was retired). */
  notAfter?: number;
  /** The key is no longer trusted from this instant (it left the JWKS). */
  until?: number;
}

/**
 * The key set of published public keys for `alg` (e.g. from a JWKS). Keys of another
 * algorithm, type or curve are left out (reported through `skipped`); a key stops being found
 * at its `until`, even if the set is not rebuilt.
 */
export function publicKeySet(
  alg: AsymmetricAlgorithm,
  keys: readonly PublishedKey[],
  skipped: (kid: string, why: string) => void = () => undefined,
): KeySet {
  const byKid = new Map<string, VerificationKey & { until?: number }>();
  for (const k of keys) {
    try {
      const { notBefore, notAfter, until } = k;
      byKid.set(k.jwk.kid, {
        kid: k.jwk.kid,
        key: importPublicJwk(k.jwk, alg),
        notBefore,
        notAfter,
        until,
      });
    } catch (err) {
      skipped(k.jwk.kid, (err as Error).message);
    }
  }
  return {
    alg,
    find: (kid) => {
      const k = typeof kid === 'string' ? byKid.get(kid) : undefined;
      return k && (k.until === undefined || k.until > Date.now() / 1000) ? k : undefined;
    },
  };
}

const b64 = (s: string) => Buffer.from(s).toString('base64url');

function signature(alg: JwsAlgorithm, input: string, key: KeyObject): Buffer {
  switch (alg) {
    case 'HS256':
      return createHmac('sha256', key).update(input).digest();
    case 'ES256':
      return cryptoSign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
    case 'EdDSA':
      return cryptoSign(null, Buffer.from(input), key);
  }
}

function signatureValid(alg: JwsAlgorithm, input: string, given: Buffer, key: KeyObject): boolean {
  if (alg === 'HS256') {
    const expected = createHmac('sha256', key).update(input).digest();
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
  // Both are 64 bytes: P-256 r||s (JWS form, RFC 7518 3.4) and Ed25519.
  if (given.length !== 64) return false;
  try {
    return alg === 'ES256'
      ? cryptoVerify('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }, given)
      : cryptoVerify(null, Buffer.from(input), key, given);
  } catch {
    return false;
  }
}

/** Signs a claims set as a compact JWS with the given header `typ`. */
export function signJwt(claims: object, key: SigningKey, typ: string): string {
  const header = key.kid ? { alg: key.alg, typ, kid: key.kid } : { alg: key.alg, typ };
  const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(claims))}`;
  return `${input}.${signature(key.alg, input, key.key).toString('base64url')}`;
}

export type VerifyFailure =
  | 'malformed'
  | 'algorithm'
  | 'type'
  | 'key'
  | 'signature'
  | 'expired'
  | 'not-yet-valid'
  | 'issuer'
  | 'audience'
  | 'claims';

export type VerifyResult<T> = { ok: true; claims: T } | { ok: false; reason: VerifyFailure };

export interface VerifyOptions {
  issuer: string;
  /** The exact `aud` (a string: arrays are refused). */
  audience: string;
  /** Clock tolerance in seconds (at most 10). */
  leewaySec: number;
  /** Current time in seconds (tests). */
  now?: number;
}

export interface JwtVerifyOptions extends VerifyOptions {
  /** The header `typ` this kind of token carries (`at+jwt`, `JWT`, ...). */
  typ: string;
}

/** Claims every token the platform signs carries. */
export interface RegisteredClaims {
  iss: string;
  aud: string;
  iat: number;
  exp: number;
  nbf?: number;
  [claim: string]: unknown;
}

const JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

function parse(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Verifies any token the platform signs: shape, pinned algorithm, header `typ`, key (by
 * `kid` within the set), signature, then `exp` / `iat` / `nbf` with a leeway of at most 10 s,
 * the key's window (a token issued before a key started signing or after it was retired is
 * refused), `iss` and `aud`. Checks specific to a kind of token come after (see access-token).
 */
export function verifyJwt(
  token: string,
  keys: KeySet,
  opts: JwtVerifyOptions,
): VerifyResult<RegisteredClaims> {
  if (token.length > 4096 || !JWS.test(token)) return { ok: false, reason: 'malformed' };
  const dot1 = token.indexOf('.');
  const dot2 = token.indexOf('.', dot1 + 1);
  const header = parse(token.slice(0, dot1)) as { alg?: unknown; typ?: unknown; kid?: unknown };
  if (!header || typeof header !== 'object') return { ok: false, reason: 'malformed' };
  if (header.alg !== keys.alg) return { ok: false, reason: 'algorithm' };
  if (header.typ !== opts.typ) return { ok: false, reason: 'type' };
  const key = keys.find(header.kid);
  if (!key) return { ok: false, reason: 'key' };
  const given = Buffer.from(token.slice(dot2 + 1), 'base64url');
  if (!signatureValid(keys.alg, token.slice(0, dot2), given, key.key)) {
    return { ok: false, reason: 'signature' };
  }
  const c = parse(token.slice(dot1 + 1, dot2)) as Partial<RegisteredClaims> | undefined;
  if (!c || typeof c !== 'object' || Array.isArray(c)) return { ok: false, reason: 'malformed' };
  if (typeof c.exp !== 'number' || typeof c.iat !== 'number') {
    return { ok: false, reason: 'claims' };
  }
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const leeway = Math.min(Math.max(opts.leewaySec, 0), 10);
  if (c.exp + leeway <= now) return { ok: false, reason: 'expired' };
  if (c.iat - leeway > now) return { ok: false, reason: 'not-yet-valid' };
  // RFC 7519 4.1.5: never before its not-before time (an nbf that is not a number is malformed).
  if (c.nbf !== undefined && (typeof c.nbf !== 'number' || c.nbf - leeway > now)) {
    return { ok: false, reason: 'not-yet-valid' };
  }
  if (key.notBefore !== undefined && c.iat + leeway < key.notBefore) {
    return { ok: false, reason: 'key' };
  }
  if (key.notAfter !== undefined && c.iat - leeway > key.notAfter) {
    return { ok: false, reason: 'key' };
  }
  if (c.iss !== opts.issuer) return { ok: false, reason: 'issuer' };
  if (c.aud !== opts.audience) return { ok: false, reason: 'audience' };
  return { ok: true, claims: c as RegisteredClaims };
}
