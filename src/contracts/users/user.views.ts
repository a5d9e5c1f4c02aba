import type { Role } from './user.dto.js';

/** `GET /users/{id}`: the seed's shape. */
export interface PublicUserView {
  id: string;
  email: string;
  name: string;
  created_at: string;
  role: Role;
}

/** `GET /users/me`: the caller's own profile. */
export interface ProfileView extends PublicUserView {
  email_verified: boolean;
  locale: string | null;
  timezone: string | null;
  avatar_url: string | null;
  updated_at: string;
}

/** What admins see of any user. */
export interface AdminUserView extends ProfileView {
  disabled: boolean;
  deleted_at: string | null;
}

export type Theme = 'light' | 'dark' | 'system';
export const THEMES: readonly Theme[] = ['light', 'dark', 'system'];

export interface PreferencesView {
  locale: string | null;
  timezone: string | null;
  theme: Theme;
  notifications: { security: true; product: boolean; marketing: boolean };
  custom: unknown;
}

export interface UserPage {
  data: AdminUserView[];
  next_cursor: string | null;
}

export interface ListUsersQuery {
  limit?: number;
  cursor?: string;
  email?: string;
  role?: Role;
  q?: string;
}

export interface UpdateProfileCommand {
  name?: string;
  locale?: string | null;
  timezone?: string | null;
  avatar_url?: string | null;
}

export interface AdminCreateUserCommand {
  email: string;
  name: string;
  role?: Role;
}

export interface AdminUpdateUserCommand {
  name?: string;
  role?: Role;
  disabled?: boolean;
}

/** What the users part itself holds about a user (its answer to `users.user.export`). */
export interface UsersPartExport {
  profile: AdminUserView;
  preferences: PreferencesView;
}

/** `GET /users/me/export`: everything the platform holds about the caller. */
export interface UserDataExport {
  format: 'platform.user-export.v1';
  exported_at: string;
  user_id: string;
  profile: AdminUserView;
  preferences: PreferencesView;
  /** Sessions, security audit and credentials metadata (auth part). */
  auth: unknown;
  /** Payments, refunds and their history (payments part). */
  payments: unknown;
  /** Analytics events about the user (analytics part). */
  analytics: unknown;
}
