import type { UserDto, Role } from '../../contracts/users/user.dto.js';
import type {
  AdminUserView,
  ProfileView,
  PublicUserView,
} from '../../contracts/users/user.views.js';
import { isPlainObject } from '../domain/merge-patch.js';
import { DEFAULT_NOTIFICATIONS, type Preferences, type Theme } from '../domain/preferences.js';
import type { UserRecord } from '../persistence/user.entity.js';

/** The full view of a user shared with other parts. */
export function toUserDto(r: UserRecord): UserDto {
  return {
    id: r.id,
    email: r.email ?? '',
    name: r.name,
    role: r.role as Role,
    email_verified: r.emailVerified,
    disabled: r.disabled || r.deletedAt !== null,
    locale: r.locale,
    timezone: r.timezone,
    avatar_url: r.avatarUrl,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
    deleted_at: r.deletedAt ? r.deletedAt.toISOString() : null,
  };
}

export function toPublicView(
  r: Pick<UserRecord, 'id' | 'email' | 'name' | 'createdAt' | 'role'>,
): PublicUserView {
  return {
    id: r.id,
    email: r.email ?? '',
    name: r.name,
    created_at: r.createdAt.toISOString(),
    role: r.role as Role,
  };
}

export function toProfileView(r: UserRecord): ProfileView {
  return {
    ...toPublicView(r),
    email_verified: r.emailVerified,
    locale: r.locale,
    timezone: r.timezone,
    avatar_url: r.avatarUrl,
    updated_at: r.updatedAt.toISOString(),
  };
}

export function toAdminView(r: UserRecord): AdminUserView {
  return {
    ...toProfileView(r),
    disabled: r.disabled || r.deletedAt !== null,
    deleted_at: r.deletedAt ? r.deletedAt.toISOString() : null,
  };
}

export function toPreferences(r: UserRecord): Preferences {
  return {
    locale: r.locale,
    timezone: r.timezone,
    theme: r.theme as Theme,
    notifications: { ...DEFAULT_NOTIFICATIONS, ...r.notifications, security: true },
    // Always an object: rows stored before non-objects were refused read as empty.
    custom: isPlainObject(r.custom) ? r.custom : {},
  };
}
