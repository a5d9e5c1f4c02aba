import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { MAX_LISTED_SESSIONS } from '../../contracts/auth/auth.dto.js';
import { SessionKeys } from '../../contracts/auth/session-keys.js';
import { newId } from '../../contracts/common/ids.js';
import { KeyValueStore, type KeyValueEntry } from '../../platform/kv/key-value.store.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';
import { hashToken, newOpaqueToken } from '../domain/opaque-token.js';
import { SessionEntity } from '../persistence/auth.entities.js';
import {
  AUDIT_COLUMNS,
  AUDIT_JSONB,
  AuditLog,
  auditRow,
  placeholders,
  type AuditInput,
} from './audit-log.js';
import { AuthSettings } from './auth-settings.js';

export interface RefreshTokenState {
  sessionId: string;
  userId: string;
  clientId: string | null;
  scope: string | null;
  createdAt: Date;
  expiresAt: Date;
  /** Neither rotated, revoked nor expired, and its session is live. */
  live: boolean;
}

type LiveSession = Pick<SessionEntity, 'id' | 'userId' | 'idleExpiresAt'>;

export interface OpenedSession {
  session: SessionEntity;
  refreshToken: string;
}

/** Rows of an UPDATE ... RETURNING, whatever shape the driver gives. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0])) {
    return result[0] as T[];
  }
  return (Array.isArray(result) ? result : []) as T[];
}

/**
 * Sessions: one per sign-in, each with a family of refresh tokens. The session's key in the
 * key-value store (SessionKeys) is what the gateway checks on every request.
 */
@Injectable()
export class SessionService {
  constructor(
    private readonly ds: DataSource,
    private readonly kv: KeyValueStore,
    private readonly settings: AuthSettings,
    private readonly audit: AuditLog,
  ) {}

  /**
   * Creates a session and its first refresh token inside `m`'s transaction, with the audit
   * entry of the sign-in when given (its `sessionId` is the new session's): one statement.
   */
  async open(
    m: EntityManager,
    input: {
      userId: string;
      role: string;
      meta?: RpcMeta;
      aal?: string;
      amr?: string[];
      /** When the user proved who they are (default now). */
      authTime?: Date;
      /** OAuth: the client the session is for and the scopes granted to it. */
      clientId?: string;
      scope?: string;
      /** Idle lifetime in seconds when shorter than REFRESH_TOKEN_TTL (no refresh token given). */
      idleTtlSec?: number;
    },
    audit?: Omit<AuditInput, 'sessionId'>,
  ): Promise<OpenedSession> {
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.settings.sessionMaxAge * 1000);
    const idleSec = Math.min(
      input.idleTtlSec ?? this.settings.refreshTtl,
      this.settings.refreshTtl,
    );
    const idle = new Date(Math.min(now.getTime() + idleSec * 1000, expiresAt.getTime()));
    const session: SessionEntity = {
      id: newId('ses'),
      userId: input.userId,
      createdAt: now,
      lastUsedAt: now,
      idleExpiresAt: idle,
      expiresAt,
      ip: input.meta?.ip ?? null,
      userAgent: input.meta?.userAgent?.slice(0, 512) ?? null,
      aal: input.aal ?? 'aal1',
      role: input.role,
      amr: input.amr ?? ['pwd'],
      authTime: input.authTime ?? now,
      revokedAt: null,
      revokedReason: null,
      clientId: input.clientId ?? null,
      scope: input.clientId ? (input.scope ?? '') : null,
    };
    const refreshToken = newOpaqueToken('rt');
    const params: unknown[] = [];
    const sessionValues = placeholders(
      params,
      [
        session.id,
        session.userId,
        now,
        now,
        idle,
        expiresAt,
        session.ip,
        session.userAgent,
        session.aal,
        session.role,
        JSON.stringify(session.amr),
        session.authTime,
        session.clientId,
        session.scope,
      ],
      [10],
    );
    const tokenValues = placeholders(params, [hashToken(refreshToken), session.id, now, idle]);
    const auditValues =
      audit &&
      placeholders(params, auditRow({ ...audit, sessionId: session.id }, now), AUDIT_JSONB);
    await m.query(
      `WITH s AS (
         INSERT INTO auth.sessions (id, user_id, created_at, last_used_at, idle_expires_at,
                expires_at, ip, user_agent, aal, role, amr, auth_time, client_id, scope)
         VALUES ${sessionValues}
       )${auditValues ? `, a AS (INSERT INTO auth.audit_events ${AUDIT_COLUMNS} VALUES ${auditValues})` : ''}
       INSERT INTO auth.refresh_tokens (hash, session_id, created_at, expires_at)
       VALUES ${tokenValues}`,
      params,
    );
    return { session, refreshToken };
  }

  /** Makes the session live for the gateway until it ends (idle or absolute). */
  async activate(session: LiveSession): Promise<void> {
    const e = this.liveEntry(session);
    if (e) await this.kv.set(e.key, e.value, e.ttlMs);
  }

  /** What `activate` writes (null when the session has already ended). */
  liveEntry(session: LiveSession): KeyValueEntry | null {
    const ttl = session.idleExpiresAt.getTime() - Date.now();
    return ttl > 0
      ? { key: SessionKeys.session(session.id), value: session.userId, ttlMs: ttl }
      : null;
  }

  /**
   * Revokes sessions and every refresh token of their families inside `m`'s transaction;
   * returns the ids that were live. Call `forget` with them after the commit.
   */
  async revokeIn(m: EntityManager, ids: string[], reason: string): Promise<string[]> {
    if (!ids.length) return [];
    const now = new Date();
    const rows = rowsOf<{ id: string }>(
      await m.query(
        `UPDATE auth.sessions SET revoked_at = $1, revoked_reason = $2
          WHERE id = ANY($3) AND revoked_at IS NULL RETURNING id`,
        [now, reason, ids],
      ),
    );
    await m.query(
      `UPDATE auth.refresh_tokens SET revoked_at = $1
        WHERE session_id = ANY($2) AND revoked_at IS NULL`,
      [now, ids],
    );
    return rows.map((r) => r.id);
  }

  /** Deletes the sessions' keys: their access tokens stop working on the next request. */
  async forget(ids: string[]): Promise<void> {
    if (ids.length) await this.kv.del(...ids.map((id) => SessionKeys.session(id)));
  }

  /**
   * Revokes a user's sessions (all, or all but one, or the listed ones), audits each and
   * kills their access tokens at once.
   */
  async revokeForUser(
    userId: string,
    opts: { only?: string[]; except?: string; reason: string; meta?: RpcMeta },
  ): Promise<string[]> {
    const revoked = await this.ds.transaction(async (m) => {
      const params: unknown[] = [userId];
      let sql = `SELECT id FROM auth.sessions WHERE user_id = $1 AND revoked_at IS NULL`;
      if (opts.only) {
        params.push(opts.only);
        sql += ` AND id = ANY($${params.length})`;
      }
      if (opts.except) {
        params.push(opts.except);
        sql += ` AND id <> $${params.length}`;
      }
      const ids = ((await m.query(sql, params)) as { id: string }[]).map((r) => r.id);
      const done = await this.revokeIn(m, ids, opts.reason);
      for (const id of done) {
        await this.audit.record(m, {
          type: opts.reason === 'logout' ? 'logout' : 'session.revoked',
          userId,
          sessionId: id,
          meta: opts.meta,
          data: { reason: opts.reason },
        });
      }
      return done;
    });
    await this.forget(revoked);
    return revoked;
  }

  /**
   * A refresh token and its session, whatever their state (introspection, revocation), or
   * null for an unknown token.
   */
  async byRefreshToken(token: string): Promise<RefreshTokenState | null> {
    if (typeof token !== 'string' || !token.startsWith('rt_') || token.length > 128) return null;
    const rows = (await this.ds.query(
      `SELECT t.created_at, t.expires_at, t.rotated_at, t.revoked_at AS token_revoked_at,
              s.id AS session_id, s.user_id, s.client_id, s.scope, s.revoked_at,
              s.expires_at AS session_expires_at, s.idle_expires_at
         FROM auth.refresh_tokens t JOIN auth.sessions s ON s.id = t.session_id
        WHERE t.hash = $1`,
      [hashToken(token)],
    )) as Record<string, unknown>[];
    const r = rows[0];
    if (!r) return null;
    const date = (v: unknown) => (v ? new Date(v as string) : null);
    const now = Date.now();
    const live =
      !r.token_revoked_at &&
      !r.rotated_at &&
      !r.revoked_at &&
      date(r.expires_at)!.getTime() > now &&
      date(r.session_expires_at)!.getTime() > now &&
      date(r.idle_expires_at)!.getTime() > now;
    return {
      sessionId: r.session_id as string,
      userId: r.user_id as string,
      clientId: (r.client_id as string | null) ?? null,
      scope: (r.scope as string | null) ?? null,
      createdAt: date(r.created_at)!,
      expiresAt: date(r.expires_at)!,
      live,
    };
  }

  /** Live sessions of a user, newest first. */
  /** The newest MAX_LISTED_SESSIONS active sessions of a user (the API documents that bound). */
  async listActive(userId: string): Promise<SessionEntity[]> {
    const now = new Date();
    return this.ds
      .getRepository(SessionEntity)
      .createQueryBuilder('s')
      .where('s.user_id = :userId', { userId })
      .andWhere('s.revoked_at IS NULL')
      .andWhere('s.expires_at > :now', { now })
      .andWhere('s.idle_expires_at > :now', { now })
      .orderBy('s.created_at', 'DESC')
      .take(MAX_LISTED_SESSIONS)
      .getMany();
  }
}
