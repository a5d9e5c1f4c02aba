import type { UserDto, Role } from '../../contracts/users/user.dto.js';
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
