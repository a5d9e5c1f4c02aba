import { Injectable } from '@nestjs/common';
import {
  ProblemException,
  validationProblem,
  type FieldError,
} from '../../platform/errors/index.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';
import { newId } from '../../contracts/common/ids.js';
import type {
  AdminCreateUserCommand,
  AdminUserView,
  ListUsersQuery,
  UserPage,
} from '../../contracts/users/user.views.js';
import { UsersEvents } from '../../contracts/users/users.patterns.js';
import { isRole, normalizeEmail, normalizeName } from '../domain/user.rules.js';
import { UserRepository } from '../persistence/user.repository.js';
import { requireAdmin, userNotFound } from './guards.js';
import { OtherParts } from './other-parts.js';
import { UserEvents } from './user-events.js';
import { UserRegistry } from './user-registry.use-cases.js';
import { toAdminView } from './user.mapper.js';

export const LIST_MAX = 100;
export const LIST_DEFAULT = 20;

/** Opaque cursor: the last id of the page, base64url-encoded with a version tag. */
export function encodeCursor(lastId: string): string {
  return Buffer.from(`v1:${lastId}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^v1:(usr_[0-9a-z]{10,40})$/.exec(text);
  return m?.[1];
}

/** Admin management of users: list, create with an invitation, change, read. */
@Injectable()
export class AdminUseCases {
  constructor(
    private readonly users: UserRepository,
    private readonly registry: UserRegistry,
    private readonly parts: OtherParts,
    private readonly events: UserEvents,
  ) {}

  async list(query: ListUsersQuery, meta: RpcMeta): Promise<UserPage> {
    requireAdmin(meta);
    const q = (query ?? {}) as ListUsersQuery;
    const errors: FieldError[] = [];
    const limit = q.limit ?? LIST_DEFAULT;
    if (!Number.isInteger(limit) || limit < 1 || limit > LIST_MAX) {
      errors.push({ field: 'limit', message: `limit must be an integer from 1 to ${LIST_MAX}` });
    }
    let afterId: string | undefined;
    if (q.cursor !== undefined) {
      afterId = typeof q.cursor === 'string' ? decodeCursor(q.cursor) : undefined;
      if (!afterId) errors.push({ field: 'cursor', message: 'cursor is not one this API gave' });
    }
    if (q.role !== undefined && !isRole(q.role)) {
      errors.push({ field: 'role', message: 'role must be member or admin' });
    }
    if (q.q !== undefined && (typeof q.q !== 'string' || q.q.length > 100)) {
      errors.push({ field: 'q', message: 'q must be at most 100 characters' });
    }
    if (q.email !== undefined && typeof q.email !== 'string') {
      errors.push({ field: 'email', message: 'email must be a string' });
    }
    if (errors.length) throw validationProblem(errors);
    const rows = await this.users.list({
      limit,
      afterId,
      email: q.email !== undefined ? normalizeEmail(q.email) : undefined,
      role: q.role,
      q: q.q?.trim() || undefined,
    });
    const page = rows.slice(0, limit);
    return {
      data: page.map(toAdminView),
      next_cursor: rows.length > limit ? encodeCursor(page[page.length - 1].id) : null,
    };
  }

  async get(id: unknown, meta: RpcMeta): Promise<AdminUserView> {
    requireAdmin(meta);
    const record = typeof id === 'string' ? await this.users.findById(id) : null;
    if (!record || record.erasedAt) throw userNotFound();
    return toAdminView(record);
  }

  /**
   * Creates the user with a role; auth sends the invitation mail whose link sets a password.
   * Auth logs the registration first, so a process that dies between the profile and the
   * invitation leaves nothing behind: auth undoes it after REGISTRATION_TIMEOUT_S.
   */
  async create(cmd: AdminCreateUserCommand, meta: RpcMeta): Promise<AdminUserView> {
    requireAdmin(meta);
    const id = newId('usr');
    await this.parts.beginRegistration(id, meta);
    const user = await this.registry.create(
      { id, email: cmd?.email, name: cmd?.name, role: cmd?.role ?? 'member' },
      meta,
    );
    try {
      await this.parts.invite({ id, email: user.email, name: user.name }, meta);
    } catch (err) {
      // No account without credentials: undo the profile, report why.
      await this.registry.discard(id, meta).catch(() => undefined);
      throw err;
    }
    return this.get(id, meta);
  }

  /** Name, role and disabled. A role change or disabling signs the user out everywhere. */
  async update(id: unknown, changes: unknown, meta: RpcMeta): Promise<AdminUserView> {
    const actor = requireAdmin(meta);
    const c = (changes ?? {}) as Record<string, unknown>;
    const errors: FieldError[] = [];
    for (const key of Object.keys(c)) {
      if (!['name', 'role', 'disabled'].includes(key)) {
        errors.push({ field: key, message: `unknown field "${key}"` });
      }
    }
    let name: string | undefined;
    if ('name' in c) {
      name = typeof c.name === 'string' ? normalizeName(c.name) : undefined;
      if (!name) errors.push({ field: 'name', message: 'name must be 1 to 100 characters' });
    }
    if ('role' in c && !isRole(c.role)) {
      errors.push({ field: 'role', message: 'role must be member or admin' });
    }
    if ('disabled' in c && typeof c.disabled !== 'boolean') {
      errors.push({ field: 'disabled', message: 'disabled must be a boolean' });
    }
    if (errors.length) throw validationProblem(errors);
    if (typeof id !== 'string') throw userNotFound();

    const record = await this.users.transaction(async (m) => {
      // Lock the active admins first (always in id order), then the target: two admins
      // demoting each other serialise instead of deadlocking or both succeeding.
      const admins =
        'role' in c || c.disabled === true ? await this.users.countActiveAdmins(m) : Infinity;
      const r = await this.users.lockById(id, m);
      if (!r || r.erasedAt) throw userNotFound();
      if (r.deletedAt) {
        throw new ProblemException(409, 'user-deleted', 'This account is being deleted.');
      }
      const demotes = 'role' in c && c.role !== 'admin' && r.role === 'admin';
      const disables = c.disabled === true && !r.disabled && r.role === 'admin';
      if ((demotes || disables) && admins <= 1) throw lastAdmin();
      const changed: string[] = [];
      if (name !== undefined && name !== r.name) {
        r.name = name;
        changed.push('name');
      }
      if ('role' in c && c.role !== r.role) {
        r.role = c.role as string;
        changed.push('role');
      }
      if ('disabled' in c && c.disabled !== r.disabled) {
        r.disabled = c.disabled as boolean;
        changed.push('disabled');
      }
      if (changed.length) {
        r.updatedAt = new Date();
        await this.users.save(r, m);
        await this.events.record(m, {
          type: UsersEvents.updated,
          user_id: r.id,
          actor,
          data: {
            changes: changed,
            role: r.role,
            disabled: r.disabled,
            updated_at: r.updatedAt.toISOString(),
          },
        });
      }
      return r;
    });
    // Also when nothing changed: a retry after a failed revocation must revoke.
    if ('role' in c || c.disabled === true) await this.parts.revokeSessions(record.id, meta);
    return toAdminView(record);
  }
}

export const lastAdmin = () =>
  new ProblemException(
    409,
    'last-admin',
    'This is the last active admin; make another admin first.',
  );
