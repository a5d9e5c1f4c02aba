import { ProblemException } from '../../platform/errors/problem.js';

/** RFC 6749 §5.2, RFC 7009 §2.2.1 and OIDC error codes the authorization server answers. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'unsupported_token_type'
  | 'access_denied'
  | 'unsupported_response_type'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'login_required';

/**
 * An OAuth error as it crosses the transport: a ProblemException carrying `oauth_error`, which
 * the gateway's OAuth endpoints answer as `{error, error_description}` (RFC 6749 §5.2) instead
 * of problem+json.
 */
export function oauthError(
  error: OAuthErrorCode,
  description: string,
  opts: { status?: number; headers?: Record<string, string> } = {},
): ProblemException {
  const status = opts.status ?? (error === 'invalid_client' ? 401 : 400);
  return new ProblemException(status, `oauth-${error.replace(/_/g, '-')}`, description, {
    oauth_error: error,
    ...(opts.headers ? { headers: opts.headers } : {}),
  });
}

/** 401 invalid_client with the Basic challenge (RFC 6749 §5.2, RFC 9110 §11.6.1). */
export const invalidClient = (description = 'Client authentication failed.') =>
  oauthError('invalid_client', description, {
    headers: { 'WWW-Authenticate': 'Basic realm="platform", charset="UTF-8"' },
  });

/**
 * A parameter name fit for an error_description (RFC 6749 §5.2 allows printable ASCII without
 * `"` and `\`); anything else is left out.
 */
export const paramName = (k: string) => (/^[A-Za-z0-9_.-]{1,40}$/.test(k) ? k : 'a parameter');

/** The OAuth error code a problem carries, if it is one. */
export function oauthErrorOf(problem: object | undefined): string | undefined {
  const e = (problem as { oauth_error?: unknown } | undefined)?.oauth_error;
  return typeof e === 'string' ? e : undefined;
}
