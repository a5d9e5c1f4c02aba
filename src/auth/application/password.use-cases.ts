import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ChangePasswordCommand, ResetPasswordCommand } from '../../contracts/auth/auth.dto.js';
import { ProblemException, validationProblem } from '../../platform/errors/problem.js';
import { KeyValueStore } from '../../platform/kv/key-value.store.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';
import { normalizeEmail } from '../domain/password-policy.js';
import { CredentialEntity } from '../persistence/auth.entities.js';
import { AuthEvents } from '../../contracts/auth/auth.patterns.js';
import { AuditLog } from './audit-log.js';
import { EventPublisher } from './event-publisher.js';
import { AuthMails } from './auth-mails.js';
import { AuthSettings } from './auth-settings.js';
import { LockoutService } from './lockout.service.js';
import { OneTimeTokens } from './one-time-tokens.js';
import { PasswordHasher } from './password-hasher.js';
import { RegisterUseCase } from './register.use-case.js';
import { SessionService } from './session.service.js';
import { UserDirectory } from './user-directory.js';

export const invalidToken = (field = 'token') =>
  validationProblem(
    [{ field, message: 'is invalid, expired or already used' }],
    'The link is invalid, expired or already used.',
  );

const unauthenticated = () =>
  new ProblemException(401, 'unauthorized', 'An access token is required.');

/** Change (signed in), forgot (mail a link) and reset (with the link's token). */
@Injectable()
export class PasswordUseCases {
  private readonly logger = new Logger('Passwords');

  constructor(
    private readonly ds: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly register: RegisterUseCase,
    private readonly sessions: SessionService,
    private readonly tokens: OneTimeTokens,
    private readonly lockout: LockoutService,
    private readonly audit: AuditLog,
    private readonly events: EventPublisher,
    private readonly mails: AuthMails,
    private readonly directory: UserDirectory,
    private readonly kv: KeyValueStore,
    private readonly settings: AuthSettings,
  ) {}

  async change(cmd: ChangePasswordCommand, meta: RpcMeta): Promise<void> {
    const actor = meta.actor;
    if (!actor?.id) throw unauthenticated();
    const cred = await this.ds.getRepository(CredentialEntity).findOneBy({ userId: actor.id });
    if (!cred) throw unauthenticated();
    if (!cred.passwordHash) {
      // Signs in with a linked provider only: there is no current password to prove.
      throw new ProblemException(
        409,
        'no-password',
        'This account has no password yet (it signs in with a linked provider): set one with ' +
          'POST /auth/password/forgot and the link it mails.',
      );
    }
    await this.lockout.assertNotLocked(cred.email);
    if (!(await this.hasher.verify(cred.passwordHash, cmd.current_password))) {
      await this.lockout.recordFailure(cred.email);
      throw validationProblem(
        [{ field: 'current_password', message: 'is incorrect' }],
        'The current password is incorrect.',
      );
    }
    this.register.checkNewPassword(cmd.new_password, cred.email, 'new_password');
    if (cmd.new_password === cmd.current_password) {
      throw validationProblem(
        [{ field: 'new_password', message: 'must differ from the current password' }],
        'The password does not meet the requirements.',
      );
    }
    const hash = await this.hasher.hash(cmd.new_password);
    await this.ds.transaction(async (m) => {
      const now = new Date();
      await m
        .getRepository(CredentialEntity)
        .update(
          { userId: cred.userId },
          { passwordHash: hash, updatedAt: now, passwordChangedAt: now },
        );
      await this.audit.record(m, {
        type: 'password.changed',
        userId: cred.userId,
        sessionId: actor.sid,
        meta,
      });
    });
    await this.lockout.reset(cred.email);
    await this.sessions.revokeForUser(cred.userId, {
      except: actor.sid,
      reason: 'password_changed',
      meta,
    });
    this.mails.passwordChanged(cred.email);
  }

  /**
   * Always accepted, with the same answer and about the same time whether the account
   * exists: the work (and the mail) happens after the answer.
   */
  async forgot(emailInput: string, meta: RpcMeta): Promise<void> {
    const email = normalizeEmail(String(emailInput ?? ''));
    setImmediate(() => {
      this.sendReset(email, meta).catch((err: unknown) =>
        this.logger.warn(`password reset not sent: ${(err as Error)?.message ?? String(err)}`),
      );
    });
  }

  private async sendReset(email: string, meta: RpcMeta): Promise<void> {
    const cred = await this.ds.getRepository(CredentialEntity).findOneBy({ email });
    if (!cred) return;
    // At most a few reset mails per account and hour: no mail bombing through this form.
    const limit = await this.kv.hit(`auth:forgot:${cred.userId}`, 5, 3_600_000);
    if (!limit.allowed) return;
    const user = await this.directory.find(cred.userId, meta);
    if (!UserDirectory.maySignIn(user)) return;
    const token = await this.ds.transaction(async (m) => {
      const t = await this.tokens.issue(m, cred.userId, 'reset-password', this.settings.resetTtl);
      await this.audit.record(m, { type: 'password.reset_requested', userId: cred.userId, meta });
      return t;
    });
    this.mails.passwordReset(cred.email, token);
  }

  /** Sets a new password with a reset or invitation token; every session is signed out. */
  async reset(cmd: ResetPasswordCommand, meta: RpcMeta): Promise<void> {
    const found = await this.tokens.peek(this.ds.manager, cmd.token, ['reset-password', 'invite']);
    if (!found) throw invalidToken();
    const cred = await this.ds.getRepository(CredentialEntity).findOneBy({ userId: found.userId });
    if (!cred) throw invalidToken();
    this.register.checkNewPassword(cmd.password, cred.email);
    const hash = await this.hasher.hash(cmd.password);
    const used = await this.ds.transaction(async (m) => {
      const t = await this.tokens.consume(m, cmd.token, ['reset-password', 'invite']);
      if (!t || t.userId !== cred.userId) return false;
      const now = new Date();
      // The mail reached its owner: the address is proven too.
      await m
        .getRepository(CredentialEntity)
        .update(
          { userId: cred.userId },
          { passwordHash: hash, updatedAt: now, passwordChangedAt: now, emailVerified: true },
        );
      await this.audit.record(m, {
        type: 'password.reset',
        userId: cred.userId,
        meta,
        data: { via: t.purpose },
      });
      if (!cred.emailVerified) {
        await this.audit.record(m, { type: 'email.verified', userId: cred.userId, meta });
        await this.events.publish(m, AuthEvents.emailVerified, cred.userId, {
          user_id: cred.userId,
        });
      }
      return true;
    });
    if (!used) throw invalidToken();
    await this.lockout.reset(cred.email);
    await this.sessions.revokeForUser(cred.userId, { reason: 'password_reset', meta });
  }
}
