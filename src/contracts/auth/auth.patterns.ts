/** Message patterns of the auth part (`auth.<noun>.<verb>`) and events it publishes. */
export const AuthPatterns = {
  /** `{ user_id, except_session_id? }` -> `{ revoked: number }`: sign a user out everywhere. */
  revokeUserSessions: 'auth.sessions.revoke-all',
} as const;

export const AuthEvents = {
  userRegistered: 'auth.user.registered.v1',
  loginSucceeded: 'auth.login.succeeded.v1',
  loginFailed: 'auth.login.failed.v1',
} as const;
