import type { KeyValueStore } from '../../platform/kv/key-value.store.js';
import { isClientToken, type AnyAccessTokenClaims } from './access-token.js';
import { SessionKeys } from './session-keys.js';

export type Liveness = 'live' | 'session-ended' | 'revoked';

/**
 * Whether a well-signed access token is still good, from the key-value store alone (one round
 * trip): a user token needs its session's key (holding its `sub`); a token issued through
 * OAuth must not be revoked by `jti` (RFC 7009); a client token's client must not be deleted.
 * Shared by the gateway guard, the analytics ingestion guard and token introspection.
 */
export async function livenessOf(c: AnyAccessTokenClaims, kv: KeyValueStore): Promise<Liveness> {
  if (isClientToken(c)) {
    const [token, client] = await kv.mget([
      SessionKeys.revokedToken(c.jti),
      SessionKeys.revokedClient(c.client_id),
    ]);
    return token || client ? 'revoked' : 'live';
  }
  if (c.client_id === undefined) {
    return (await kv.get(SessionKeys.session(c.sid))) === c.sub ? 'live' : 'session-ended';
  }
  const [owner, revoked] = await kv.mget([
    SessionKeys.session(c.sid),
    SessionKeys.revokedToken(c.jti!),
  ]);
  if (owner !== c.sub) return 'session-ended';
  return revoked ? 'revoked' : 'live';
}

/** The scopes of a token's `scope` claim (RFC 6749 §3.3: space-separated). */
export function scopesOf(c: { scope?: string }): string[] {
  return c.scope ? c.scope.split(' ').filter(Boolean) : [];
}
