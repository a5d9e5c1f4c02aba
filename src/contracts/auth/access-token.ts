import type { KeyObject } from 'node:crypto';
import { signJwt, verifyJwt, type KeySet, type VerifyOptions, type VerifyResult } from './jwt.js';

export type { VerifyFailure, VerifyOptions, VerifyResult } from './jwt.js';

/**
 * Access tokens: JWTs signed by the auth part (HS256 with JWT_SECRET, or ES256 / EdDSA with
 * its key pairs, see `jwt.ts`) and verified by the gateway on every request. The header `typ`
 * and the `typ` claim tell access tokens from any other token signed with the same key.
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

/** Signs any claims set as an HS256 JWS with the given header type (tests, tools). */
export function signHs256(claims: object, key: KeyObject, typ: string): string {
  return signJwt(claims, { alg: 'HS256', key }, typ);
}

/**
 * The claims an access token must hold: a user token has `sid` and `role`; a client token
 * has none but `client_id` equal to `sub`; an OAuth token (with `client_id`) has a `jti`.
 */
type RawClaims = Partial<AccessTokenClaims & ClientTokenClaims>;

function wellFormed(c: RawClaims): boolean {
  if (typeof c.sub !== 'string') return false;
  if (c.client_id !== undefined && (typeof c.client_id !== 'string' || typeof c.jti !== 'string')) {
    return false;
  }
  if (c.scope !== undefined && typeof c.scope !== 'string') return false;
  if (c.sid === undefined && c.role === undefined) {
    return c.client_id !== undefined && c.sub === c.client_id && typeof c.scope === 'string';
  }
  return typeof c.sid === 'string' && typeof c.role === 'string';
}

/** Verifies an access token: everything `verifyJwt` checks, then its own claims. */
export function verifyAccessToken(
  token: string,
  keys: KeySet,
  opts: VerifyOptions,
): VerifyResult<AnyAccessTokenClaims> {
  const result = verifyJwt(token, keys, { ...opts, typ: ACCESS_TOKEN_TYP });
  if (!result.ok) return result;
  const c = result.claims as RawClaims;
  if (c.typ !== ACCESS_TOKEN_CLAIM_TYP) return { ok: false, reason: 'type' };
  if (!wellFormed(c)) return { ok: false, reason: 'claims' };
  return { ok: true, claims: c as AnyAccessTokenClaims };
}
