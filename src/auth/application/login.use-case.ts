import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { LoginCommand, LoginResultDto } from '../../contracts/auth/auth.dto.js';
import type { UserDto } from '../../contracts/users/user.dto.js';
import { AuthEvents } from '../../contracts/auth/auth.patterns.js';
import { MetricsService } from '../../platform/metrics/metrics.service.js';
import { ProblemException } from '../../platform/errors/problem.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';
import { normalizeEmail } from '../domain/password-policy.js';
import { CredentialEntity } from '../persistence/auth.entities.js';
import { AuditLog } from './audit-log.js';
import { EventPublisher } from './event-publisher.js';
import { LockoutService, tooManyAttempts } from './lockout.service.js';
import { MfaUseCases } from './mfa/mfa.use-cases.js';
import { PasswordHasher } from './password-hasher.js';
import { SignInService } from './sign-in.service.js';
import { UserDirectory } from './user-directory.js';

/** The one answer for every failed sign-in: nothing tells which check failed. */
export const invalidCredentials = () =>
  new ProblemException(401, 'invalid-credentials', 'The email or password is incorrect.');

export type FailureReason = 'unknown_user' | 'bad_password' | 'no_password' | 'disabled';

@Injectable()
export class LoginUseCase {
  private readonly outcomes;

  constructor(
    private readonly ds: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly lockout: LockoutService,
    private readonly signIn: SignInService,
    private readonly directory: UserDirectory,
    private readonly audit: AuditLog,
    private readonly events: EventPublisher,
    private readonly mfa: MfaUseCases,
    metrics: MetricsService,
  ) {
    this.outcomes = metrics.counter('auth_logins_total', 'Sign-in attempts by outcome', [
      'outcome',
    ] as const);
  }

  /**
   * Checks email and password (lockout, one answer for every failure, audit and event) and
   * that the user may sign in; opens nothing. Shared by sign-in and the OAuth sign-in page.
   * `mfaActive`: a second factor is still to come.
   */
  async authenticate(
    cmd: LoginCommand,
    meta: RpcMeta,
  ): Promise<{ userId: string; user: UserDto; mfaActive: boolean }> {
    const email = normalizeEmail(String(cmd?.email ?? ''));
    const password = String(cmd?.password ?? '');
    // The lockout state and the credential are read at once; a locked account is refused
    // before its password is checked.
    const [lock, cred] = await Promise.all([this.lockout.state(email), this.credentialOf(email)]);
    if (lock.lockedForSec > 0) {
      this.outcomes.labels('locked').inc();
      throw tooManyAttempts(lock.lockedForSec);
    }
    const ok = await this.hasher.verify(cred?.passwordHash, password);
    if (!cred || !ok) {
      const reason: FailureReason = !cred
        ? 'unknown_user'
        : cred.passwordHash
          ? 'bad_password'
          : 'no_password';
      await this.fail(email, cred?.userId ?? null, reason, meta);
    }
    const user = await this.directory.find(cred!.userId, meta);
    if (!UserDirectory.maySignIn(user)) {
      await this.fail(email, cred!.userId, 'disabled', meta, false);
    }
    if (this.hasher.needsRehash(cred!.passwordHash!)) {
      const upgraded = await this.hasher.hash(password);
      await this.ds
        .getRepository(CredentialEntity)
        .update({ userId: cred!.userId }, { passwordHash: upgraded, updatedAt: new Date() });
    }
    if (lock.failures) await this.lockout.reset(email);
    return { userId: cred!.userId, user: user!, mfaActive: cred!.mfaActive };
  }

  /** The credential of an email and whether its second factor is on, in one read. */
  private async credentialOf(
    email: string,
  ): Promise<{ userId: string; passwordHash: string | null; mfaActive: boolean } | null> {
    const rows = (await this.ds.query(
      `SELECT c.user_id, c.password_hash, f.status = 'active' AS mfa_active
         FROM auth.credentials c LEFT JOIN auth.mfa_factors f ON f.user_id = c.user_id
        WHERE c.email = $1`,
      [email],
    )) as { user_id: string; password_hash: string | null; mfa_active: boolean | null }[];
    const r = rows[0];
    return r
      ? { userId: r.user_id, passwordHash: r.password_hash, mfaActive: r.mfa_active === true }
      : null;
  }

  async login(cmd: LoginCommand, meta: RpcMeta): Promise<LoginResultDto> {
    const { userId, user, mfaActive } = await this.authenticate(cmd, meta);
    if (mfaActive) {
      // Password right, second factor still to come: no session, no tokens yet.
      this.outcomes.labels('mfa_required').inc();
      return this.mfa.challenge(userId);
    }
    const tokens = await this.signIn.complete({
      userId,
      role: user.role,
      meta,
      method: 'password',
    });
    this.outcomes.labels('succeeded').inc();
    return tokens;
  }

  /** Audits and publishes the failure, counts it towards the lockout, then throws 401. */
  private async fail(
    email: string,
    userId: string | null,
    reason: FailureReason,
    meta: RpcMeta,
    countsTowardsLockout = true,
  ): Promise<never> {
    const lock = countsTowardsLockout
      ? await this.lockout.recordFailure(email)
      : { failures: 0, lockedForSec: 0 };
    await this.ds.transaction(async (m) => {
      await this.audit.record(m, {
        type: 'login.failed',
        userId,
        meta,
        data: { reason, failures: lock.failures },
      });
      if (lock.lockedForSec > 0 && userId) {
        await this.audit.record(m, {
          type: 'account.locked',
          userId,
          meta,
          data: { seconds: lock.lockedForSec, failures: lock.failures },
        });
      }
      await this.events.publish(m, AuthEvents.loginFailed, userId ?? undefined, {
        ...(userId ? { user_id: userId } : {}),
        reason,
      });
    });
    this.outcomes.labels(reason).inc();
    throw invalidCredentials();
  }
}
