import { createSecretKey, type KeyObject } from 'node:crypto';
import { verifyAccessToken, type VerifyOptions } from '../../contracts/auth/access-token.js';
import type { AppConfig } from '../../platform/config/config.js';

/**
 * Reads the user id (`sub`) of an access token after the same checks the authentication guard
 * makes on the token itself (pinned HS256 signature, type, expiry, issuer, audience), so the
 * per-user limit runs before authentication without trusting anything a client could forge.
 * It does not look up the session (the guard does): a revoked but well-signed token is still
 * limited under its user, which is what we want. Anything else returns undefined.
 */
export class TokenSubject {
  private readonly key: KeyObject;
  private readonly opts: Omit<VerifyOptions, 'now'>;

  constructor(config: AppConfig) {
    this.key = createSecretKey(Buffer.from(config.get('JWT_SECRET'), 'utf8'));
    this.opts = {
      issuer: config.get('JWT_ISSUER'),
      audience: config.get('JWT_AUDIENCE'),
      leewaySec: config.get('JWT_LEEWAY_S'),
    };
  }

  of(authorization: string | string[] | undefined, nowMs = Date.now()): string | undefined {
    if (typeof authorization !== 'string' || authorization.length > 4200) return undefined;
    if (!/^bearer /i.test(authorization)) return undefined;
    const token = authorization.slice(7).trim();
    const result = verifyAccessToken(token, this.key, {
      ...this.opts,
      now: Math.floor(nowMs / 1000),
    });
    return result.ok && result.claims.sub.length <= 128 ? result.claims.sub : undefined;
  }
}
