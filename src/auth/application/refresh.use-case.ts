import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { TokenPairDto } from '../../contracts/auth/auth.dto.js';
import { oauthError } from '../../contracts/auth/oauth-errors.js';
import { KeyValueStore } from '../../platform/kv/key-value.store.js';
import { MetricsService } from '../../platform/metrics/metrics.service.js';
import { ProblemException } from '../../platform/errors/problem.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';
import { hashToken, newOpaqueToken } from '../domain/opaque-token.js';
import { formatScope, parseScope, scopesOutside } from '../domain/oauth/scope.js';
import { RefreshTokenEntity, SessionEntity } from '../persistence/auth.entities.js';
import { AuditLog } from './audit-log.js';
import { AuthSettings } from './auth-settings.js';
import { RefreshGraceCache } from './refresh-grace-cache.js';
import { rowsOf, SessionService } from './session.service.js';
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
  | { kind: 'rotated'; pair: TokenPairDto };

/** The session row the rotation statement returns. */
interface RotatedSession {
  id: string;
  user_id: string;
  role: string | null;
  aal: string;
  amr: string[] | string;
  auth_time: Date | string;
  expires_at: Date | string;
  idle_expires_at: Date | string;
  scope: string | null;
}

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
    private readonly kv: KeyValueStore,
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
    // The common case in one statement: a live token of a live session with its role, asking
    // for every granted scope. Anything else (a retired token, a narrower scope, an older
    // session without a role) takes the full path below.
    if (!binding.scope?.length) {
      const pair = await this.ds.transaction((m) => this.rotateLive(m, token, hash, binding));
      if (pair) {
        this.outcomes.labels('rotated').inc();
        return pair;
      }
    }
    return this.refreshSlowly(token, hash, meta, binding);
  }

  /**
   * Rotates a live token in `m`'s transaction with one statement (session row locked first,
   * as everywhere else): the presented token is marked rotated, its successor inserted and
   * the session's idle expiry pushed back. Then, before the commit releases the lock, the
   * successor pair for the grace window and the session's liveness are written in one
   * round trip, so a concurrent presentation of the same token (waiting on the lock) finds
   * the pair. Null, with nothing written, when the token is not a live one of such a session.
   */
  private async rotateLive(
    m: EntityManager,
    token: string,
    hash: string,
    binding: RefreshBinding,
    role?: string,
  ): Promise<TokenPairDto | null> {
    const now = new Date();
    const next = newOpaqueToken('rt');
    const rows = rowsOf<RotatedSession>(
      await m.query(
        `WITH live AS (
           SELECT s.id FROM auth.refresh_tokens t JOIN auth.sessions s ON s.id = t.session_id
            WHERE t.hash = $1 AND t.rotated_at IS NULL AND t.revoked_at IS NULL
              AND t.expires_at > $3 AND s.revoked_at IS NULL AND s.expires_at > $3
              AND s.idle_expires_at > $3 AND s.client_id IS NOT DISTINCT FROM $4
              AND (s.role IS NOT NULL OR $6)
              FOR UPDATE OF s
         ), old AS (
           UPDATE auth.refresh_tokens t SET rotated_at = $3, successor_hash = $2
             FROM live WHERE t.hash = $1 AND t.session_id = live.id
              AND t.rotated_at IS NULL AND t.revoked_at IS NULL
           RETURNING t.session_id
         ), renewed AS (
           UPDATE auth.sessions s SET last_used_at = $3, idle_expires_at = LEAST($5, s.expires_at)
             FROM old WHERE s.id = old.session_id
           RETURNING s.id, s.user_id, s.role, s.aal, s.amr, s.auth_time, s.expires_at,
                     s.idle_expires_at, s.scope
         ), successor AS (
           INSERT INTO auth.refresh_tokens (hash, session_id, created_at, expires_at)
           SELECT $2, id, $3, idle_expires_at FROM renewed
         )
         SELECT * FROM renewed`,
        [
          hash,
          hashToken(next),
          now,
          binding.clientId,
          new Date(now.getTime() + this.settings.refreshTtl * 1000),
          role !== undefined,
        ],
      ),
    );
    const r = rows[0];
    if (!r) return null;
    const session = {
      id: r.id,
      userId: r.user_id,
      idleExpiresAt: new Date(r.idle_expires_at),
    };
    const scope = binding.scope?.length ? formatScope(binding.scope) : (r.scope ?? '');
    const access = this.issuer.issue({
      userId: r.user_id,
      sessionId: r.id,
      role: role ?? r.role!,
      aal: r.aal,
      amr: typeof r.amr === 'string' ? (JSON.parse(r.amr) as string[]) : r.amr,
      authTime: new Date(r.auth_time),
      sessionExpiresAt: new Date(r.expires_at),
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
    // Kept a little longer than the window; the window itself is decided by rotated_at.
    const writes = [
      this.grace.entry(token, hash, pair, (this.settings.graceSec + 5) * 1000),
      this.sessions.liveEntry(session),
    ].filter((e) => e !== null);
    await this.kv.setMany(writes);
    return pair;
  }

  /**
   * Every other presentation: a retired token (the same pair again within the grace window,
   * theft after it), a narrower scope, an older session without a role, or a refusal.
   */
  private async refreshSlowly(
    token: string,
    hash: string,
    meta: RpcMeta,
    binding: RefreshBinding,
  ): Promise<TokenPairDto> {
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

      // Live: rotated as in the common case, with the role found above and the scope asked.
      const pair = await this.rotateLive(m, token, hash, binding, grantedRole);
      return pair ? { kind: 'rotated', pair } : { kind: 'invalid' };
    });

    switch (outcome.kind) {
      case 'rotated':
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
