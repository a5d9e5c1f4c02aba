import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/**
 * Reads the user id (`sub`) of an HS256 access token after checking its signature and expiry,
 * so the per-user limit runs before authentication without trusting anything the client could
 * forge. It does not check the session (the authentication guard does): a revoked but
 * well-signed token is still limited under its user, which is what we want.
 * Anything else (no token, another algorithm, a bad signature) returns undefined.
 */
export class TokenSubject {
  private readonly key: KeyObject;

  constructor(secret: string) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  of(authorization: string | string[] | undefined, nowMs = Date.now()): string | undefined {
    if (typeof authorization !== 'string' || authorization.length > 8192) return undefined;
    if (!/^bearer /i.test(authorization)) return undefined;
    const token = authorization.slice(7).trim();
    const first = token.indexOf('.');
    const second = token.indexOf('.', first + 1);
    if (first < 1 || second < 0 || token.indexOf('.', second + 1) !== -1) return undefined;
    try {
      const header = JSON.parse(Buffer.from(token.slice(0, first), 'base64url').toString('utf8'));
      if (header?.alg !== 'HS256') return undefined;
      const given = Buffer.from(token.slice(second + 1), 'base64url');
      const expected = createHmac('sha256', this.key).update(token.slice(0, second)).digest();
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      const claims = JSON.parse(
        Buffer.from(token.slice(first + 1, second), 'base64url').toString('utf8'),
      );
      if (typeof claims?.sub !== 'string' || !claims.sub || claims.sub.length > 128) {
        return undefined;
      }
      if (typeof claims.exp !== 'number' || claims.exp * 1000 <= nowMs) return undefined;
      return claims.sub;
    } catch {
      return undefined;
    }
  }
}
