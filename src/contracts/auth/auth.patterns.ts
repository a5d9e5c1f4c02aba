/** Message patterns of the auth part (`auth.<noun>.<verb>`) and events it publishes. */
export const AuthPatterns = {
  /** `{ user_id, except_session_id? }` -> `{ revoked: number }`: sign a user out everywhere. */
  revokeUserSessions: 'auth.sessions.revoke-all',
  /** `{ user_id, email, name }` -> void: credentials without a password + invitation mail
   *  whose link sets the password (admin-created users). */
  invite: 'auth.credentials.invite',
  /** `{ user_id }` -> void: logs a registration before another part creates its profile; the
   *  invitation (`invite`) completes it, and one never completed is undone (profile discarded)
   *  after REGISTRATION_TIMEOUT_S. */
  beginRegistration: 'auth.registration.begin',
  /** `{ user_id, password }` -> `{ valid: boolean }` (re-authentication, e.g. erasure). */
  verifyPassword: 'auth.password.verify',
  /** `{ user_id }` -> what auth holds about the user (sessions, audit) for a data export. */
  exportUser: 'auth.user.export',
  /** `{ user_id }` -> void: disable sign-in at once; erase credentials and audit identity. */
  eraseUser: 'auth.user.erase',

  // The HTTP API of the auth part (called by its controllers in the gateway).
  /** `RegisterCommand` -> `RegisteredUserDto`. */
  register: 'auth.user.register',
  /** `LoginCommand` -> `TokenPairDto`. */
  login: 'auth.session.login',
  /** `{ refresh_token }` -> `TokenPairDto`. */
  refresh: 'auth.session.refresh',
  /** (actor) -> void: ends the caller's session. */
  logout: 'auth.session.logout',
  /** (actor) -> `SessionDto[]`. */
  listSessions: 'auth.sessions.list',
  /** (actor) `{ session_id }` -> void. */
  revokeSession: 'auth.sessions.revoke',
  /** (actor) -> `{ revoked }`: every session but the current one. */
  revokeOtherSessions: 'auth.sessions.revoke-others',
  /** (actor) `{ current_password, new_password }` -> void. */
  changePassword: 'auth.password.change',
  /** `{ email }` -> void (always accepted). */
  forgotPassword: 'auth.password.forgot',
  /** `{ token, password }` -> void. */
  resetPassword: 'auth.password.reset',
  /** `{ token }` -> void. */
  verifyEmail: 'auth.email.verify',
  /** (actor) -> void (always accepted). */
  resendVerification: 'auth.email.resend',
  /** (admin) `{ user_id }` -> `SessionDto[]` (current is always false). */
  listUserSessions: 'auth.sessions.list-for-user',
  /** (actor) `{ limit?, cursor? }` -> `AuditPageDto`. */
  listAudit: 'auth.audit.list',
  /** (actor) -> `MfaStatusDto`. */
  mfaStatus: 'auth.mfa.status',
  /** (actor) -> `TotpSetupDto` (pending factor, replaces a pending one). */
  mfaTotpSetup: 'auth.mfa.totp-setup',
  /** (actor) `{ code }` -> `RecoveryCodesDto`. */
  mfaTotpActivate: 'auth.mfa.totp-activate',
  /** `MfaVerifyCommand` -> `TokenPairDto` (second step of a login). */
  mfaVerify: 'auth.mfa.verify',
  /** (actor) `MfaReauthCommand` -> `RecoveryCodesDto`. */
  mfaRegenerateRecoveryCodes: 'auth.mfa.recovery-codes-regenerate',
  /** (actor) `MfaReauthCommand` -> void. */
  mfaTotpDisable: 'auth.mfa.totp-disable',
  /** `SocialStartCommand` -> `SocialStartDto`: where to send the browser (404 unknown provider). */
  socialStart: 'auth.social.start',
  /** `SocialCallbackCommand` -> `SocialRedirectDto`: FRONTEND_URL with `?code=` or `?error=`. */
  socialCallback: 'auth.social.callback',
  /** `{ code }` -> `LoginResultDto` (tokens, or an MFA challenge). */
  socialExchange: 'auth.social.exchange',

  // OAuth 2.0 authorization server.
  /** (admin) `CreateOAuthClientCommand` -> `OAuthClientWithSecretDto`. */
  oauthClientCreate: 'auth.oauth-client.create',
  /** (admin) `{ limit?, cursor? }` -> `OAuthClientPageDto`. */
  oauthClientList: 'auth.oauth-client.list',
  /** (admin) `{ client_id }` -> `OAuthClientDto`. */
  oauthClientGet: 'auth.oauth-client.get',
  /** (admin) `{ client_id, changes: UpdateOAuthClientCommand }` -> `OAuthClientDto`. */
  oauthClientUpdate: 'auth.oauth-client.update',
  /** (admin) `{ client_id }` -> void: its sessions and tokens are revoked. */
  oauthClientDelete: 'auth.oauth-client.delete',
  /** (admin) `{ client_id }` -> `OAuthClientWithSecretDto`: the old secret stops working. */
  oauthClientRotateSecret: 'auth.oauth-client.rotate-secret',
  /** `ClientRequest` -> `OAuthTokenResponse` (RFC 6749 token endpoint). */
  oauthToken: 'auth.oauth.token',
  /** `ClientRequest` -> void (RFC 7009). */
  oauthRevoke: 'auth.oauth.revoke',
  /** `ClientRequest` -> `IntrospectionResponse` (RFC 7662). */
  oauthIntrospect: 'auth.oauth.introspect',
  /** `AuthorizeCommand` (query) -> `AuthorizeView`: validates the request, shows sign-in. */
  oauthAuthorize: 'auth.oauth.authorize',
  /** `AuthorizeCommand` (form) -> `AuthorizeView`: sign-in, second factor, consent. */
  oauthAuthorizeStep: 'auth.oauth.authorize-step',

  // Token signing keys.
  /** `{}` -> `PublicKeySetDto`: the public keys to publish and verify with (gateways cache it). */
  publicKeys: 'auth.keys.public',
  /** (admin) -> `SigningKeyListDto`. */
  listKeys: 'auth.keys.list',
  /** (admin) -> `KeyRotationDto`; 409 while a rotation is pending, or with HS256. */
  rotateKeys: 'auth.keys.rotate',
} as const;

export const AuthEvents = {
  userRegistered: 'auth.user.registered.v1',
  loginSucceeded: 'auth.login.succeeded.v1',
  loginFailed: 'auth.login.failed.v1',
  /**
   * `{ user_id }`: the user proved they own their address (verification link, or a reset or
   * invitation link). The users part keeps its `email_verified` in step with it.
   */
  emailVerified: 'auth.email.verified.v1',
} as const;
