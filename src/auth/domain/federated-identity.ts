/** Rules of social sign-in (OpenID Connect and GitHub), free of any framework. */

/** Who the provider says signed in. */
export interface FederatedIdentity {
  provider: string;
  /** The provider's stable id of the person (`sub`, or GitHub's numeric id). */
  subject: string;
  email?: string;
  /** Only true when the provider says it checked the address. */
  emailVerified: boolean;
  name?: string;
}

/**
 * What the `error` query parameter of FRONTEND_URL can say after a social sign-in:
 * - `invalid_state`: the sign-in was not started in this browser, was used or expired;
 * - `access_denied`: the user declined at the provider;
 * - `provider_error`: the provider failed, or its answer did not pass the checks (id_token
 *   signature, issuer, audience, expiry, nonce; PKCE);
 * - `email_required`: the provider gave no email address;
 * - `email_not_verified`: an account has this email and the provider has not verified it;
 * - `account_email_unverified`: an account has this email but never confirmed it here;
 * - `account_disabled`: the account may not sign in.
 */
export type SocialLoginError =
  | 'invalid_state'
  | 'access_denied'
  | 'provider_error'
  | 'email_required'
  | 'email_not_verified'
  | 'account_email_unverified'
  | 'account_disabled';

export type LinkDecision =
  | { kind: 'sign-in'; userId: string }
  | { kind: 'link'; userId: string }
  | { kind: 'create' }
  | { kind: 'refuse'; error: SocialLoginError; userId?: string };

/**
 * Which account a federated identity signs in to. An identity already linked signs in to its
 * user. Otherwise an account with the same email is linked only when the provider verified
 * the address (else anyone could claim an account by an unverified address at some provider)
 * and the account confirmed it here too (else whoever registered the address first, without
 * owning it, would get the owner's provider sign-in: account pre-hijacking).
 */
export function decideLink(input: {
  linkedUserId: string | null;
  account: { userId: string; emailVerified: boolean } | null;
  identity: Pick<FederatedIdentity, 'email' | 'emailVerified'>;
}): LinkDecision {
  if (input.linkedUserId) return { kind: 'sign-in', userId: input.linkedUserId };
  if (!input.identity.email) return { kind: 'refuse', error: 'email_required' };
  const account = input.account;
  if (!account) return { kind: 'create' };
  if (!input.identity.emailVerified) {
    return { kind: 'refuse', error: 'email_not_verified', userId: account.userId };
  }
  if (!account.emailVerified) {
    return { kind: 'refuse', error: 'account_email_unverified', userId: account.userId };
  }
  return { kind: 'link', userId: account.userId };
}

export const RETURN_PATH_MAX = 512;

/**
 * A path on the frontend to go back to after sign-in, or undefined when it could lead
 * elsewhere: only `/…` paths, never `//host` or `/\host` (protocol-relative), no control
 * characters or spaces.
 */
export function safeReturnPath(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || !raw || raw.length > RETURN_PATH_MAX) return undefined;
  if (!raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return undefined;
  // eslint-disable-next-line no-control-regex
  if (/[\s\\\u0000-\u001f\u007f]/.test(raw)) return undefined;
  return raw;
}

/** A display name for a new account: the provider's, else the email's local part. */
export function displayNameFor(identity: Pick<FederatedIdentity, 'name' | 'email'>): string {
  // eslint-disable-next-line no-control-regex
  const clean = (s?: string) => [...(s ?? '').replace(/[\u0000-\u001f\u007f]/g, ' ').trim()];
  const name = clean(identity.name);
  const chosen = name.length ? name : clean(identity.email?.split('@')[0]);
  return chosen.slice(0, 100).join('').trim() || 'User';
}

/** One address of GitHub's `GET /user/emails`. */
export interface GithubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
}

/** The address to use from GitHub: the primary one, else the first verified one. */
export function pickGithubEmail(emails: unknown): { email: string; verified: boolean } | null {
  if (!Array.isArray(emails)) return null;
  const valid = emails.filter(
    (e): e is GithubEmail =>
      !!e && typeof e.email === 'string' && e.email.includes('@') && e.email.length <= 254,
  );
  const pick = valid.find((e) => e.primary) ?? valid.find((e) => e.verified === true);
  return pick ? { email: pick.email, verified: pick.verified === true } : null;
}

/** The `error` sent back to FRONTEND_URL for the provider's own error (RFC 6749 4.1.2.1). */
export function providerErrorCode(error: string): SocialLoginError {
  return error === 'access_denied' ? 'access_denied' : 'provider_error';
}
