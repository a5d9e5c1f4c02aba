import { Injectable } from '@nestjs/common';
import { ProblemException, notFound, validationProblem } from '../../platform/errors/index.js';
import type { FieldError } from '../../platform/errors/index.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';
import type { CreateUserCommand, UserDto } from '../../contracts/users/user.dto.js';
import { UsersEvents } from '../../contracts/users/users.patterns.js';
import { isRole, isValidEmail, normalizeEmail, normalizeName } from '../domain/user.rules.js';
import { UserRecord } from '../persistence/user.entity.js';
import { UserRepository, isUniqueViolation } from '../persistence/user.repository.js';
import { UserEvents } from './user-events.js';
import { toUserDto } from './user.mapper.js';

const ID_RE = /^usr_[0-9a-z]{10,40}$/;

export function emailTaken(): ProblemException {
  return new ProblemException(409, 'email-taken', 'An account with this email already exists.');
}

export function registrationUndone(): ProblemException {
  return new ProblemException(
    409,
    'registration-undone',
    'The registration this user belonged to was undone; start a new one.',
  );
}

/**
 * The users other parts rely on: create (registration, admin), read by id or email, and
 * discard (compensation when a registration fails after the profile was created).
 */
@Injectable()
export class UserRegistry {
  constructor(
    private readonly users: UserRepository,
    private readonly events: UserEvents,
  ) {}

  /** Auth confirmed the user's email address (event `auth.email.verified.v1`). */
  async markEmailVerified(id: unknown): Promise<void> {
    if (typeof id === 'string' && ID_RE.test(id)) await this.users.markEmailVerified(id);
  }

  async create(cmd: CreateUserCommand, meta: RpcMeta = {}): Promise<UserDto> {
    const errors: FieldError[] = [];
    const id = typeof cmd?.id === 'string' ? cmd.id : '';
    if (!ID_RE.test(id)) errors.push({ field: 'id', message: 'id must be a usr_ id' });
    const email = typeof cmd?.email === 'string' ? normalizeEmail(cmd.email) : '';
    if (!isValidEmail(email)) errors.push({ field: 'email', message: 'email must be an email' });
    const name = typeof cmd?.name === 'string' ? normalizeName(cmd.name) : undefined;
    if (!name) errors.push({ field: 'name', message: 'name must be 1 to 100 characters' });
    const role = cmd?.role ?? 'member';
    if (!isRole(role)) errors.push({ field: 'role', message: 'role must be member or admin' });
    if (cmd?.email_verified !== undefined && typeof cmd.email_verified !== 'boolean') {
      errors.push({ field: 'email_verified', message: 'email_verified must be a boolean' });
    }
    if (errors.length) throw validationProblem(errors);

    const now = new Date();
    const record = Object.assign(new UserRecord(), {
      id,
      email,
      name: name!,
      role,
      emailVerified: cmd.email_verified ?? false,
      disabled: false,
      locale: null,
      timezone: null,
      avatarUrl: null,
      theme: 'system',
      notifications: { security: true, product: true, marketing: false },
      custom: {},
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
      eraseAfter: null,
      erasedAt: null,
    } satisfies UserRecord);
    try {
      await this.users.transaction(async (m) => {
        await this.users.lockId(id, m);
        if (await this.users.wasDiscarded(id, m)) throw registrationUndone();
        if (await this.users.findByEmail(email, m)) throw emailTaken();
        await this.users.insert(record, m);
        await this.events.record(m, {
          type: UsersEvents.created,
          user_id: id,
          actor: meta.actor,
          data: { role, email_verified: record.emailVerified, created_at: now.toISOString() },
        });
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        const existing = await this.users.findById(id);
        if (existing && existing.email === email) return toUserDto(existing); // a retried create
        throw emailTaken();
      }
      throw err;
    }
    return toUserDto(record);
  }

  /** Any user that still exists (disabled and deleted ones included: callers decide). */
  async get(id: unknown): Promise<UserDto> {
    const record = typeof id === 'string' ? await this.users.findById(id) : null;
    if (!record || record.erasedAt) throw notFound('User');
    return toUserDto(record);
  }

  async getByEmail(email: unknown): Promise<UserDto> {
    const record =
      typeof email === 'string' ? await this.users.findByEmail(normalizeEmail(email)) : null;
    if (!record || record.erasedAt) throw notFound('User');
    return toUserDto(record);
  }

  /**
   * Removes a profile whose registration failed; idempotent. The id is remembered, so a create
   * for it that arrives late (after its registration gave up) is refused.
   */
  async discard(id: unknown, meta: RpcMeta = {}): Promise<void> {
    if (typeof id !== 'string' || !ID_RE.test(id)) return;
    await this.users.transaction(async (m) => {
      await this.users.lockId(id, m);
      await this.users.markDiscarded(id, m);
      const removed = await this.users.remove(id, m);
      if (removed) {
        await this.events.record(m, {
          type: UsersEvents.deleted,
          user_id: id,
          actor: meta.actor,
          data: { reason: 'registration_failed', deleted_at: new Date().toISOString() },
        });
      }
    });
  }
}
