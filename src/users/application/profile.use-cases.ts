import { Injectable } from '@nestjs/common';
import { validationProblem, type FieldError } from '../../platform/errors/index.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';
import type {
  PreferencesView,
  ProfileView,
  PublicUserView,
} from '../../contracts/users/user.views.js';
import { UsersEvents } from '../../contracts/users/users.patterns.js';
import { isAdmin } from '../domain/access.js';
import { patchPreferences } from '../domain/preferences.js';
import {
  canonicalLocale,
  canonicalTimeZone,
  isValidAvatarUrl,
  normalizeName,
} from '../domain/user.rules.js';
import type { UserRecord } from '../persistence/user.entity.js';
import { UserRepository } from '../persistence/user.repository.js';
import { requireSelf, requireVisible, userNotFound } from './guards.js';
import { UserEvents } from './user-events.js';
import { toPreferences, toProfileView, toPublicView } from './user.mapper.js';

const PROFILE_FIELDS = ['name', 'locale', 'timezone', 'avatar_url'] as const;

/** A user's own profile and preferences, and reading a user by id. */
@Injectable()
export class ProfileUseCases {
  constructor(
    private readonly users: UserRepository,
    private readonly events: UserEvents,
  ) {}

  /** The seed's shape; a member asking for anyone else gets the same 404 as for nobody. */
  async read(id: unknown, meta: RpcMeta): Promise<PublicUserView> {
    const actor = requireVisible(meta, id);
    const record = await this.users.findPublicById(id as string);
    // Admins also see accounts waiting for erasure; nobody sees erased ones.
    if (!record || record.erasedAt || (record.deletedAt && !isAdmin(actor))) throw userNotFound();
    return toPublicView(record);
  }

  async profile(id: unknown, meta: RpcMeta): Promise<ProfileView> {
    requireSelf(meta, id);
    return toProfileView(await this.live(id as string));
  }

  async updateProfile(id: unknown, changes: unknown, meta: RpcMeta): Promise<ProfileView> {
    const actor = requireSelf(meta, id);
    const c = (changes ?? {}) as Record<string, unknown>;
    const errors: FieldError[] = [];
    const set: Partial<UserRecord> = {};
    for (const key of Object.keys(c)) {
      if (!(PROFILE_FIELDS as readonly string[]).includes(key)) {
        errors.push({ field: key, message: `unknown field "${key}"` });
      }
    }
    if ('name' in c) {
      const name = typeof c.name === 'string' ? normalizeName(c.name) : undefined;
      if (!name) errors.push({ field: 'name', message: 'name must be 1 to 100 characters' });
      else set.name = name;
    }
    if ('locale' in c) {
      if (c.locale === null) set.locale = null;
      else {
        const v = typeof c.locale === 'string' ? canonicalLocale(c.locale) : undefined;
        if (!v) errors.push({ field: 'locale', message: 'locale must be a BCP 47 language tag' });
        else set.locale = v;
      }
    }
    if ('timezone' in c) {
      if (c.timezone === null) set.timezone = null;
      else {
        const v = typeof c.timezone === 'string' ? canonicalTimeZone(c.timezone) : undefined;
        if (!v)
          errors.push({ field: 'timezone', message: 'timezone must be an IANA time-zone name' });
        else set.timezone = v;
      }
    }
    if ('avatar_url' in c) {
      if (c.avatar_url === null) set.avatarUrl = null;
      else if (typeof c.avatar_url === 'string' && isValidAvatarUrl(c.avatar_url)) {
        set.avatarUrl = c.avatar_url;
      } else errors.push({ field: 'avatar_url', message: 'avatar_url must be an http(s) URL' });
    }
    if (errors.length) throw validationProblem(errors);

    return this.users.transaction(async (m) => {
      const record = await this.users.lockById(id as string, m);
      if (!record || record.deletedAt || record.erasedAt) throw userNotFound();
      const changed = Object.keys(set).filter(
        (k) => record[k as keyof UserRecord] !== set[k as keyof UserRecord],
      );
      if (!changed.length) return toProfileView(record);
      Object.assign(record, set, { updatedAt: new Date() });
      await this.users.save(record, m);
      await this.events.record(m, {
        type: UsersEvents.updated,
        user_id: record.id,
        actor,
        data: { changes: changed.map(snake), updated_at: record.updatedAt.toISOString() },
      });
      return toProfileView(record);
    });
  }

  async preferences(id: unknown, meta: RpcMeta): Promise<PreferencesView> {
    requireSelf(meta, id);
    return toPreferences(await this.live(id as string));
  }

  async patchPreferences(id: unknown, patch: unknown, meta: RpcMeta): Promise<PreferencesView> {
    const actor = requireSelf(meta, id);
    return this.users.transaction(async (m) => {
      const record = await this.users.lockById(id as string, m);
      if (!record || record.deletedAt || record.erasedAt) throw userNotFound();
      const result = patchPreferences(toPreferences(record), patch);
      if (!result.ok) throw validationProblem(result.errors, 'The preferences patch is invalid.');
      if (!result.changed.length) return result.value;
      const p = result.value;
      Object.assign(record, {
        locale: p.locale,
        timezone: p.timezone,
        theme: p.theme,
        notifications: p.notifications,
        custom: p.custom,
        updatedAt: new Date(),
      });
      await this.users.save(record, m);
      await this.events.record(m, {
        type: UsersEvents.updated,
        user_id: record.id,
        actor,
        data: {
          changes: result.changed.map((k) => `preferences.${k}`),
          updated_at: record.updatedAt.toISOString(),
        },
      });
      return toPreferences(record);
    });
  }

  /** A user that can still act: not deleted, not erased. */
  private async live(id: string): Promise<UserRecord> {
    const record = await this.users.findById(id);
    if (!record || record.erasedAt || record.deletedAt) throw userNotFound();
    return record;
  }
}

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
