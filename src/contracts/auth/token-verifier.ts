import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../platform/config/config.js';
import { verifyAccessToken, type AnyAccessTokenClaims } from './access-token.js';
import { AuthClient } from './auth.client.js';
import {
  hs256KeySet,
  publicKeySet,
  type JwsAlgorithm,
  type KeySet,
  type PublicJwk,
  type VerifyOptions,
  type VerifyResult,
} from './jwt.js';
import type { PublishedKeyDto } from './keys.dto.js';
import { jwtAlgorithmOf, keyRefreshMs } from './signing-keys.js';

/** At most one extra reload per this interval for tokens naming an unknown `kid`. */
const UNKNOWN_KID_RELOAD_MS = 1000;

interface CachedKeys {
  set: KeySet;
  published: PublishedKeyDto[];
  loadedAt: number;
}

/**
 * Verifies access tokens where the gateway runs (guard, rate limiter, analytics ingestion).
 * With HS256 the key is JWT_SECRET. With ES256 / EdDSA the public keys come from the auth
 * part (`auth.keys.public`, over the transport: a gateway cannot read auth's database) and are
 * cached for `keyRefreshMs`. A token naming an unknown `kid` triggers one reload, at most once
 * a second whatever the traffic, so a flood of random kids cannot hammer auth. When auth cannot
 * be reached the last key set is kept (each key still leaves at its `published_until`).
 */
@Injectable()
export class TokenVerifier {
  private readonly logger = new Logger('TokenVerifier');
  readonly alg: JwsAlgorithm;
  readonly refreshMs: number;
  private readonly opts: Omit<VerifyOptions, 'now'>;
  private readonly hs: KeySet | undefined;
  private cached: CachedKeys | undefined;
  private loading: Promise<CachedKeys> | undefined;
  private lastUnknownKidReload = 0;

  constructor(
    config: AppConfig,
    private readonly auth: AuthClient,
  ) {
    this.alg = jwtAlgorithmOf(config);
    this.refreshMs = keyRefreshMs(config);
    this.opts = {
      issuer: config.get('JWT_ISSUER'),
      audience: config.get('JWT_AUDIENCE'),
      leewaySec: config.get('JWT_LEEWAY_S'),
    };
    this.hs = this.alg === 'HS256' ? hs256KeySet(config.get('JWT_SECRET')) : undefined;
  }

  /** Verifies an access token, reloading the keys when they are stale or the kid is new. */
  async verify(token: string): Promise<VerifyResult<AnyAccessTokenClaims>> {
    if (this.hs) return verifyAccessToken(token, this.hs, this.opts);
    const keys = await this.keys();
    const result = verifyAccessToken(token, keys.set, this.opts);
    if (result.ok || result.reason !== 'key') return result;
    const now = Date.now();
    if (now - this.lastUnknownKidReload < UNKNOWN_KID_RELOAD_MS) return result;
    this.lastUnknownKidReload = now;
    const fresh = await this.reload(keys);
    return fresh === keys ? result : verifyAccessToken(token, fresh.set, this.opts);
  }

  /** Verifies with the keys at hand, never waiting for auth (the rate limiter's quick look). */
  verifyNow(token: string, nowSec?: number): VerifyResult<AnyAccessTokenClaims> {
    const set = this.hs ?? this.cached?.set;
    if (!set) return { ok: false, reason: 'key' };
    return verifyAccessToken(token, set, { ...this.opts, now: nowSec });
  }

  /** The JWKS document: the published public keys (none with HS256). */
  async jwks(): Promise<{ keys: PublicJwk[] }> {
    if (this.hs) return { keys: [] };
    const now = Date.now() / 1000;
    const { published } = await this.keys();
    return {
      keys: published
        .filter((k) => k.published_until === null || k.published_until > now)
        .map((k) => k.jwk),
    };
  }

  private async keys(): Promise<CachedKeys> {
    const current = this.cached;
    if (current && Date.now() - current.loadedAt < this.refreshMs) return current;
    return this.reload(current);
  }

  /** One reload at a time; on failure the previous keys stay (or the 503 goes up). */
  private reload(previous: CachedKeys | undefined): Promise<CachedKeys> {
    this.loading ??= (async () => {
      try {
        const dto = await this.auth.publicKeys();
        this.cached = {
          set: this.keySet(dto.alg, dto.keys),
          published: dto.keys,
          loadedAt: Date.now(),
        };
        return this.cached;
      } catch (err) {
        if (!previous) throw err;
        this.logger.warn(`signing keys not reloaded, keeping the last ones: ${String(err)}`);
        // Try again after another interval rather than on every request.
        previous.loadedAt = Date.now();
        return previous;
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }

  private keySet(alg: JwsAlgorithm, published: PublishedKeyDto[]): KeySet {
    if (alg !== this.alg || alg === 'HS256') {
      // Processes configured differently: trust nothing rather than another algorithm.
      this.logger.error(`auth signs with ${alg} but this process expects ${this.alg}`);
      return { alg: this.alg, find: () => undefined };
    }
    return publicKeySet(
      alg,
      published.map((k) => ({
        jwk: k.jwk,
        notBefore: k.not_before,
        notAfter: k.not_after ?? undefined,
        until: k.published_until ?? undefined,
      })),
      (kid, why) => this.logger.error(`published key ${kid} ignored: ${why}`),
    );
  }
}
