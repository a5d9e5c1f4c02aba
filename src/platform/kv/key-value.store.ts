/** The outcome of one rate-limit hit. */
export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Milliseconds until the window frees a slot (when refused) or resets. */
  resetMs: number;
}

/** One write of `setMany`. */
export interface KeyValueEntry {
  key: string;
  value: string;
  /** Milliseconds; absent or 0 for none. */
  ttlMs?: number;
}

/** One limit of a combined rate-limit check. */
export interface RateLimitCheck {
  key: string;
  limit: number;
  windowMs: number;
  /** Slots this request takes (default 1; 0 only reads). */
  cost?: number;
}

/**
 * The key-value contract shared by Redis and the in-memory store. Both implementations pass
 * the same contract tests; nothing outside `platform/kv` knows which one runs.
 * TTLs are in milliseconds; keys are prefixed by the store (KV_PREFIX).
 */
export abstract class KeyValueStore {
  abstract get(key: string): Promise<string | null>;
  abstract mget(keys: string[]): Promise<(string | null)[]>;
  abstract set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Several `set`s sent together (one round trip on Redis); not atomic. */
  abstract setMany(entries: readonly KeyValueEntry[]): Promise<void>;
  /** Sets only when absent; true when this call set it. */
  abstract setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean>;
  /** Reads and deletes atomically (one-time tokens). */
  abstract getDel(key: string): Promise<string | null>;
  abstract del(...keys: string[]): Promise<number>;
  /** Increments; the TTL is set when the key is created by this call. */
  abstract incr(key: string, ttlMs?: number): Promise<number>;
  /** Remaining TTL in ms; -1 without TTL, -2 when missing. */
  abstract ttl(key: string): Promise<number>;
  abstract expire(key: string, ttlMs: number): Promise<boolean>;
  abstract sAdd(key: string, ...members: string[]): Promise<number>;
  abstract sRem(key: string, ...members: string[]): Promise<number>;
  abstract sMembers(key: string): Promise<string[]>;
  /**
   * Sliding-window rate limit (weighted previous + current fixed window), atomic across
   * every process sharing the store. `cost` 0 only reads (allowed = a hit would pass).
   */
  abstract hit(
    key: string,
    limit: number,
    windowMs: number,
    cost?: number,
  ): Promise<RateLimitResult>;
  /**
   * Several sliding-window limits decided together in one atomic step (one round trip on
   * Redis): the request is counted in every window only when every window has room, so a
   * refused request never uses up the budgets it passed. One result per check, in order.
   */
  abstract hitAll(checks: readonly RateLimitCheck[]): Promise<RateLimitResult[]>;
  abstract ping(): Promise<boolean>;
  abstract close(): Promise<void>;
}
