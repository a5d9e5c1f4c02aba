import type { AnyAccessTokenClaims } from '../../contracts/auth/access-token.js';
import type { TokenVerifier } from '../../contracts/auth/token-verifier.js';

/** A bearer token that passed the checks below, with its claims. */
export interface CheckedToken {
  token: string;
  claims: AnyAccessTokenClaims;
}

/**
 * Reads the user id (`sub`) of an access token after the same checks the authentication guard
 * makes on the token itself (pinned signature, type, expiry, issuer, audience), so the
 * per-user limit runs before authentication without trusting anything a client could forge.
 * It never waits for the signing keys (with ES256 / EdDSA it uses the keys the verifier holds)
 * and does not look up the session (the guard does): a revoked but well-signed token is still
 * limited under its user, which is what we want. Anything else returns undefined.
 */
export class TokenSubject {
  constructor(private readonly tokens: TokenVerifier) {}

  of(authorization: string | string[] | undefined, nowMs = Date.now()): string | undefined {
    return this.check(authorization, nowMs)?.claims.sub;
  }

  /** The token and its claims when it passes; the guard reuses them (see LimitState). */
  check(
    authorization: string | string[] | undefined,
    nowMs = Date.now(),
  ): CheckedToken | undefined {
    if (typeof authorization !== 'string' || authorization.length > 4200) return undefined;
    if (!/^bearer /i.test(authorization)) return undefined;
    const token = authorization.slice(7).trim();
    const result = this.tokens.verifyNow(token, Math.floor(nowMs / 1000));
    return result.ok && result.claims.sub.length <= 128
      ? { token, claims: result.claims }
      : undefined;
  }
}
