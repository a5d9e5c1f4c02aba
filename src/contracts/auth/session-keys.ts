/**
 * Key-value keys shared by the auth part (which writes them) and the gateway (which reads them
 * on every request, without a call to auth). A session is live while its key exists; the value
 * is the user id. Revoking a session deletes the key, so its access tokens stop working on the
 * next request.
 */
export const SessionKeys = {
  /** `auth:session:<ses_…>` -> `usr_…`, TTL = the session's remaining lifetime. */
  session: (sessionId: string) => `auth:session:${sessionId}`,
} as const;
