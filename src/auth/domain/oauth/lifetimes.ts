/** An authorization code is good for one exchange within this many seconds (RFC 6749 §4.1.2). */
export const AUTHORIZATION_CODE_TTL_S = 60;

/** The sign-in and consent pages of one authorization request must be done within this. */
export const AUTHORIZATION_REQUEST_TTL_S = 600;

/** Used codes are kept this long, so a replay is recognised and revokes what the code gave. */
export const USED_CODE_RETENTION_S = 86_400;
