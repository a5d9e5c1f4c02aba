/** Requests and answers of the auth part, as they cross the transport. */

export interface RegisterCommand {
  email: string;
  password: string;
  name: string;
}

export interface RegisteredUserDto {
  id: string;
  email: string;
  name: string;
  role: string;
  email_verified: boolean;
  created_at: string;
}

export interface LoginCommand {
  email: string;
  password: string;
}

export interface TokenPairDto {
  access_token: string;
  refresh_token: string;
  /** Seconds until the access token expires. */
  expires_in: number;
  token_type: 'Bearer';
  /** Tokens of an OAuth client: the scopes of the access token. */
  scope?: string;
}

/** Session lists hold at most this many sessions, the newest first. */
export const MAX_LISTED_SESSIONS = 100;

export interface SessionDto {
  id: string;
  created_at: string;
  last_used_at: string;
  ip: string | null;
  user_agent: string | null;
  current: boolean;
  /** The OAuth client the user signed in to (authorization code grant); null for first-party. */
  client_id: string | null;
}

export interface ChangePasswordCommand {
  current_password: string;
  new_password: string;
}

export interface ResetPasswordCommand {
  token: string;
  password: string;
}

export interface AuditEntryDto {
  id: string;
  type: string;
  created_at: string;
  ip: string | null;
  user_agent: string | null;
  session_id: string | null;
  request_id: string | null;
}

export interface AuditPageDto {
  items: AuditEntryDto[];
  /** Pass as `cursor` to get the next (older) page; null on the last page. */
  next_cursor: string | null;
}

export interface InviteCommand {
  user_id: string;
  email: string;
  name: string;
}

/** What auth holds about a user (data export). */
export interface AuthUserExport {
  credentials: {
    email: string;
    email_verified: boolean;
    has_password: boolean;
    created_at: string;
    password_changed_at: string | null;
  } | null;
  sessions: (Omit<SessionDto, 'current'> & { revoked_at: string | null; expires_at: string })[];
  audit: (AuditEntryDto & { user_id: string | null })[];
  /** Two-factor state; never the secret or the recovery codes themselves. */
  mfa: {
    totp: { status: 'pending' | 'active'; created_at: string; activated_at: string | null } | null;
    recovery_codes: { created_at: string; used_at: string | null }[];
  };
  /** Provider accounts linked for social sign-in. */
  identities: LinkedIdentityDto[];
}

export interface LinkedIdentityDto {
  provider: string;
  subject: string;
  /** The address the provider gave when the link was made. */
  email: string | null;
  created_at: string;
}

/** Start of a social sign-in, as the gateway received it. */
export interface SocialStartCommand {
  provider: string;
  /** A path on the frontend to return to afterwards (`/…`). */
  return_to?: string;
}

export interface SocialStartDto {
  /** The provider's authorization URL (with state, nonce and PKCE challenge). */
  authorization_url: string;
  /** Secret for the browser-binding cookie; the callback must present it. */
  binding: string;
  /** Seconds the sign-in may take. */
  expires_in: number;
}

/** The provider's redirect back to us. */
export interface SocialCallbackCommand {
  provider: string;
  /** The callback's query parameters that matter (code, state, iss, error…). */
  params: Record<string, string>;
  /** The browser-binding cookie, when the browser sent it. */
  binding?: string;
}

export interface SocialRedirectDto {
  /** FRONTEND_URL with `?code=…` or `?error=…`. */
  location: string;
}

/** Login answer for a user with two-factor authentication: no tokens yet. */
export interface MfaChallengeDto {
  mfa_required: true;
  /** Single use; send it to POST /auth/mfa/verify with a code. */
  mfa_token: string;
  expires_in: number;
}

export type LoginResultDto = TokenPairDto | MfaChallengeDto;

export interface TotpSetupDto {
  secret: string;
  otpauth_url: string;
  /** PNG data URL of the otpauth URL. */
  qr_code: string;
}

export interface RecoveryCodesDto {
  recovery_codes: string[];
}

export interface MfaVerifyCommand {
  mfa_token: string;
  code?: string;
  recovery_code?: string;
}

/** Proof of presence for disable / regenerate (not needed with an aal2 session). */
export interface MfaReauthCommand {
  password?: string;
  code?: string;
}

export interface MfaStatusDto {
  totp_enabled: boolean;
  recovery_codes_remaining: number;
}
