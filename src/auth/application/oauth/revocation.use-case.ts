import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isClientToken } from '../../../contracts/auth/access-token.js';
import { oauthError } from '../../../contracts/auth/oauth-errors.js';
import type { ClientRequest } from '../../../contracts/auth/oauth.dto.js';
import { SessionKeys } from '../../../contracts/auth/session-keys.js';
import { KeyValueStore } from '../../../platform/kv/key-value.store.js';
import type { RpcMeta } from '../../../platform/transport/rpc-meta.js';
import { AuditLog } from '../audit-log.js';
import { AuthSettings } from '../auth-settings.js';
import { SessionService } from '../session.service.js';
import { TokenIssuer } from '../token-issuer.js';
import { ClientAuthenticator } from './client-authenticator.js';
import { singleParams } from './oauth-params.js';

const notYours = () =>
  oauthError('unauthorized_client', 'The token was not issued to this client.');

/**
 * Token revocation (RFC 7009). A refresh token revokes its whole grant: the session and every
 * token of it (§2.1). An access token is revoked by its `jti` until it would expire; the
 * gateway and introspection check that list. An unknown, invalid or expired token is not an
 * error (200, §2.2): there is nothing left to revoke.
 */
@Injectable()
export class RevocationUseCase {
  constructor(
    private readonly ds: DataSource,
    private readonly kv: KeyValueStore,
    private readonly clients: ClientAuthenticator,
    private readonly sessions: SessionService,
    private readonly issuer: TokenIssuer,
    private readonly audit: AuditLog,
    private readonly settings: AuthSettings,
  ) {}

  async revoke(req: ClientRequest, meta: RpcMeta): Promise<void> {
    const p = singleParams(req?.params);
    const { client } = await this.clients.identify(req?.basic, p);
    if (!p.token) throw oauthError('invalid_request', 'token is required.');
    // token_type_hint only speeds up the search (§2.1); both kinds are recognised by shape.
    if (p.token.startsWith('rt_')) {
      const found = await this.sessions.byRefreshToken(p.token);
      if (!found) return;
      if (found.clientId !== client.id) throw notYours();
      await this.sessions.revokeForUser(found.userId, {
        only: [found.sessionId],
        reason: 'token_revoked',
        meta,
      });
      return;
    }
    const verified = this.issuer.verify(p.token);
    if (!verified.ok) return;
    const c = verified.claims;
    if (c.client_id !== client.id) throw notYours();
    const ttl = (c.exp + this.settings.leewaySec + 1) * 1000 - Date.now();
    if (ttl > 0) await this.kv.set(SessionKeys.revokedToken(c.jti!), '1', ttl);
    await this.ds.transaction((m) =>
      this.audit.record(m, {
        type: 'oauth.token_revoked',
        userId: isClientToken(c) ? null : c.sub,
        sessionId: isClientToken(c) ? null : c.sid,
        meta,
        data: { client_id: client.id, token_type: 'access_token' },
      }),
    );
  }
}
