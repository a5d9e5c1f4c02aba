import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { RegisterCommand, RegisteredUserDto } from '../../contracts/auth/auth.dto.js';
import { AuthEvents } from '../../contracts/auth/auth.patterns.js';
import { newId } from '../../contracts/common/ids.js';
import type { UserDto } from '../../contracts/users/user.dto.js';
import { UsersClient } from '../../contracts/users/users.client.js';
import { ProblemException, validationProblem } from '../../platform/errors/problem.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';
import { checkPassword, normalizeEmail } from '../domain/password-policy.js';
import { CredentialEntity } from '../persistence/auth.entities.js';
import { AuditLog } from './audit-log.js';
import { AuthMails } from './auth-mails.js';
import { AuthSettings } from './auth-settings.js';
import { CommonPasswords } from './common-passwords.js';
import { EventPublisher } from './event-publisher.js';
import { OneTimeTokens } from './one-time-tokens.js';
import { PendingRegistrations } from './pending-registrations.js';
import { PasswordHasher } from './password-hasher.js';

export const emailTaken = () =>
  new ProblemException(409, 'email-taken', 'An account with this email already exists.');

/** A Postgres unique violation (the email index). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } };
  return e?.code === '23505' || e?.driverError?.code === '23505';
}

/**
 * Registration spans two parts: the profile in users, the credentials here. The profile is
 * created first with the id chosen here; when anything after it fails, it is discarded, and
 * when the process dies in between, `PendingRegistrations` undoes it later, so no
 * half-registered user remains.
 */
@Injectable()
export class RegisterUseCase {
  constructor(
    private readonly ds: DataSource,
    private readonly users: UsersClient,
    private readonly hasher: PasswordHasher,
    private readonly common: CommonPasswords,
    private readonly audit: AuditLog,
    private readonly events: EventPublisher,
    private readonly tokens: OneTimeTokens,
    private readonly mails: AuthMails,
    private readonly settings: AuthSettings,
    private readonly pending: PendingRegistrations,
  ) {}

  checkNewPassword(password: string, email: string, field = 'password'): void {
    const violations = checkPassword(password, email, this.common.has, field);
    if (violations.length) {
      throw validationProblem(violations, 'The password does not meet the requirements.');
    }
  }

  async register(cmd: RegisterCommand, meta: RpcMeta): Promise<RegisteredUserDto> {
    const email = normalizeEmail(cmd.email);
    const name = cmd.name.trim();
    this.checkNewPassword(cmd.password, email);
    const exists = await this.ds.getRepository(CredentialEntity).existsBy({ email });
    if (exists) throw emailTaken();
    const hash = await this.hasher.hash(cmd.password);
    const id = newId('usr');
    return this.createAccount({ id, email, name, passwordHash: hash, role: 'member' }, meta);
  }

  /**
   * Profile in users, then credentials (+ audit, event, verification mail) here. A null
   * password hash is an account that signs in another way (a linked provider); `alsoIn` adds
   * writes to the credentials' transaction (the provider link).
   */
  async createAccount(
    input: {
      id: string;
      email: string;
      name: string;
      passwordHash: string | null;
      role: 'member' | 'admin';
    },
    meta: RpcMeta,
    opts: {
      verified?: boolean;
      sendVerification?: boolean;
      alsoIn?: (m: EntityManager) => Promise<void>;
    } = {},
  ): Promise<RegisteredUserDto> {
    const { id, email, name } = input;
    await this.pending.begin(id);
    let user: UserDto;
    try {
      user = await this.users.create(
        { id, email, name, role: input.role, email_verified: opts.verified ?? false },
        meta,
      );
    } catch (err) {
      // A timeout may hide a profile created late: discard it (idempotent) before failing.
      await this.pending.abandon(id, meta, true);
      if (err instanceof ProblemException && err.getStatus() === 409) throw emailTaken();
      throw err;
    }
    let verificationToken: string | undefined;
    try {
      verificationToken = await this.ds.transaction(async (m) => {
        await this.pending.complete(m, id);
        const now = new Date();
        await m.getRepository(CredentialEntity).insert({
          userId: id,
          email,
          passwordHash: input.passwordHash,
          emailVerified: opts.verified ?? false,
          createdAt: now,
          updatedAt: now,
          passwordChangedAt: input.passwordHash ? now : null,
        });
        await this.audit.record(m, { type: 'user.registered', userId: id, meta });
        await opts.alsoIn?.(m);
        await this.events.publish(m, AuthEvents.userRegistered, id, {
          user_id: id,
          role: input.role,
        });
        if (opts.verified || opts.sendVerification === false) return undefined;
        return this.tokens.issue(m, id, 'verify-email', this.settings.verifyTtl);
      });
    } catch (err) {
      await this.pending.abandon(id, meta, true);
      if (isUniqueViolation(err)) throw emailTaken();
      throw err;
    }
    if (verificationToken) this.mails.verification(email, name, verificationToken);
    return {
      id,
      email: user.email ?? email,
      name: user.name ?? name,
      role: user.role ?? input.role,
      email_verified: opts.verified ?? false,
      created_at: user.created_at ?? new Date().toISOString(),
    };
  }
}
