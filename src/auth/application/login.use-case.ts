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
import { LockoutService } from './lockout.service.js';
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
   */
  async authenticate(cmd: LoginCommand, meta: RpcMeta): Promise<{ userId: string; user: UserDto }> {
    const email = normalizeEmail(String(cmd?.email ?? ''));
    let hadFailures: boolean;
    try {
      hadFailures = (await this.lockout.assertNotLocked(email)).failures;
    } catch (err) {
      this.outcomes.labels('locked').inc();
      throw err;
    }
    const password = String(cmd?.password ?? '');
    const cred = await this.ds.getRepository(CredentialEntity).findOneBy({ email });
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
    if (hadFailures) await this.lockout.reset(email);
    return { userId: cred!.userId, user: user! };
  }

  async login(cmd: LoginCommand, meta: RpcMeta): Promise<LoginResultDto> {
    const { userId, user } = await this.authenticate(cmd, meta);
    if (await this.mfa.isActive(userId)) {
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
