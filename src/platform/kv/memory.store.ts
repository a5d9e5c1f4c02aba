import {
  KeyValueStore,
  type KeyValueEntry,
  type RateLimitCheck,
  type RateLimitResult,
} from './key-value.store.js';

interface Entry {
  value: string | Set<string>;
  expiresAt: number; // 0 = never
}

/**
 * How long until a refused request would fit in the sliding window (the same arithmetic as the
 * Redis script): later in this window as the previous window's weight fades, or in the next.
 */
export function retryMs(
  prev: number,
  cur: number,
  limit: number,
  cost: number,
  window: number,
  pos: number,
): number {
  const room = limit - cur - cost;
  if (room >= 0 && prev > 0) {
    return Math.max(1, Math.ceil(window * (1 - room / prev)) - pos);
  }
  const roomNext = limit - cost;
  if (roomNext < 0) return window * 2;
  let wait = window - pos;
  if (cur > roomNext) wait += Math.ceil(window * (1 - roomNext / cur));
  return wait;
}

/** In-memory store with TTL for a single process (embedded default). */
export class MemoryStore extends KeyValueStore {
  private readonly data = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    super();
    // Expired keys are dropped lazily on read; the sweep bounds memory for keys never read again.
    this.sweeper = setInterval(() => this.sweep(), 30_000);
    this.sweeper.unref();
  }

  private live(key: string): Entry | undefined {
    const e = this.data.get(key);
    if (!e) return undefined;
    if (e.expiresAt && e.expiresAt <= this.now()) {
      this.data.delete(key);
      return undefined;
    }
    return e;
  }

  private str(key: string): string | null {
    const e = this.live(key);
    if (!e) return null;
    if (typeof e.value !== 'string') throw new Error(`WRONGTYPE ${key} holds a set`);
    return e.value;
  }

  private expiry(ttlMs?: number): number {
    return ttlMs && ttlMs > 0 ? this.now() + ttlMs : 0;
  }

  async get(key: string) {
    return this.str(key);
  }

  async mget(keys: string[]) {
    return keys.map((k) => this.str(k));
  }

  async set(key: string, value: string, ttlMs?: number) {
    this.data.set(key, { value, expiresAt: this.expiry(ttlMs) });
  }

  async setMany(entries: readonly KeyValueEntry[]) {
    for (const e of entries) await this.set(e.key, e.value, e.ttlMs);
  }

  async setIfAbsent(key: string, value: string, ttlMs?: number) {
    if (this.live(key)) return false;
    this.data.set(key, { value, expiresAt: this.expiry(ttlMs) });
    return true;
  }

  async getDel(key: string) {
    const v = this.str(key);
    this.data.delete(key);
    return v;
  }

  async del(...keys: string[]) {
    let n = 0;
    for (const k of keys) if (this.live(k) && this.data.delete(k)) n++;
    return n;
  }

  async incr(key: string, ttlMs?: number) {
    const current = this.str(key);
    if (current !== null && !/^-?\d+$/.test(current))
      throw new Error(`ERR ${key} is not an integer`);
    const next = (current === null ? 0 : Number(current)) + 1;
    const expiresAt = current === null ? this.expiry(ttlMs) : this.data.get(key)!.expiresAt;
    this.data.set(key, { value: String(next), expiresAt });
    return next;
  }

  async ttl(key: string) {
    const e = this.live(key);
    if (!e) return -2;
    return e.expiresAt ? e.expiresAt - this.now() : -1;
  }

  async expire(key: string, ttlMs: number) {
    const e = this.live(key);
    if (!e) return false;
    e.expiresAt = this.expiry(ttlMs);
    return true;
  }

  private set$(key: string, create: boolean): Set<string> | undefined {
    const e = this.live(key);
    if (!e) {
      if (!create) return undefined;
      const s = new Set<string>();
      this.data.set(key, { value: s, expiresAt: 0 });
      return s;
    }
    if (typeof e.value === 'string') throw new Error(`WRONGTYPE ${key} holds a string`);
    return e.value;
  }

  async sAdd(key: string, ...members: string[]) {
    const s = this.set$(key, true)!;
    let n = 0;
    for (const m of members) if (!s.has(m) && s.add(m)) n++;
    return n;
  }

  async sRem(key: string, ...members: string[]) {
    const s = this.set$(key, false);
    if (!s) return 0;
    let n = 0;
    for (const m of members) if (s.delete(m)) n++;
    if (s.size === 0) this.data.delete(key);
    return n;
  }

  async sMembers(key: string) {
    return [...(this.set$(key, false) ?? [])];
  }

  async hit(key: string, limit: number, windowMs: number, cost = 1): Promise<RateLimitResult> {
    const [result] = await this.hitAll([{ key, limit, windowMs, cost }]);
    return result;
  }

  async hitAll(checks: readonly RateLimitCheck[]): Promise<RateLimitResult[]> {
    const now = this.now();
    const seen = checks.map(({ key, limit, windowMs, cost = 1 }) => {
      const window = Math.floor(now / windowMs);
      const curKey = `${key}:${window}`;
      const cur = Number(this.str(curKey) ?? 0);
      const prev = Number(this.str(`${key}:${window - 1}`) ?? 0);
      const elapsed = (now % windowMs) / windowMs;
      // Rounded up: a burst just before and just after the boundary cannot pass the limit.
      const used = Math.ceil(prev * (1 - elapsed)) + cur;
      const pos = now % windowMs;
      const need = Math.max(cost, 1); // cost 0 only reads: allowed = a hit would pass
      const allowed = used + need <= limit;
      const resetMs = allowed ? windowMs - pos : retryMs(prev, cur, limit, need, windowMs, pos);
      return { curKey, cur, used, limit, windowMs, cost, resetMs, allowed };
    });
    const ok = seen.every((s) => s.allowed);
    return seen.map((s) => {
      const allowed = s.allowed;
      if (ok && s.cost > 0) {
        this.data.set(s.curKey, { value: String(s.cur + s.cost), expiresAt: now + s.windowMs * 2 });
      }
      return {
        allowed,
        limit: s.limit,
        remaining: Math.max(0, s.limit - s.used - (ok ? s.cost : 0)),
        resetMs: s.resetMs,
      };
    });
  }

  async ping() {
    return true;
  }

  async close() {
    clearInterval(this.sweeper);
    this.data.clear();
  }

  private sweep() {
    const now = this.now();
    for (const [k, e] of this.data) if (e.expiresAt && e.expiresAt <= now) this.data.delete(k);
  }
}
