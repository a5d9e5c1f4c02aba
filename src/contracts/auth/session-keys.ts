/**
 * Key-value keys shared by the auth part (which writes them) and the gateway (which reads them
 * on every request, without a call to auth). A session is live while its key exists; the value
 * is the user id. Revoking a session deletes the key, so its access tokens stop working on the
 * next request.
 */
export const SessionKeys = {
  /** `auth:session:<ses_…>` -> `usr_…`, TTL = the session's remaining lifetime. */
  session: (sessionId: string) => `auth:session:${sessionId}`,
  /**
   * `auth:revoked-token:<jti>` -> `1` while a revoked OAuth access token would still be
   * valid (RFC 7009): set until its `exp`, checked for every token that carries `client_id`.
   */
  revokedToken: (jti: string) => `auth:revoked-token:${jti}`,
  /**
   * `auth:revoked-client:<cli_…>` -> `1` after a client is deleted, for as long as one of its
   * client-credentials tokens could still be valid.
   */
  revokedClient: (clientId: string) => `auth:revoked-client:${clientId}`,
} as const;
