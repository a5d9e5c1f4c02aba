/** Who is calling, taken by the gateway from the verified access token only. */
export interface Actor {
  id: string;
  role: string;
  sid?: string;
  /** Authentication assurance level and methods, as in the token. */
  aal?: string;
  amr?: string[];
  /** Seconds since epoch when the user signed in (token auth_time). */
  auth_time?: number;
  /** The OAuth client acting for the user, when the token was issued through OAuth. */
  client_id?: string;
  /** The scopes that client was granted (space-separated). */
  scope?: string;
}

/** Metadata that travels with every call between parts. */
export interface RpcMeta {
  requestId?: string;
  actor?: Actor;
  ip?: string;
  userAgent?: string;
  /** W3C trace context of the sender's span, when tracing is on (see platform/tracing). */
  traceparent?: string;
  tracestate?: string;
}

/** The envelope of every request message. */
export interface RpcEnvelope<T = unknown> {
  meta: RpcMeta;
  data: T;
}

/** The part a pattern belongs to: its first segment (`users.user.get` -> `users`). */
export function partOf(pattern: string): string {
  return pattern.slice(0, pattern.indexOf('.'));
}

/**
 * Whether a pattern is a plain string, its own route. Nest's `getRouteFromPattern` first tries
 * `JSON.parse` on every incoming pattern, which throws (at a cost) for each such pattern; our
 * servers skip that for patterns that cannot be JSON objects.
 */
export function isPlainPattern(pattern: string): boolean {
  return typeof pattern === 'string' && !pattern.startsWith('{');
}
