import { Injectable } from '@nestjs/common';
import { ProblemException } from '../../platform/errors/index.js';
import { KeyValueStore } from '../../platform/kv/key-value.store.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';
import type { UserDataExport, UsersPartExport } from '../../contracts/users/user.views.js';
import { UserRepository } from '../persistence/user.repository.js';
import { requireSelf, userNotFound } from './guards.js';
import { OtherParts } from './other-parts.js';
import { toAdminView, toPreferences } from './user.mapper.js';

/** The other parts that hold data about users: asked for it in an export, told to erase it. */
export const DATA_PARTS = ['auth', 'payments', 'analytics'] as const;
const EXPORT_LIMIT = 10;
const EXPORT_WINDOW_MS = 10 * 60_000;

/** Data portability: everything the platform holds about a user, gathered from every part. */
@Injectable()
export class ExportUseCases {
  constructor(
    private readonly users: UserRepository,
    private readonly parts: OtherParts,
    private readonly kv: KeyValueStore,
  ) {}

  /** `users.user.export`: what the users part holds. */
  async own(userId: unknown): Promise<UsersPartExport> {
    const r = typeof userId === 'string' ? await this.users.findById(userId) : null;
    if (!r || r.erasedAt) throw userNotFound();
    return { profile: toAdminView(r), preferences: toPreferences(r) };
  }

  /** `GET /users/me/export`: complete or not at all (a part that is down fails it with 503). */
  async build(userId: unknown, meta: RpcMeta): Promise<UserDataExport> {
    requireSelf(meta, userId);
    const id = userId as string;
    const mine = await this.own(id);
    if (mine.profile.deleted_at) throw userNotFound();
    const limit = await this.kv.hit(`users:export:${id}`, EXPORT_LIMIT, EXPORT_WINDOW_MS);
    if (!limit.allowed) {
      const seconds = Math.max(1, Math.ceil(limit.resetMs / 1000));
      throw new ProblemException(429, 'too-many-exports', 'Too many exports; try again later.', {
        retry_after: seconds,
        headers: { 'retry-after': String(seconds) },
      });
    }
    const [auth, payments, analytics] = await Promise.all(
      DATA_PARTS.map((part) => this.parts.exportFrom(part, id, meta)),
    );
    return {
      format: 'platform.user-export.v1',
      exported_at: new Date().toISOString(),
      user_id: id,
      profile: mine.profile,
      preferences: mine.preferences,
      auth,
      payments,
      analytics,
    };
  }
}
