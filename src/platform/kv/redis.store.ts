import { Redis } from 'ioredis';
import { ProblemException } from '../errors/problem.js';
import { KeyValueStore, type RateLimitResult } from './key-value.store.js';

// Sliding window: weighted previous window + current window, decided and counted atomically.
const HIT_SCRIPT = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local idx = math.floor(now / window)
local curKey = KEYS[1] .. ':' .. idx
local prevKey = KEYS[1] .. ':' .. (idx - 1)
local cur = tonumber(redis.call('GET', curKey) or '0')
local prev = tonumber(redis.call('GET', prevKey) or '0')
local elapsed = (now % window) / window
local used = math.floor(prev * (1 - elapsed)) + cur
local reset = window - (now % window)
if used + math.max(cost, 1) > limit then
  return {0, math.max(0, limit - used), reset}
end
if cost > 0 then
  redis.call('INCRBY', curKey, cost)
  redis.call('PEXPIRE', curKey, window * 2)
end
return {1, limit - used - cost, reset}
`;

const INCR_SCRIPT = `
local v = redis.call('INCR', KEYS[1])
if v == 1 and tonumber(ARGV[1]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return v
`;

/** Redis-backed store. Commands fail fast while Redis is down instead of queueing forever. */
export class RedisStore extends KeyValueStore {
  readonly client: Redis;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    super();
    this.client = new Redis(url, {
      keyPrefix: prefix,
      lazyConnect: false,
      // Queue while (re)connecting, but never longer than commandTimeout: callers get a 503 fast.
      enableOfflineQueue: true,
      maxRetriesPerRequest: 1,
      commandTimeout: 2000,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    this.client.on('error', () => undefined); // state is reported by ping()/readiness
    this.client.defineCommand('platformHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.client.defineCommand('platformIncr', { numberOfKeys: 1, lua: INCR_SCRIPT });
  }

  private async run<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      throw new ProblemException(503, 'kv-unavailable', 'The key-value store is unavailable.', {
        cause_code: (err as { code?: string }).code ?? 'unknown',
      });
    }
  }

  get(key: string) {
    return this.run(() => this.client.get(key));
  }

  mget(keys: string[]) {
    return keys.length ? this.run(() => this.client.mget(...keys)) : Promise.resolve([]);
  }

  async set(key: string, value: string, ttlMs?: number) {
    await this.run(() =>
      ttlMs && ttlMs > 0 ? this.client.set(key, value, 'PX', ttlMs) : this.client.set(key, value),
    );
  }

  async setIfAbsent(key: string, value: string, ttlMs?: number) {
    const r = await this.run(() =>
      ttlMs && ttlMs > 0
        ? this.client.set(key, value, 'PX', ttlMs, 'NX')
        : this.client.set(key, value, 'NX'),
    );
    return r === 'OK';
  }

  getDel(key: string) {
    return this.run(() => this.client.getdel(key));
  }

  del(...keys: string[]) {
    return keys.length ? this.run(() => this.client.del(...keys)) : Promise.resolve(0);
  }

  async incr(key: string, ttlMs?: number) {
    const c = this.client as Redis & { platformIncr(k: string, ttl: number): Promise<number> };
    return Number(await this.run(() => c.platformIncr(key, ttlMs ?? 0)));
  }

  ttl(key: string) {
    return this.run(() => this.client.pttl(key));
  }

  async expire(key: string, ttlMs: number) {
    return (await this.run(() => this.client.pexpire(key, ttlMs))) === 1;
  }

  sAdd(key: string, ...members: string[]) {
    return this.run(() => this.client.sadd(key, ...members));
  }

  sRem(key: string, ...members: string[]) {
    return this.run(() => this.client.srem(key, ...members));
  }

  sMembers(key: string) {
    return this.run(() => this.client.smembers(key));
  }

  async hit(key: string, limit: number, windowMs: number, cost = 1): Promise<RateLimitResult> {
    const c = this.client as Redis & {
      platformHit(k: string, now: number, w: number, l: number, c: number): Promise<number[]>;
    };
    // Redis' clock, not ours, so every replica agrees on the window.
    const [sec, micro] = await this.run(() => this.client.time());
    const now = Number(sec) * 1000 + Math.floor(Number(micro) / 1000);
    const [ok, remaining, reset] = await this.run(() =>
      c.platformHit(key, now, windowMs, limit, cost),
    );
    return { allowed: ok === 1, limit, remaining: Number(remaining), resetMs: Number(reset) };
  }

  async ping() {
    try {
      return (await this.client.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async close() {
    this.client.disconnect();
  }
}
