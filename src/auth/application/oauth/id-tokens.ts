import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { UserDto } from '../../../contracts/users/user.dto.js';
import { CredentialEntity } from '../../persistence/auth.entities.js';
import { AuthSettings } from '../auth-settings.js';
import { TokenIssuer } from '../token-issuer.js';

export interface IdTokenInput {
  user: UserDto;
  clientId: string;
  scope: string[];
  nonce: string | null;
  authTime: Date;
  aal: string;
  amr: string[];
  sessionId: string;
}

/**
 * OpenID Connect ID tokens (OIDC Core §2, §3.1.3.6) for an authorization code whose scope has
 * `openid`: who signed in, when and how, for that client; with `email` and `profile` the
 * standard claims of those scopes (§5.4). Signed through the TokenIssuer.
 */
@Injectable()
export class IdTokens {
  constructor(
    private readonly ds: DataSource,
    private readonly issuer: TokenIssuer,
    private readonly settings: AuthSettings,
  ) {}

  async build(input: IdTokenInput): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      iss: this.settings.issuer,
      sub: input.user.id,
      aud: input.clientId,
      azp: input.clientId,
      exp: now + this.settings.accessTtl,
      iat: now,
      auth_time: Math.floor(input.authTime.getTime() / 1000),
      ...(input.nonce ? { nonce: input.nonce } : {}),
      acr: input.aal,
      amr: input.amr,
      sid: input.sessionId,
    };
    if (input.scope.includes('email')) {
      const cred = await this.ds
        .getRepository(CredentialEntity)
        .findOneBy({ userId: input.user.id });
      claims.email = cred?.email ?? input.user.email;
      claims.email_verified = cred?.emailVerified ?? input.user.email_verified;
    }
    if (input.scope.includes('profile')) {
      claims.name = input.user.name;
      if (input.user.locale) claims.locale = input.user.locale;
      if (input.user.timezone) claims.zoneinfo = input.user.timezone;
      if (input.user.updated_at) {
        claims.updated_at = Math.floor(new Date(input.user.updated_at).getTime() / 1000);
      }
    }
    return await this.issuer.sign(claims, 'JWT');
  }
}
