import { Injectable } from '@nestjs/common';
import { isClientToken } from '../../../contracts/auth/access-token.js';
import { oauthError } from '../../../contracts/auth/oauth-errors.js';
import type { ClientRequest, IntrospectionResponse } from '../../../contracts/auth/oauth.dto.js';
import { livenessOf } from '../../../contracts/auth/token-liveness.js';
import { KeyValueStore } from '../../../platform/kv/key-value.store.js';
import { AuthSettings } from '../auth-settings.js';
import { SessionService } from '../session.service.js';
import { TokenIssuer } from '../token-issuer.js';
import { ClientAuthenticator } from './client-authenticator.js';
import { singleParams } from './oauth-params.js';

const INACTIVE: IntrospectionResponse = { active: false };
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

/**
 * Token introspection (RFC 7662) for authenticated (confidential) clients, e.g. a resource
 * server. An access token is active while its signature, expiry, session and revocation
 * checks pass, exactly as the gateway decides; a refresh token only for the client it was
 * issued to, while it is the current token of a live session. Anything else is
 * `{active: false}`, with no reason given (§2.2).
 */
@Injectable()
export class IntrospectionUseCase {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly clients: ClientAuthenticator,
    private readonly sessions: SessionService,
    private readonly issuer: TokenIssuer,
    private readonly settings: AuthSettings,
  ) {}

  async introspect(req: ClientRequest): Promise<IntrospectionResponse> {
    const p = singleParams(req?.params);
    const { client } = await this.clients.authenticate(req?.basic, p);
    if (!p.token) throw oauthError('invalid_request', 'token is required.');
    if (p.token.startsWith('rt_')) {
      const t = await this.sessions.byRefreshToken(p.token);
      if (!t?.live || t.clientId !== client.id) return INACTIVE;
      return {
        active: true,
        token_type: 'refresh_token',
        client_id: t.clientId,
        scope: t.scope ?? '',
        sub: t.userId,
        sid: t.sessionId,
        iat: seconds(t.createdAt),
        exp: seconds(t.expiresAt),
        iss: this.settings.issuer,
      };
    }
    const verified = this.issuer.verify(p.token);
    if (!verified.ok) return INACTIVE;
    const c = verified.claims;
    if ((await livenessOf(c, this.kv)) !== 'live') return INACTIVE;
    const common = {
      active: true,
      token_type: 'Bearer',
      sub: c.sub,
      iat: c.iat,
      exp: c.exp,
      iss: c.iss,
      aud: c.aud,
      ...(c.jti ? { jti: c.jti } : {}),
    };
    if (isClientToken(c)) return { ...common, client_id: c.client_id, scope: c.scope };
    return {
      ...common,
      ...(c.client_id !== undefined ? { client_id: c.client_id, scope: c.scope ?? '' } : {}),
      sid: c.sid,
      auth_time: c.auth_time,
      acr: c.acr ?? c.aal,
      amr: c.amr,
    };
  }
}
