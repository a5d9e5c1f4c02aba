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
} as const;

export const UsersEvents = {
  created: 'users.user.created.v1',
  updated: 'users.user.updated.v1',
  deleted: 'users.user.deleted.v1',
} as const;
