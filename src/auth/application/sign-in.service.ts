import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { TokenPairDto } from '../../contracts/auth/auth.dto.js';
import { AuthEvents } from '../../contracts/auth/auth.patterns.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';
import type { SessionEntity } from '../persistence/auth.entities.js';
import { EventPublisher } from './event-publisher.js';
import { SessionService } from './session.service.js';
import { TokenIssuer } from './token-issuer.js';

export interface CompletedSignIn {
  userId: string;
  role: string;
  meta: RpcMeta;
  /** `login.succeeded` method: `password`, `federated:google`, `password+totp`… */
  method: string;
  aal?: string;
  amr?: string[];
  /** When the user proved who they are (default now). */
  authTime?: Date;
  /**
   * OAuth: the client the session is opened for and the scope granted to it (its tokens carry
   * both); `idleTtlSec` when the session must end sooner (no refresh token given).
   */
  client?: { id: string; scope: string; idleTtlSec?: number };
  /** More writes in the same transaction (e.g. the second factor's own audit entry). */
  alsoIn?: (m: EntityManager, session: SessionEntity) => Promise<void>;
}

/**
 * The last step of every successful sign-in: a session with its first refresh token, the
 * `login.succeeded` audit entry and event (one transaction, so the event exists only if the
 * session does), the session made live, and the token pair.
 */
@Injectable()
export class SignInService {
  constructor(
    private readonly ds: DataSource,
    private readonly sessions: SessionService,
    private readonly issuer: TokenIssuer,
    private readonly events: EventPublisher,
  ) {}

  async complete(s: CompletedSignIn): Promise<TokenPairDto> {
    const opened = await this.ds.transaction(async (m) => {
      const o = await this.sessions.open(
        m,
        {
          userId: s.userId,
          role: s.role,
          meta: s.meta,
          aal: s.aal,
          amr: s.amr,
          authTime: s.authTime,
          clientId: s.client?.id,
          scope: s.client?.scope,
          idleTtlSec: s.client?.idleTtlSec,
        },
        {
          type: 'login.succeeded',
          userId: s.userId,
          meta: s.meta,
          data: { method: s.method, ...(s.client ? { client_id: s.client.id } : {}) },
        },
      );
      await s.alsoIn?.(m, o.session);
      await this.events.publish(m, AuthEvents.loginSucceeded, s.userId, {
        user_id: s.userId,
        session_id: o.session.id,
        method: s.method,
      });
      return o;
    });
    await this.sessions.activate(opened.session);
    const access = this.issuer.issue({
      userId: s.userId,
      sessionId: opened.session.id,
      role: s.role,
      aal: opened.session.aal,
      amr: opened.session.amr,
      authTime: opened.session.authTime,
      sessionExpiresAt: opened.session.expiresAt,
      clientId: s.client?.id,
      scope: s.client?.scope,
    });
    return {
      access_token: access.token,
      refresh_token: opened.refreshToken,
      expires_in: access.expiresIn,
      token_type: 'Bearer',
      ...(s.client ? { scope: s.client.scope } : {}),
    };
  }
}
