import { Redis } from 'ioredis';
import { ProblemException } from '../errors/problem.js';
import {
  KeyValueStore,
  type KeyValueEntry,
  type RateLimitCheck,
  type RateLimitResult,
} from './key-value.store.js';

// Sliding windows (weighted previous + current fixed window, the previous one's share rounded
// up so a burst across the boundary cannot pass the limit), decided together and counted
// only when all have room. Redis' clock (TIME inside the script), not ours, so every replica
// agrees on the window, in one round trip. ARGV = limit, window, cost per key; cost 0 only
// reads (allowed = a hit would pass).
const HIT_SCRIPT = `
local function retry(prev, cur, limit, cost, window, pos)
  local room = limit - cur - cost
  if room >= 0 and prev > 0 then
    return math.max(1, math.ceil(window * (1 - room / prev)) - pos)
  end
  local roomNext = limit - cost
  if roomNext < 0 then return window * 2 end
  local wait = window - pos
  if cur > roomNext then wait = wait + math.ceil(window * (1 - roomNext / cur)) end
  return wait
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rows = {}
local ok = true
for i = 1, #KEYS do
  local limit = tonumber(ARGV[i * 3 - 2])
  local window = tonumber(ARGV[i * 3 - 1])
  local cost = tonumber(ARGV[i * 3])
  local idx = math.floor(now / window)
  local curKey = KEYS[i] .. ':' .. idx
  local cur = tonumber(redis.call('GET', curKey) or '0')
  local prev = tonumber(redis.call('GET', KEYS[i] .. ':' .. (idx - 1)) or '0')
  local pos = now % window
  local used = math.ceil(prev * (1 - pos / window)) + cur
  local need = math.max(cost, 1)
  local allowed = used + need <= limit
  local reset = window - pos
  if not allowed then
    ok = false
    reset = retry(prev, cur, limit, need, window, pos)
  end
  rows[i] = { curKey, used, limit, window, cost, allowed, reset }
end
local out = {}
for i = 1, #rows do
  local r = rows[i]
  local spent = 0
  if ok and r[5] > 0 then
    redis.call('INCRBY', r[1], r[5])
    redis.call('PEXPIRE', r[1], r[4] * 2)
    spent = r[5]
  end
  out[i] = { r[6] and 1 or 0, math.max(0, r[3] - r[2] - spent), r[7] }
end
return out
`;

const INCR_SCRIPT = `
local v = redis.call('INCR', KEYS[1])
if v == 1 and tonumber(ARGV[1]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return v
`;

function unavailable(err: unknown): ProblemException {
  return new ProblemException(503, 'kv-unavailable', 'The key-value store is unavailable.', {
    cause_code: (err as { code?: string } | null)?.code ?? 'unknown',
  });
}

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
    this.client.defineCommand('platformHit', { lua: HIT_SCRIPT });
    this.client.defineCommand('platformIncr', { numberOfKeys: 1, lua: INCR_SCRIPT });
  }

  private async run<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      throw unavailable(err);
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

  async setMany(entries: readonly KeyValueEntry[]) {
    if (!entries.length) return;
    const results = await this.run(() => {
      const p = this.client.pipeline();
      for (const e of entries) {
        if (e.ttlMs && e.ttlMs > 0) p.set(e.key, e.value, 'PX', e.ttlMs);
        else p.set(e.key, e.value);
      }
      return p.exec();
    });
    // A pipeline reports each command's error in its result instead of rejecting.
    const failed = results?.find(([err]) => err);
    if (failed) throw unavailable(failed[0]);
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
    const [result] = await this.hitAll([{ key, limit, windowMs, cost }]);
    return result;
  }

  async hitAll(checks: readonly RateLimitCheck[]): Promise<RateLimitResult[]> {
    if (!checks.length) return [];
    const c = this.client as Redis & {
      platformHit(n: number, ...args: (string | number)[]): Promise<number[][]>;
    };
    const args: (string | number)[] = checks.map((x) => x.key);
    for (const x of checks) args.push(x.limit, x.windowMs, x.cost ?? 1);
    const rows = await this.run(() => c.platformHit(checks.length, ...args));
    return rows.map(([ok, remaining, reset], i) => ({
      allowed: ok === 1,
      limit: checks[i].limit,
      remaining: Number(remaining),
      resetMs: Number(reset),
    }));
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
