/** Requests and answers of the OAuth 2.0 authorization server (auth part), on the transport. */

export type OAuthClientType = 'confidential' | 'public';
export type OAuthGrantType = 'authorization_code' | 'client_credentials' | 'refresh_token';
export const OAUTH_GRANT_TYPES: readonly OAuthGrantType[] = [
  'authorization_code',
  'client_credentials',
  'refresh_token',
];

export interface OAuthClientDto {
  client_id: string;
  name: string;
  type: OAuthClientType;
  redirect_uris: string[];
  grant_types: OAuthGrantType[];
  scopes: string[];
  created_at: string;
  updated_at: string;
  secret_rotated_at: string | null;
}

/** The answer to a registration or a secret rotation: the secret is shown this once. */
export interface OAuthClientWithSecretDto extends OAuthClientDto {
  /** Absent for public clients (they have none). */
  client_secret?: string;
}

export interface CreateOAuthClientCommand {
  name: string;
  type: OAuthClientType;
  redirect_uris?: string[];
  grant_types: OAuthGrantType[];
  scopes?: string[];
}

export interface UpdateOAuthClientCommand {
  name?: string;
  redirect_uris?: string[];
  grant_types?: OAuthGrantType[];
  scopes?: string[];
}

export interface OAuthClientPageDto {
  items: OAuthClientDto[];
  next_cursor: string | null;
}

/** Client credentials sent in `Authorization: Basic` (RFC 6749 §2.3.1), already decoded. */
export interface BasicCredentials {
  client_id: string;
  client_secret: string;
}

/**
 * A form-encoded request of a client (token, revoke, introspect): the parameters as parsed
 * (a repeated parameter arrives as an array) and the Basic credentials when sent.
 */
export interface ClientRequest {
  params: Record<string, string | string[]>;
  basic?: BasicCredentials;
}

/** RFC 6749 §5.1 (+ OIDC Core §3.1.3.3 id_token). */
export interface OAuthTokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token?: string;
  scope: string;
  id_token?: string;
}

/** RFC 7662 §2.2. Only `active` when the token is not active. */
export interface IntrospectionResponse {
  active: boolean;
  scope?: string;
  client_id?: string;
  username?: string;
  token_type?: string;
  exp?: number;
  iat?: number;
  nbf?: number;
  sub?: string;
  aud?: string;
  iss?: string;
  jti?: string;
  sid?: string;
  auth_time?: number;
  acr?: string;
  amr?: string[];
}

/** One step of the browser flow at /oauth/authorize: the query (GET) or the form (POST). */
export interface AuthorizeCommand {
  params: Record<string, string | string[]>;
  /** The value of the browser-binding cookie (the gateway sets one when missing). */
  browser: string;
}

/** What the authorization page shows next, rendered as HTML by the gateway. */
export type AuthorizeView =
  | { kind: 'redirect'; location: string }
  | {
      kind: 'page';
      page: 'login' | 'mfa' | 'consent' | 'error';
      status: number;
      /** The authorization request handle and the CSRF token of the form. */
      request?: string;
      csrf?: string;
      client_name?: string;
      scopes?: string[];
      /** The origin the consent answer redirects to (for the page's form-action CSP). */
      redirect_origin?: string;
      /** A message for the user (wrong password, expired request, ...). */
      message?: string;
      retry_after?: number;
    };
