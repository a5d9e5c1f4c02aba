export type Role = 'member' | 'admin';
export const ROLES: readonly Role[] = ['member', 'admin'];

/** A user as other parts see it. */
export interface UserDto {
  id: string;
  email: string;
  name: string;
  role: Role;
  email_verified: boolean;
  disabled: boolean;
  locale?: string | null;
  timezone?: string | null;
  avatar_url?: string | null;
  created_at: string;
  updated_at?: string;
  /** Set when the user asked for erasure; the account can no longer sign in. */
  deleted_at?: string | null;
}

export interface CreateUserCommand {
  /** Chosen by the caller (auth) so credentials and profile share it. */
  id: string;
  email: string;
  name: string;
  role?: Role;
  email_verified?: boolean;
}
