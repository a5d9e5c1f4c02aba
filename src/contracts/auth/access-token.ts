import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';

/**
 * Access tokens: compact JWS, HS256 only (the algorithm is pinned: the header must say exactly
 * HS256, so `none` or an asymmetric algorithm cannot be smuggled in). The header `typ` and the
 * `typ` claim tell access tokens from any other token signed with the same key.
 *
 * Signing and verifying use a `KeyObject` (crypto.createSecretKey) directly: the gateway
 * verifies every request, and a raw HMAC over a KeyObject is ~10x faster than a general JOSE
 * library.
 */
export const ACCESS_TOKEN_TYP = 'at+jwt';
export const ACCESS_TOKEN_CLAIM_TYP = 'access';

export interface AccessTokenClaims {
  sub: string;
  sid: string;
  role: string;
  typ: typeof ACCESS_TOKEN_CLAIM_TYP;
  /** Authentication assurance level (`aal1` password, `aal2` with a second factor). */
  aal: string;
  /** Same level as `aal`, under its OpenID Connect name. */
  acr?: string;
  /** Authentication methods (`pwd`, `otp`, ...). */
  amr: string[];
  auth_time: number;
  iat: number;
  exp: number;
  iss: string;
  aud: string;
  jti?: string;
  /** Set when issued through OAuth to a client on the user's behalf (RFC 9068 §2.2). */
  client_id?: string;
  /** Space-separated scopes granted to that client (RFC 9068 §2.2.3). */
  scope?: string;
}

/**
 * An access token of the client_credentials grant: the client acts for itself, so `sub` is
 * the client id (RFC 9068 §2.2), and there is no user, session or role.
 */
export interface ClientTokenClaims {
  sub: string;
  client_id: string;
  scope: string;
  typ: typeof ACCESS_TOKEN_CLAIM_TYP;
  iat: number;
  exp: number;
  iss: string;
  aud: string;
  jti: string;
}

export type AnyAccessTokenClaims = AccessTokenClaims | ClientTokenClaims;

/** True for a client_credentials token (no user behind it). */
export function isClientToken(c: AnyAccessTokenClaims): c is ClientTokenClaims {
  return (c as AccessTokenClaims).sid === undefined;
}

export interface JwtHeader {
  alg: 'HS256';
  typ: string;
}

const b64 = (s: string) => Buffer.from(s).toString('base64url');

/** Signs any claims set as an HS256 JWS with the given header type. */
export function signHs256(claims: object, key: KeyObject, typ: string): string {
  const head = b64(JSON.stringify({ alg: 'HS256', typ }));
  const body = b64(JSON.stringify(claims));
  const sig = createHmac('sha256', key).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

export type VerifyFailure =
  | 'malformed'
  | 'algorithm'
  | 'type'
  | 'signature'
  | 'expired'
  | 'not-yet-valid'
  | 'issuer'
  | 'audience'
  | 'claims';

export type VerifyResult<T> = { ok: true; claims: T } | { ok: false; reason: VerifyFailure };

export interface VerifyOptions {
  issuer: string;
  audience: string;
  /** Clock tolerance in seconds (at most 10). */
  leewaySec: number;
  /** Current time in seconds (tests). */
  now?: number;
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
 * The claims an access token must hold: a user token has `sid` and `role`; a client token
 * has none but `client_id` equal to `sub`; an OAuth token (with `client_id`) has a `jti`.
 */
type RawClaims = Partial<AccessTokenClaims & ClientTokenClaims>;

function wellFormed(c: RawClaims): c is RawClaims & { sub: string; exp: number; iat: number } {
  if (typeof c.sub !== 'string' || typeof c.exp !== 'number' || typeof c.iat !== 'number') {
    return false;
  }
  if (c.client_id !== undefined && (typeof c.client_id !== 'string' || typeof c.jti !== 'string')) {
    return false;
  }
  if (c.scope !== undefined && typeof c.scope !== 'string') return false;
  if (c.sid === undefined && c.role === undefined) {
    return c.client_id !== undefined && c.sub === c.client_id && typeof c.scope === 'string';
  }
  return typeof c.sid === 'string' && typeof c.role === 'string';
}

/** Verifies an access token: signature, pinned algorithm, type, expiry, issuer, audience. */
export function verifyAccessToken(
  token: string,
  key: KeyObject,
  opts: VerifyOptions,
): VerifyResult<AnyAccessTokenClaims> {
  if (token.length > 4096 || !JWS.test(token)) return { ok: false, reason: 'malformed' };
  const dot1 = token.indexOf('.');
  const dot2 = token.indexOf('.', dot1 + 1);
  const header = parse(token.slice(0, dot1)) as Partial<JwtHeader> | undefined;
  if (!header || typeof header !== 'object') return { ok: false, reason: 'malformed' };
  if (header.alg !== 'HS256') return { ok: false, reason: 'algorithm' };
  if (header.typ !== ACCESS_TOKEN_TYP) return { ok: false, reason: 'type' };
  const expected = createHmac('sha256', key).update(token.slice(0, dot2)).digest();
  const given = Buffer.from(token.slice(dot2 + 1), 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'signature' };
  }
  const c = parse(token.slice(dot1 + 1, dot2)) as RawClaims | undefined;
  if (!c || typeof c !== 'object') return { ok: false, reason: 'malformed' };
  if (c.typ !== ACCESS_TOKEN_CLAIM_TYP) return { ok: false, reason: 'type' };
  if (!wellFormed(c)) return { ok: false, reason: 'claims' };
  const now = opts.now ?? Math.floor(Date.now() / 1000);
  const leeway = Math.min(Math.max(opts.leewaySec, 0), 10);
  if (c.exp + leeway <= now) return { ok: false, reason: 'expired' };
  if (c.iat - leeway > now) return { ok: false, reason: 'not-yet-valid' };
  // RFC 7519 4.1.5: never before its not-before time (an nbf that is not a number is malformed).
  const nbf = (c as { nbf?: unknown }).nbf;
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf - leeway > now)) {
    return { ok: false, reason: 'not-yet-valid' };
  }
  if (c.iss !== opts.issuer) return { ok: false, reason: 'issuer' };
  if (c.aud !== opts.audience) return { ok: false, reason: 'audience' };
  return { ok: true, claims: c as AnyAccessTokenClaims };
}
