import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import type {
  AuditEntryDto,
  AuditPageDto,
  AuthUserExport,
  InviteCommand,
  SessionDto,
} from '../../contracts/auth/auth.dto.js';
import { ProblemException, validationProblem } from '../../platform/errors/problem.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';
import { normalizeEmail } from '../domain/password-policy.js';
import { AuditEventEntity, CredentialEntity, SessionEntity } from '../persistence/auth.entities.js';
import { AuditLog } from './audit-log.js';
import { AuthMails } from './auth-mails.js';
import { AuthSettings } from './auth-settings.js';
import { LockoutService } from './lockout.service.js';
import { OneTimeTokens } from './one-time-tokens.js';
import { PasswordHasher } from './password-hasher.js';
import { emailTaken, isUniqueViolation } from './register.use-case.js';
import { SessionService } from './session.service.js';
import { FederatedIdentities } from './social/federated-identities.js';
import { PendingRegistrations } from './pending-registrations.js';

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

export function toSessionDto(s: SessionEntity, currentSid?: string): SessionDto {
  return {
    id: s.id,
    created_at: iso(s.createdAt)!,
    last_used_at: iso(s.lastUsedAt)!,
    ip: s.ip,
    user_agent: s.userAgent,
    current: s.id === currentSid,
    client_id: s.clientId ?? null,
  };
}

function toAuditDto(a: AuditEventEntity): AuditEntryDto {
  return {
    id: a.id,
    type: a.type,
    created_at: iso(a.createdAt)!,
    ip: a.ip,
    user_agent: a.userAgent,
    session_id: a.sessionId,
    request_id: a.requestId,
  };
}

/** What other parts and the signed-in user ask of auth beyond sign-in itself. */
@Injectable()
export class AccountUseCases {
  constructor(
    private readonly ds: DataSource,
    private readonly sessions: SessionService,
    private readonly tokens: OneTimeTokens,
    private readonly hasher: PasswordHasher,
    private readonly lockout: LockoutService,
    private readonly audit: AuditLog,
    private readonly mails: AuthMails,
    private readonly settings: AuthSettings,
    private readonly identities: FederatedIdentities,
    private readonly pending: PendingRegistrations,
  ) {}

  async listSessions(meta: RpcMeta): Promise<SessionDto[]> {
    const actor = requireActor(meta);
    const rows = await this.sessions.listActive(actor.id);
    return rows.map((s) => toSessionDto(s, actor.sid));
  }

  /** An admin's view of someone's sessions. */
  async listUserSessions(userId: string, meta: RpcMeta): Promise<SessionDto[]> {
    const actor = requireActor(meta);
    if (actor.role !== 'admin') {
      throw new ProblemException(403, 'forbidden', 'Your role does not allow this action.');
    }
    const rows = await this.sessions.listActive(userId);
    return rows.map((s) => toSessionDto(s));
  }

  async revokeSession(sessionId: string, meta: RpcMeta): Promise<void> {
    const actor = requireActor(meta);
    const done = await this.sessions.revokeForUser(actor.id, {
      only: [String(sessionId)],
      reason: sessionId === actor.sid ? 'logout' : 'revoked_by_user',
      meta,
    });
    if (!done.length) throw new ProblemException(404, 'not-found', 'Session not found.');
  }

  async revokeOthers(meta: RpcMeta): Promise<{ revoked: number }> {
    const actor = requireActor(meta);
    const done = await this.sessions.revokeForUser(actor.id, {
      except: actor.sid,
      reason: 'revoked_by_user',
      meta,
    });
    return { revoked: done.length };
  }

  async logout(meta: RpcMeta): Promise<void> {
    const actor = requireActor(meta);
    if (!actor.sid) return;
    await this.sessions.revokeForUser(actor.id, { only: [actor.sid], reason: 'logout', meta });
  }

  async revokeAll(
    data: { user_id: string; except_session_id?: string },
    meta: RpcMeta,
  ): Promise<{ revoked: number }> {
    const done = await this.sessions.revokeForUser(String(data.user_id), {
      except: data.except_session_id,
      reason: 'revoked_by_admin',
      meta,
    });
    return { revoked: done.length };
  }

  /** The caller's own security events, newest first, by cursor. */
  async listAudit(
    query: { limit?: number; cursor?: string },
    meta: RpcMeta,
  ): Promise<AuditPageDto> {
    const actor = requireActor(meta);
    const limit = Math.min(Math.max(Number(query.limit) || 20, 1), 100);
    const qb = this.ds
      .getRepository(AuditEventEntity)
      .createQueryBuilder('a')
      .where('a.user_id = :uid', { uid: actor.id });
    if (query.cursor) {
      const c = decodeCursor(query.cursor);
      qb.andWhere('(a.created_at, a.id) < (:t, :id)', { t: new Date(c.t), id: c.id });
    }
    const rows = await qb
      .orderBy('a.created_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .limit(limit + 1)
      .getMany();
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map(toAuditDto),
      next_cursor:
        rows.length > limit && last
          ? Buffer.from(JSON.stringify({ t: iso(last.createdAt), id: last.id })).toString(
              'base64url',
            )
          : null,
    };
  }

  /** Credentials without a password for an admin-created user, and a set-password mail. */
  /** An admin-created user: logged before the users part creates the profile (see `invite`). */
  async beginRegistration(userId: unknown): Promise<void> {
    if (typeof userId !== 'string' || !/^usr_[0-9a-z]{10,40}$/.test(userId)) {
      throw validationProblem([{ field: 'user_id', message: 'user_id must be a usr_ id' }]);
    }
    await this.pending.begin(userId);
  }

  /**
   * Credentials without a password and the invitation. Completes the registration logged by
   * `beginRegistration` in the same transaction: one undone meanwhile cannot complete.
   */
  async invite(cmd: InviteCommand, meta: RpcMeta): Promise<void> {
    const email = normalizeEmail(String(cmd.email ?? ''));
    const userId = String(cmd.user_id ?? '');
    if (!email || !userId) {
      throw validationProblem([{ field: 'user_id', message: 'user_id and email are required' }]);
    }
    let token: string;
    try {
      token = await this.ds.transaction(async (m) => {
        const existing = await m.getRepository(CredentialEntity).findOneBy({ userId });
        const now = new Date();
        if (existing?.passwordHash) throw emailTaken();
        await this.pending.complete(m, userId, !existing); // a resent invitation has none
        if (!existing) {
          await m.getRepository(CredentialEntity).insert({
            userId,
            email,
            passwordHash: null,
            emailVerified: false,
            createdAt: now,
            updatedAt: now,
            passwordChangedAt: null,
          });
        }
        await this.audit.record(m, { type: 'user.invited', userId, meta });
        return this.tokens.issue(m, userId, 'invite', this.settings.inviteTtl);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw emailTaken();
      throw err;
    }
    this.mails.invitation(email, String(cmd.name ?? ''), token);
  }

  /**
   * Re-authentication for sensitive actions; failures count towards the lockout. An account
   * without a password (social sign-in only) has nothing to guess: never valid, never counted.
   */
  async verifyPassword(data: { user_id: string; password: string }): Promise<{ valid: boolean }> {
    const cred = await this.ds
      .getRepository(CredentialEntity)
      .findOneBy({ userId: String(data.user_id) });
    if (cred && !cred.passwordHash) return { valid: false };
    if (cred) await this.lockout.assertNotLocked(cred.email);
    const valid = await this.hasher.verify(cred?.passwordHash, String(data.password ?? ''));
    if (cred && !valid) await this.lockout.recordFailure(cred.email);
    return { valid: !!cred && valid };
  }

  async exportUser(userId: string): Promise<AuthUserExport> {
    const cred = await this.ds.getRepository(CredentialEntity).findOneBy({ userId });
    const sessions = await this.ds
      .getRepository(SessionEntity)
      .find({ where: { userId }, order: { createdAt: 'DESC' } });
    const audit = await this.ds
      .getRepository(AuditEventEntity)
      .find({ where: { userId }, order: { createdAt: 'DESC' } });
    return {
      credentials: cred
        ? {
            email: cred.email,
            email_verified: cred.emailVerified,
            has_password: !!cred.passwordHash,
            created_at: iso(cred.createdAt)!,
            password_changed_at: iso(cred.passwordChangedAt),
          }
        : null,
      sessions: sessions.map((s) => ({
        id: s.id,
        created_at: iso(s.createdAt)!,
        last_used_at: iso(s.lastUsedAt)!,
        ip: s.ip,
        user_agent: s.userAgent,
        revoked_at: iso(s.revokedAt),
        expires_at: iso(s.expiresAt)!,
        client_id: s.clientId ?? null,
      })),
      audit: audit.map((a) => ({ ...toAuditDto(a), user_id: a.userId })),
      mfa: await this.exportMfa(userId),
      identities: await this.identities.listFor(userId),
    };
  }

  private async exportMfa(userId: string): Promise<AuthUserExport['mfa']> {
    const [factor] = (await this.ds.query(
      `SELECT status, created_at, activated_at FROM auth.mfa_factors WHERE user_id = $1`,
      [userId],
    )) as { status: 'pending' | 'active'; created_at: Date; activated_at: Date | null }[];
    const codes = (await this.ds.query(
      `SELECT created_at, used_at FROM auth.mfa_recovery_codes WHERE user_id = $1
        ORDER BY created_at, used_at NULLS LAST`,
      [userId],
    )) as { created_at: Date; used_at: Date | null }[];
    return {
      totp: factor
        ? {
            status: factor.status,
            created_at: iso(factor.created_at)!,
            activated_at: iso(factor.activated_at),
          }
        : null,
      recovery_codes: codes.map((c) => ({
        created_at: iso(c.created_at)!,
        used_at: iso(c.used_at),
      })),
    };
  }

  /**
   * Erasure: sign-in stops at once (sessions revoked, credentials, tokens and provider links
   * deleted) and the
   * audit trail keeps its events under a pseudonym, without IP or user agent.
   */
  async eraseUser(userId: string, meta: RpcMeta): Promise<void> {
    await this.sessions.revokeForUser(userId, { reason: 'user_erased', meta });
    const cred = await this.ds.getRepository(CredentialEntity).findOneBy({ userId });
    const pseudonym = 'erased_' + createHash('sha256').update(userId).digest('hex').slice(0, 24);
    await this.ds.transaction(async (m) => {
      await m.query(`DELETE FROM auth.credentials WHERE user_id = $1`, [userId]);
      await m.query(`DELETE FROM auth.one_time_tokens WHERE user_id = $1`, [userId]);
      await m.query(`DELETE FROM auth.mfa_factors WHERE user_id = $1`, [userId]);
      await m.query(`DELETE FROM auth.mfa_recovery_codes WHERE user_id = $1`, [userId]);
      await this.identities.erase(m, userId);
      await m.query(`DELETE FROM auth.oauth_codes WHERE user_id = $1`, [userId]);
      await m.query(
        `UPDATE auth.audit_events SET user_id = $2, ip = NULL, user_agent = NULL WHERE user_id = $1`,
        [userId, pseudonym],
      );
      await m.query(
        `UPDATE auth.sessions SET user_id = $2, ip = NULL, user_agent = NULL WHERE user_id = $1`,
        [userId, pseudonym],
      );
      await this.audit.record(m, { type: 'user.erased', userId: pseudonym });
    });
    if (cred) await this.lockout.reset(cred.email);
  }
}

function requireActor(meta: RpcMeta) {
  const actor = meta?.actor;
  if (!actor?.id) throw new ProblemException(401, 'unauthorized', 'An access token is required.');
  return actor;
}

function decodeCursor(cursor: string): { t: string; id: string } {
  try {
    const c = JSON.parse(Buffer.from(String(cursor), 'base64url').toString('utf8'));
    if (typeof c?.t === 'string' && typeof c?.id === 'string' && !isNaN(Date.parse(c.t))) return c;
  } catch {}
  throw validationProblem([{ field: 'cursor', message: 'is not a valid cursor' }]);
}
