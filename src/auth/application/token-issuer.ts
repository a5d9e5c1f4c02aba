import { Injectable } from '@nestjs/common';
import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import {
  ACCESS_TOKEN_CLAIM_TYP,
  ACCESS_TOKEN_TYP,
  signHs256,
  type AccessTokenClaims,
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
}

/** Signs access tokens (HS256 with JWT_SECRET). */
@Injectable()
export class TokenIssuer {
  private readonly key: KeyObject;

  constructor(private readonly settings: AuthSettings) {
    this.key = createSecretKey(Buffer.from(settings.jwtSecret, 'utf8'));
  }

  issue(s: AccessTokenSubject): { token: string; expiresIn: number } {
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
      jti: randomBytes(12).toString('base64url'),
    };
    return { token: signHs256(claims, this.key, ACCESS_TOKEN_TYP), expiresIn };
  }
}
