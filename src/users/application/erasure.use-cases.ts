import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../platform/config/config.js';
import { ProblemException } from '../../platform/errors/index.js';
import { KeyValueStore } from '../../platform/kv/key-value.store.js';
import { MetricsService } from '../../platform/metrics/metrics.service.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';
import { UsersEvents, type UserDeletedEventData } from '../../contracts/users/users.patterns.js';
import { isAdmin, isRecentSignIn } from '../domain/access.js';
import { DEFAULT_NOTIFICATIONS, DEFAULT_THEME } from '../domain/preferences.js';
import { UserRepository } from '../persistence/user.repository.js';
import { actorOf, userNotFound } from './guards.js';
import { OtherParts } from './other-parts.js';
import { UserEvents } from './user-events.js';
import { lastAdmin } from './admin.use-cases.js';
import { DATA_PARTS } from './export.use-cases.js';

const DAY_MS = 86_400_000;
/** Password attempts allowed per user when confirming a deletion. */
const REAUTH_LIMIT = 5;
const REAUTH_WINDOW_MS = 15 * 60_000;

/**
 * Account deletion and erasure. Deleting disables the account at once and revokes its sessions;
 * the personal data is erased USER_RETENTION_DAYS later by `eraseDue` (the scheduled job).
 */
@Injectable()
export class ErasureUseCases {
  private readonly logger = new Logger('UsersErasure');
  private readonly counter;

  constructor(
    private readonly users: UserRepository,
    private readonly parts: OtherParts,
    private readonly events: UserEvents,
    private readonly config: AppConfig,
    private readonly kv: KeyValueStore,
    metrics: MetricsService,
  ) {
    this.counter = metrics.counter(
      'users_account_deletions_total',
      'Account deletions (requested, admin) and erasures of personal data (erased, postponed)',
      ['outcome'],
    );
  }

  /**
   * The user themself (with their password, or a sign-in younger than USERS_REAUTH_MAX_AGE_S)
   * or an admin. Anyone else gets the 404 of an unknown id. Deleting twice is not an error.
   */
  async delete(id: unknown, password: unknown, meta: RpcMeta): Promise<void> {
    const actor = actorOf(meta);
    if (typeof id !== 'string') throw userNotFound();
    const self = actor.id === id;
    if (!self && !isAdmin(actor)) throw userNotFound();
    if (self) await this.confirmIdentity(id, password, meta);
    else if (password !== undefined) {
      throw new ProblemException(
        400,
        'validation-error',
        'password is only for your own account.',
        {
          title: 'Validation failed',
          errors: [{ field: 'password', message: 'unknown field "password"' }],
        },
      );
    }

    const now = new Date();
    const deletedNow = await this.users.transaction(async (m) => {
      const admins = await this.users.countActiveAdmins(m);
      const r = await this.users.lockById(id, m);
      if (!r || r.erasedAt) throw userNotFound();
      if (r.deletedAt) return false; // already deleted: the revocation below is repeated
      if (r.role === 'admin' && !r.disabled && admins <= 1) throw lastAdmin();
      const days = this.config.get('USER_RETENTION_DAYS');
      r.deletedAt = now;
      r.eraseAfter = new Date(now.getTime() + days * DAY_MS);
      r.updatedAt = now;
      await this.users.save(r, m);
      const data: UserDeletedEventData = {
        reason: self ? 'requested' : 'admin',
        deleted_at: now.toISOString(),
        erase_after: r.eraseAfter.toISOString(),
      };
      await this.events.record(m, {
        type: UsersEvents.deleted,
        user_id: id,
        actor,
        data: { ...data },
      });
      return true;
    });
    if (deletedNow) this.counter.labels(self ? 'requested' : 'admin').inc();
    await this.parts.revokeSessions(id, meta);
  }

  private async confirmIdentity(id: string, password: unknown, meta: RpcMeta): Promise<void> {
    if (password === undefined || password === null) {
      const maxAge = this.config.get('USERS_REAUTH_MAX_AGE_S');
      if (isRecentSignIn(meta.actor?.auth_time, Date.now(), maxAge)) return;
      throw new ProblemException(
        403,
        'reauthentication-required',
        `Confirm with your password, or sign in again (within ${maxAge} s) to delete your account.`,
      );
    }
    if (typeof password !== 'string' || !password || password.length > 1024) {
      throw new ProblemException(400, 'validation-error', 'The request is invalid.', {
        title: 'Validation failed',
        errors: [{ field: 'password', message: 'password must be a non-empty string' }],
      });
    }
    const limit = await this.kv.hit(`users:reauth:${id}`, REAUTH_LIMIT, REAUTH_WINDOW_MS);
    if (!limit.allowed) {
      const seconds = Math.max(1, Math.ceil(limit.resetMs / 1000));
      throw new ProblemException(429, 'too-many-attempts', 'Too many password attempts.', {
        retry_after: seconds,
        headers: { 'retry-after': String(seconds) },
      });
    }
    if (!(await this.parts.verifyPassword(id, password, meta))) {
      throw new ProblemException(403, 'reauthentication-failed', 'The password is not correct.');
    }
  }

  /** `users.user.erase`: erases a deleted account's personal data now (not a live account). */
  async eraseNow(id: unknown, meta: RpcMeta = {}): Promise<void> {
    if (typeof id !== 'string') throw userNotFound();
    const r = await this.users.findById(id);
    if (!r) throw userNotFound();
    if (r.erasedAt) return;
    if (!r.deletedAt) {
      throw new ProblemException(409, 'not-deleted', 'Only a deleted account can be erased.');
    }
    await this.erase(id, meta);
  }

  /** One run of the scheduled job: erases every account whose retention has passed. */
  async eraseDue(batch = 50): Promise<number> {
    const due = await this.users.dueForErasure(new Date(), batch);
    let erased = 0;
    for (const r of due) {
      try {
        await this.erase(r.id, {});
        erased++;
        this.counter.labels('erased').inc();
      } catch (err) {
        // Retried at the next run (e.g. auth unreachable right now).
        const why =
          err instanceof ProblemException
            ? `${err.getStatus()} ${err.problem.detail ?? err.problem.title}`
            : (err as Error).message;
        this.logger.warn(`erasure of ${r.id} postponed: ${why}`);
        this.counter.labels('postponed').inc();
      }
    }
    return erased;
  }

  private async erase(id: string, meta: RpcMeta): Promise<void> {
    // Credentials, sessions and audit identity (auth), payment personal data (payments; the
    // financial records stay, by law), analytics events (pseudonymised): every part first, so
    // a part that cannot answer now leaves the user due, and the next run tries again.
    for (const part of DATA_PARTS) await this.parts.eraseIn(part, id, meta);
    await this.users.transaction(async (m) => {
      const r = await this.users.lockById(id, m);
      if (!r || r.erasedAt) return;
      Object.assign(r, {
        email: null,
        name: '',
        emailVerified: false,
        disabled: true,
        locale: null,
        timezone: null,
        avatarUrl: null,
        theme: DEFAULT_THEME,
        notifications: { ...DEFAULT_NOTIFICATIONS },
        custom: {},
        erasedAt: new Date(),
        updatedAt: new Date(),
      });
      await this.users.save(r, m);
    });
    this.logger.log(`personal data of ${id} erased`);
  }
}
