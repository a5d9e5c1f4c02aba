import type { AnyAccessTokenClaims } from '../../contracts/auth/access-token.js';
import type { TokenVerifier } from '../../contracts/auth/token-verifier.js';

/** How many checked tokens are remembered (a few MB at most). */
const MAX_REMEMBERED = 5000;

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
  /** Tokens that passed, by the whole token (signature included), while not expired. */
  private readonly passed = new Map<string, CheckedToken>();

  /**
   * `remember`: keep tokens that passed until their `exp` (HS256 only: the key never changes
   * while the process runs, and a token that passed can only fail again by expiring). A
   * client sends the same token on every request, so most checks then skip the HMAC.
   */
  constructor(
    private readonly tokens: TokenVerifier,
    private readonly remember = false,
  ) {}

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
    const now = Math.floor(nowMs / 1000);
    const known = this.passed.get(token);
    if (known && known.claims.exp > now) return known;
    const result = this.tokens.verifyNow(token, now);
    if (!result.ok || result.claims.sub.length > 128) return undefined;
    const checked = { token, claims: result.claims };
    if (this.remember && result.claims.exp > now) this.keep(checked);
    return checked;
  }

  private keep(checked: CheckedToken): void {
    if (this.passed.size >= MAX_REMEMBERED) {
      // Oldest first (insertion order); expired ones go as they come up.
      for (const k of this.passed.keys()) {
        this.passed.delete(k);
        if (this.passed.size < MAX_REMEMBERED * 0.9) break;
      }
    }
    this.passed.set(checked.token, checked);
  }
}
