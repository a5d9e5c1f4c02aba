/** Message patterns of the auth part (`auth.<noun>.<verb>`) and events it publishes. */
export const AuthPatterns = {
  /** `{ user_id, except_session_id? }` -> `{ revoked: number }`: sign a user out everywhere. */
  revokeUserSessions: 'auth.sessions.revoke-all',
  /** `{ user_id, email, name }` -> void: credentials without a password + invitation mail
   *  whose link sets the password (admin-created users). */
  invite: 'auth.credentials.invite',
  /** `{ user_id, password }` -> `{ valid: boolean }` (re-authentication, e.g. erasure). */
  verifyPassword: 'auth.password.verify',
  /** `{ user_id }` -> what auth holds about the user (sessions, audit) for a data export. */
  exportUser: 'auth.user.export',
  /** `{ user_id }` -> void: disable sign-in at once; erase credentials and audit identity. */
  eraseUser: 'auth.user.erase',
} as const;

export const AuthEvents = {
  userRegistered: 'auth.user.registered.v1',
  loginSucceeded: 'auth.login.succeeded.v1',
  loginFailed: 'auth.login.failed.v1',
} as const;
