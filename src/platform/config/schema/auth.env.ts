import { int, key256, optionalStr, str, url } from '../env-var.js';
import { oauthProviders } from './oauth.env.js';

/** Settings read by the auth part (and by the gateway's token check). */
export const authEnv = {
  JWT_ALGORITHM: str({
    doc:
      'Signature of access tokens: HS256 (JWT_SECRET, nothing published) or ES256 / EdDSA ' +
      '(key pairs kept by auth, public keys at /.well-known/jwks.json); the same in every process',
    default: 'HS256',
    choices: ['HS256', 'ES256', 'EdDSA'],
  }),
  JWT_KEY_ENCRYPTION_KEY: key256({
    doc:
      'Key that encrypts the private signing keys at rest (AES-256-GCM): 32 bytes as 64 hex ' +
      'characters or base64 (openssl rand -hex 32); required in production with ES256 / ' +
      'EdDSA, unset elsewhere = a fixed development key',
  }),
  JWT_KEY_PUBLISH_DELAY_S: int({
    doc:
      'ES256 / EdDSA: seconds a new key is published in the JWKS before it signs (longer than ' +
      'relying parties cache the JWKS); caches inside the platform refresh every quarter of it',
    default: 3600,
    min: 1,
    max: 604800,
  }),
  JWT_ISSUER: str({
    doc:
      'iss claim of access tokens (checked by the gateway) and issuer of the OpenID discovery ' +
      'document; set it to PUBLIC_URL for OpenID Connect clients',
    default: 'platform',
  }),
  JWT_AUDIENCE: str({
    doc: 'aud claim of access tokens (checked by the gateway)',
    default: 'platform-api',
  }),
  JWT_LEEWAY_S: int({
    doc: 'Clock tolerance when checking token expiry, in seconds',
    default: 5,
    min: 0,
    max: 10,
  }),
  ACCESS_TOKEN_TTL: int({ doc: 'Access token lifetime in seconds', default: 3600, min: 30 }),
  REFRESH_TOKEN_TTL: int({
    doc: 'Refresh token lifetime in seconds (a session unused this long ends)',
    default: 2592000,
    min: 60,
  }),
  REFRESH_REUSE_GRACE_S: int({
    doc: 'Seconds during which a rotated refresh token returns the same successor (parallel tabs)',
    default: 10,
    min: 0,
    max: 120,
  }),
  SESSION_MAX_AGE: int({
    doc: 'Absolute session lifetime in seconds, whatever the refreshes',
    default: 7776000,
    min: 60,
  }),
  LOCKOUT_THRESHOLD: int({
    doc: 'Failed sign-ins of one account before it is locked for a while',
    default: 5,
    min: 1,
  }),
  LOCKOUT_BASE_DELAY_S: int({
    doc: 'First lockout duration in seconds; doubles with each further failure',
    default: 30,
    min: 1,
  }),
  LOCKOUT_MAX_DELAY_S: int({ doc: 'Longest lockout in seconds', default: 900, min: 1 }),
  LOCKOUT_RESET_S: int({
    doc: 'Failures are forgotten after this many seconds without a new one',
    default: 43200,
    min: 60,
  }),
  EMAIL_VERIFICATION_TTL: int({
    doc: 'Lifetime of an email verification link in seconds',
    default: 172800,
    min: 60,
  }),
  PASSWORD_RESET_TTL: int({
    doc: 'Lifetime of a password reset link in seconds',
    default: 3600,
    min: 60,
  }),
  INVITATION_TTL: int({
    doc: 'Lifetime of an invitation (set-password) link in seconds',
    default: 604800,
    min: 60,
  }),
  REGISTRATION_TIMEOUT_S: int({
    doc: 'A registration still unfinished after this many seconds (its process stopped half-way) is undone: the profile goes and the email is free again',
    default: 60,
    min: 1,
  }),
  AUTH_LINK_BASE_URL: optionalStr({
    doc: 'Base URL of the pages that mailed links open (default PUBLIC_URL)',
  }),
  ADMIN_EMAIL: optionalStr({ doc: 'With ADMIN_PASSWORD: an admin created at start when missing' }),
  ADMIN_PASSWORD: optionalStr({ doc: 'Password of the bootstrap admin', secret: true }),
  MFA_ENCRYPTION_KEY: key256({
    doc:
      'Key that encrypts TOTP secrets at rest (AES-256-GCM): 32 bytes as 64 hex characters or ' +
      'base64 (openssl rand -hex 32); required in production, unset elsewhere = a fixed ' +
      'development key',
  }),
  SMTP_URL: url({
    doc: 'SMTP server for mail (smtp://user:pass@host:port); unset = subject and link are logged',
    protocols: ['smtp', 'smtps'],
    secret: true,
  }),
  MAIL_FROM: str({
    doc: 'Sender of the mail the platform sends',
    default: 'Platform <no-reply@platform.local>',
  }),
  OAUTH_PROVIDERS: oauthProviders(
    'Social sign-in providers (comma list of names, e.g. google,github,acme); each name reads:',
  ),
  FRONTEND_URL: url({
    doc:
      'Page a social sign-in ends on: it gets ?code= (for POST /auth/oauth/exchange) or ' +
      '?error=; required with OAUTH_PROVIDERS',
    protocols: ['http', 'https'],
  }),
};
