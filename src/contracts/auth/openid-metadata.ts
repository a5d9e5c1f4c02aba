import type { AppConfig } from '../../platform/config/config.js';
import { OAUTH_GRANT_TYPES } from './oauth.dto.js';
import { jwtAlgorithmOf } from './signing-keys.js';

/**
 * What the authorization server offers (docs/oauth.md, "Authorization server"), for the
 * discovery document (`/.well-known/openid-configuration`). The grant types are the ones the
 * token endpoint and the client registry accept (`OAUTH_GRANT_TYPES`).
 */
export const OAUTH_PATHS = {
  authorization: '/api/v1/oauth/authorize',
  token: '/api/v1/oauth/token',
  revocation: '/api/v1/oauth/revoke',
  introspection: '/api/v1/oauth/introspect',
  jwks: '/.well-known/jwks.json',
} as const;

export const OAUTH_RESPONSE_TYPES = ['code'];
export const OAUTH_CODE_CHALLENGE_METHODS = ['S256'];
/** RFC 6749 §2.3.1 Basic or body; `none`: public clients (PKCE, no secret). */
export const OAUTH_CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'];
/** The scopes with a meaning here; each client may also be given its own API scopes. */
export const OAUTH_SCOPES = ['openid', 'profile', 'email', 'offline_access'];
/** Claims of ID tokens (with `email` and `profile` for the last ones). */
export const OIDC_CLAIMS = [
  'iss',
  'sub',
  'aud',
  'azp',
  'exp',
  'iat',
  'auth_time',
  'nonce',
  'acr',
  'amr',
  'sid',
  'email',
  'email_verified',
  'name',
  'locale',
  'zoneinfo',
  'updated_at',
];

export interface OpenIdConfiguration {
  issuer: string;
  jwks_uri: string;
  authorization_endpoint: string;
  token_endpoint: string;
  revocation_endpoint: string;
  introspection_endpoint: string;
  grant_types_supported: readonly string[];
  response_types_supported: string[];
  response_modes_supported: string[];
  subject_types_supported: string[];
  code_challenge_methods_supported: string[];
  token_endpoint_auth_methods_supported: string[];
  revocation_endpoint_auth_methods_supported: string[];
  introspection_endpoint_auth_methods_supported: string[];
  id_token_signing_alg_values_supported: string[];
  scopes_supported: string[];
  claims_supported: string[];
  authorization_response_iss_parameter_supported: boolean;
}

/**
 * The discovery document (OpenID Connect Discovery 1.0, RFC 8414). `issuer` is JWT_ISSUER,
 * the `iss` of every token, as OpenID Connect requires; endpoints are under PUBLIC_URL.
 */
export function openIdConfiguration(config: AppConfig): OpenIdConfiguration {
  const base = config.publicUrl;
  const confidential = OAUTH_CLIENT_AUTH_METHODS.filter((m) => m !== 'none');
  return {
    issuer: config.get('JWT_ISSUER'),
    jwks_uri: base + OAUTH_PATHS.jwks,
    authorization_endpoint: base + OAUTH_PATHS.authorization,
    token_endpoint: base + OAUTH_PATHS.token,
    revocation_endpoint: base + OAUTH_PATHS.revocation,
    introspection_endpoint: base + OAUTH_PATHS.introspection,
    grant_types_supported: OAUTH_GRANT_TYPES,
    response_types_supported: OAUTH_RESPONSE_TYPES,
    response_modes_supported: ['query'],
    subject_types_supported: ['public'],
    code_challenge_methods_supported: OAUTH_CODE_CHALLENGE_METHODS,
    token_endpoint_auth_methods_supported: OAUTH_CLIENT_AUTH_METHODS,
    // Public clients revoke their own tokens; introspection is for confidential clients.
    revocation_endpoint_auth_methods_supported: OAUTH_CLIENT_AUTH_METHODS,
    introspection_endpoint_auth_methods_supported: confidential,
    id_token_signing_alg_values_supported: [jwtAlgorithmOf(config)],
    scopes_supported: OAUTH_SCOPES,
    claims_supported: OIDC_CLAIMS,
    // RFC 9207: authorization responses carry `iss`.
    authorization_response_iss_parameter_supported: true,
  };
}
