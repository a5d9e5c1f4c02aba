import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { TokenPairDto } from '../../contracts/auth/auth.dto.js';
import { oauthError } from '../../contracts/auth/oauth-errors.js';
import { MetricsService } from '../../platform/metrics/metrics.service.js';
import { ProblemException } from '../../platform/errors/problem.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';
import { hashToken, newOpaqueToken } from '../domain/opaque-token.js';
import { formatScope, parseScope, scopesOutside } from '../domain/oauth/scope.js';
import { RefreshTokenEntity, SessionEntity } from '../persistence/auth.entities.js';
import { AuditLog } from './audit-log.js';
import { AuthSettings } from './auth-settings.js';
import { RefreshGraceCache } from './refresh-grace-cache.js';
import { SessionService } from './session.service.js';
import { TokenIssuer } from './token-issuer.js';
import { UserDirectory } from './user-directory.js';

export const invalidRefreshToken = () =>
  new ProblemException(401, 'invalid-refresh-token', 'The refresh token is invalid or expired.');

/**
 * Whose refresh token this must be: a first-party session (`clientId` null: POST
 * /auth/refresh) or a session opened for that OAuth client (refresh_token grant), which may
 * ask for fewer scopes than granted (RFC 6749 §6).
 */
export interface RefreshBinding {
  clientId: string | null;
  scope?: string[];
}

type Outcome =
  | { kind: 'invalid' }
  | { kind: 'reuse'; sessionId: string }
  | { kind: 'replay'; pair: TokenPairDto }
  | { kind: 'rotated'; pair: TokenPairDto; session: SessionEntity };

/**
 * Refresh-token rotation with reuse detection. Each refresh returns a new refresh token and
 * retires the presented one. A retired token presented again within the grace window gets
 * the same successor pair (two tabs refreshing at once); after it, the presentation is
 * treated as theft: the whole session (every token descended from it) is revoked.
 * Concurrent refreshes of one session are serialised by a row lock on the session.
 */
@Injectable()
export class RefreshUseCase {
  private readonly outcomes;

  constructor(
    private readonly ds: DataSource,
    private readonly sessions: SessionService,
    private readonly issuer: TokenIssuer,
    private readonly grace: RefreshGraceCache,
    private readonly directory: UserDirectory,
    private readonly audit: AuditLog,
    private readonly settings: AuthSettings,
    metrics: MetricsService,
  ) {
    this.outcomes = metrics.counter('auth_refreshes_total', 'Token refreshes by outcome', [
      'outcome',
    ] as const);
  }

  async refresh(
    token: string,
    meta: RpcMeta,
    binding: RefreshBinding = { clientId: null },
  ): Promise<TokenPairDto> {
    if (typeof token !== 'string' || !token.startsWith('rt_') || token.length > 128) {
      throw this.invalid('invalid');
    }
    const hash = hashToken(token);
    // One read to find the family; the decision is taken again under the lock below.
    const found = (await this.ds.query(
      `SELECT s.id, s.user_id, s.role, s.client_id, s.scope FROM auth.refresh_tokens t
         JOIN auth.sessions s ON s.id = t.session_id
        WHERE t.hash = $1 AND t.revoked_at IS NULL AND s.revoked_at IS NULL`,
      [hash],
    )) as {
      id: string;
      user_id: string;
      role: string | null;
      client_id: string | null;
      scope: string | null;
    }[];
    if (!found.length) throw this.invalid('invalid');
    // A first-party token never works for a client, nor one client's token for another.
    if ((found[0].client_id ?? null) !== binding.clientId) throw this.invalid('invalid');
    const granted = parseScope(found[0].scope ?? '') ?? [];
    if (binding.scope?.length && scopesOutside(binding.scope, granted).length) {
      throw oauthError('invalid_scope', 'The scope exceeds what was granted.');
    }
    const scope = binding.scope?.length ? formatScope(binding.scope) : (found[0].scope ?? '');
    const row = { sessionId: found[0].id };
    const first = { id: found[0].id, userId: found[0].user_id };

    // The role comes with the session: the users part revokes a user's sessions when it
    // changes their role or disables them. Older sessions without it ask the users part.
    let role = found[0].role;
    if (!role) {
      const user = await this.directory.find(first.userId, meta);
      if (!UserDirectory.maySignIn(user)) {
        await this.sessions.revokeForUser(first.userId, {
          only: [first.id],
          reason: 'user_disabled',
          meta,
        });
        throw this.invalid('disabled');
      }
      role = user.role;
    }
    const grantedRole = role;

    const outcome = await this.ds.transaction(async (m): Promise<Outcome> => {
      const session = await m
        .getRepository(SessionEntity)
        .createQueryBuilder('s')
        .setLock('pessimistic_write')
        .where('s.id = :id', { id: row.sessionId })
        .getOne();
      const now = new Date();
      if (!session || session.revokedAt) return { kind: 'invalid' };
      if (session.expiresAt <= now || session.idleExpiresAt <= now) return { kind: 'invalid' };
      const current = await m.getRepository(RefreshTokenEntity).findOneBy({ hash });
      if (!current || current.revokedAt) return { kind: 'invalid' };

      if (current.rotatedAt) {
        const age = now.getTime() - current.rotatedAt.getTime();
        if (age <= this.settings.graceSec * 1000) {
          const pair = await this.grace.get(token, hash);
          return pair ? { kind: 'replay', pair } : { kind: 'invalid' };
        }
        await this.sessions.revokeIn(m, [session.id], 'refresh_token_reuse');
        await this.audit.record(m, {
          type: 'token.refresh_reuse',
          userId: session.userId,
          sessionId: session.id,
          meta,
          data: { rotated_seconds_ago: Math.round(age / 1000) },
        });
        await this.audit.record(m, {
          type: 'session.revoked',
          userId: session.userId,
          sessionId: session.id,
          meta,
          data: { reason: 'refresh_token_reuse' },
        });
        return { kind: 'reuse', sessionId: session.id };
      }
      if (current.expiresAt <= now) return { kind: 'invalid' };

      const next = newOpaqueToken('rt');
      const nextHash = hashToken(next);
      const idle = new Date(
        Math.min(now.getTime() + this.settings.refreshTtl * 1000, session.expiresAt.getTime()),
      );
      await m.getRepository(RefreshTokenEntity).insert({
        hash: nextHash,
        sessionId: session.id,
        createdAt: now,
        expiresAt: idle,
        rotatedAt: null,
        successorHash: null,
        revokedAt: null,
      });
      await m
        .getRepository(RefreshTokenEntity)
        .update({ hash }, { rotatedAt: now, successorHash: nextHash });
      await m
        .getRepository(SessionEntity)
        .update({ id: session.id }, { lastUsedAt: now, idleExpiresAt: idle });
      session.lastUsedAt = now;
      session.idleExpiresAt = idle;
      const access = this.issuer.issue({
        userId: session.userId,
        sessionId: session.id,
        role: grantedRole,
        aal: session.aal,
        amr: session.amr,
        authTime: session.authTime,
        sessionExpiresAt: session.expiresAt,
        clientId: binding.clientId,
        scope,
      });
      const pair: TokenPairDto = {
        access_token: access.token,
        refresh_token: next,
        expires_in: access.expiresIn,
        token_type: 'Bearer',
        ...(binding.clientId ? { scope } : {}),
      };
      // Kept a little longer than the window; the window itself is decided above.
      await this.grace.put(token, hash, pair, (this.settings.graceSec + 5) * 1000);
      return { kind: 'rotated', pair, session };
    });

    switch (outcome.kind) {
      case 'rotated':
        await this.sessions.activate(outcome.session);
        this.outcomes.labels('rotated').inc();
        return outcome.pair;
      case 'replay':
        this.outcomes.labels('grace').inc();
        return outcome.pair;
      case 'reuse':
        await this.sessions.forget([outcome.sessionId]);
        throw this.invalid('reuse');
      default:
        throw this.invalid('invalid');
    }
  }

  private invalid(outcome: string): ProblemException {
    this.outcomes.labels(outcome).inc();
    return invalidRefreshToken();
  }
}
