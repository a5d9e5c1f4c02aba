/** Message patterns of the users part (`users.<noun>.<verb>`) and events it publishes. */
export const UsersPatterns = {
  /** Create a profile: `CreateUserCommand` -> `UserDto`; 409 when the email is taken. */
  create: 'users.user.create',
  /** `{ id }` -> `UserDto`; 404 when missing. */
  get: 'users.user.get',
  /** `{ email }` -> `UserDto`; 404 when missing. */
  getByEmail: 'users.user.get-by-email',
  /** `{ id }` -> void. Removes a profile created by a registration that failed later. */
  discard: 'users.user.discard',

  // Calls made on behalf of a signed-in user: access is checked against `meta.actor`.
  /** `{ id }` -> `PublicUserView`; the actor themself or an admin, 404 otherwise. */
  read: 'users.user.read',
  /** `{ id }` -> `ProfileView` (the actor's own profile). */
  profileGet: 'users.profile.get',
  /** `{ id, changes: UpdateProfileCommand }` -> `ProfileView`. */
  profileUpdate: 'users.profile.update',
  /** `{ id }` -> `PreferencesView`. */
  preferencesGet: 'users.preferences.get',
  /** `{ id, patch }` (RFC 7396 merge patch) -> `PreferencesView`; 400 naming bad fields. */
  preferencesPatch: 'users.preferences.patch',
  /** `{ id, password? }` -> void: erasure request (self: password or a recent sign-in; admin). */
  delete: 'users.user.delete',
  /** `{ user_id }` -> `UserDataExport` from every part (the actor themself). */
  exportAll: 'users.export.build',

  // Admin only (`meta.actor.role === 'admin'`, 403 otherwise).
  /** `ListUsersQuery` -> `UserPage` (id order, opaque cursor). */
  list: 'users.user.list',
  /** `AdminCreateUserCommand` -> `AdminUserView`; sends an invitation mail through auth. */
  adminCreate: 'users.user.admin-create',
  /** `{ id, changes: AdminUpdateUserCommand }` -> `AdminUserView`. */
  adminUpdate: 'users.user.admin-update',
  /** `{ id }` -> `AdminUserView`. */
  adminGet: 'users.user.admin-get',

  // The cross-part data patterns every data-owning part answers.
  /** `{ user_id }` -> `UsersPartExport`. */
  exportUser: 'users.user.export',
  /** `{ user_id }` -> void: erase the user's personal data now. */
  eraseUser: 'users.user.erase',
} as const;

export const UsersEvents = {
  created: 'users.user.created.v1',
  updated: 'users.user.updated.v1',
  deleted: 'users.user.deleted.v1',
} as const;

/** `data` of `users.user.deleted.v1`: no personal data, only what consumers need. */
export interface UserDeletedEventData {
  /** `requested` (self), `admin`, or `registration_failed` (a discarded registration). */
  reason: 'requested' | 'admin' | 'registration_failed';
  deleted_at: string;
  /** When the personal data is erased (null when the row was removed at once). */
  erase_after: string | null;
}

/** The pattern each data-owning part answers for a data export (`<part>.user.export`). */
export const userExportPattern = (part: string) => `${part}.user.export`;
/** The pattern each data-owning part answers to erase a user's data (`<part>.user.erase`). */
export const userErasePattern = (part: string) => `${part}.user.erase`;
