import { Injectable } from '@nestjs/common';
import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import {
  ACCESS_TOKEN_CLAIM_TYP,
  ACCESS_TOKEN_TYP,
  signHs256,
  verifyAccessToken,
  type AccessTokenClaims,
  type AnyAccessTokenClaims,
  type ClientTokenClaims,
  type VerifyResult,
} from '../../contracts/auth/access-token.js';
import { AuthSettings } from './auth-settings.js';

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
 * The one place that signs JWTs (HS256 with JWT_SECRET): access tokens of users and of OAuth
 * clients, and any other token (ID tokens) through `sign`.
 */
@Injectable()
export class TokenIssuer {
  private readonly key: KeyObject;

  constructor(private readonly settings: AuthSettings) {
    this.key = createSecretKey(Buffer.from(settings.jwtSecret, 'utf8'));
  }

  /** Signs a claims set as a JWS with the given header `typ` (e.g. `JWT` for ID tokens). */
  sign(claims: object, typ: string): string {
    return signHs256(claims, this.key, typ);
  }

  /** Verifies an access token as the gateway does (signature, type, expiry, iss, aud). */
  verify(token: string): VerifyResult<AnyAccessTokenClaims> {
    return verifyAccessToken(token, this.key, {
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
