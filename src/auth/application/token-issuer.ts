import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import {
  ACCESS_TOKEN_CLAIM_TYP,
  ACCESS_TOKEN_TYP,
  verifyAccessToken,
  type AccessTokenClaims,
  type AnyAccessTokenClaims,
  type ClientTokenClaims,
  type VerifyResult,
} from '../../contracts/auth/access-token.js';
import { signJwt } from '../../contracts/auth/jwt.js';
import { AuthSettings } from './auth-settings.js';
import { SigningKeyRing } from './keys/signing-key-ring.js';

export interface AccessTokenSubject {
  userId: string;
  sessionId: string;
  role: string;
  aal: string;
  amr: string[];
  authTime: Date;
  /** The access token never outlives its session. */
  sessionExpiresAt: Date;
  /** Issued through OAuth: the client acting for the user and its granted scopes. */
  clientId?: string | null;
  scope?: string | null;
}

export interface IssuedToken {
  token: string;
  expiresIn: number;
}

const newJti = () => randomBytes(12).toString('base64url');

/**
 * The one place that signs JWTs: access tokens of users and of OAuth clients, and any other
 * token of the platform (ID tokens) through `sign`, with the key that signs now (HS256 with
 * JWT_SECRET, or the active ES256 / EdDSA key, whose `kid` goes in the header). Synchronous
 * and free of I/O: safe inside a database transaction.
 */
@Injectable()
export class TokenIssuer {
  constructor(
    private readonly settings: AuthSettings,
    private readonly ring: SigningKeyRing,
  ) {}

  /** Longest lifetime `sign` accepts (seconds): retired keys stay published this long. */
  get maxLifetime(): number {
    return this.settings.maxTokenLifetime;
  }

  /**
   * Signs a claims set as given, with header `typ` (`at+jwt`, `JWT` for ID tokens, ...).
   * `iat` and `exp` (whole seconds) are required and `exp` may be at most `maxLifetime` from
   * now: a retired key leaves the JWKS once that long has passed, so a longer-lived token
   * would stop verifying before its `exp`. Each kind of token has its own `typ`, so one can
   * never be used as another.
   */
  sign(claims: object, typ: string): string {
    const { iat, exp } = claims as { iat?: unknown; exp?: unknown };
    if (!Number.isInteger(iat) || !Number.isInteger(exp)) {
      throw new Error('iat and exp must be whole seconds');
    }
    if ((exp as number) - Math.floor(Date.now() / 1000) > this.settings.maxTokenLifetime) {
      throw new Error(`a token may live at most ${this.settings.maxTokenLifetime} s`);
    }
    return signJwt(claims, this.ring.current(), typ);
  }

  /** Verifies an access token as the gateway does (signature, type, expiry, iss, aud). */
  verify(token: string): VerifyResult<AnyAccessTokenClaims> {
    return verifyAccessToken(token, this.ring.verificationKeys(), {
      issuer: this.settings.issuer,
      audience: this.settings.audience,
      leewaySec: this.settings.leewaySec,
    });
  }

  issue(s: AccessTokenSubject): IssuedToken {
    const now = Math.floor(Date.now() / 1000);
    const sessionLeft = Math.floor(s.sessionExpiresAt.getTime() / 1000) - now;
    const expiresIn = Math.max(1, Math.min(this.settings.accessTtl, sessionLeft));
    const claims: AccessTokenClaims = {
      sub: s.userId,
      sid: s.sessionId,
      role: s.role,
      typ: ACCESS_TOKEN_CLAIM_TYP,
      aal: s.aal,
      acr: s.aal,
      amr: s.amr,
      auth_time: Math.floor(s.authTime.getTime() / 1000),
      iat: now,
      exp: now + expiresIn,
      iss: this.settings.issuer,
      aud: this.settings.audience,
      jti: newJti(),
      ...(s.clientId ? { client_id: s.clientId, scope: s.scope ?? '' } : {}),
    };
    return { token: this.sign(claims, ACCESS_TOKEN_TYP), expiresIn };
  }

  /** An access token of the client_credentials grant: the client acts for itself. */
  issueForClient(clientId: string, scope: string): IssuedToken {
    const now = Math.floor(Date.now() / 1000);
    const claims: ClientTokenClaims = {
      sub: clientId,
      client_id: clientId,
      scope,
      typ: ACCESS_TOKEN_CLAIM_TYP,
      iat: now,
      exp: now + this.settings.accessTtl,
      iss: this.settings.issuer,
      aud: this.settings.audience,
      jti: newJti(),
    };
    return { token: this.sign(claims, ACCESS_TOKEN_TYP), expiresIn: this.settings.accessTtl };
  }
}
