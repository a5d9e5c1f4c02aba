import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { KeyValueStore } from '../../src/platform/kv/key-value.store.js';
import { MemoryStore } from '../../src/platform/kv/memory.store.js';
import { RedisStore } from '../../src/platform/kv/redis.store.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The same contract for every implementation: nothing outside platform/kv may tell them apart. */
function contract(name: string, make: () => KeyValueStore) {
  describe(`key-value contract: ${name}`, () => {
    let kv: KeyValueStore;
    beforeAll(() => {
      kv = make();
    });
    afterAll(async () => {
      await kv.close();
    });

    it('stores, reads and deletes strings', async () => {
      expect(await kv.get('a')).toBeNull();
      await kv.set('a', '1');
      expect(await kv.get('a')).toBe('1');
      expect(await kv.mget(['a', 'missing'])).toEqual(['1', null]);
      expect(await kv.del('a', 'missing')).toBe(1);
      expect(await kv.get('a')).toBeNull();
    });

    it('expires keys after their TTL', async () => {
      await kv.set('t', 'x', 150);
      expect(await kv.get('t')).toBe('x');
      const ttl = await kv.ttl('t');
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(150);
      expect(await kv.ttl('never-set')).toBe(-2);
      await kv.set('forever', 'y');
      expect(await kv.ttl('forever')).toBe(-1);
      await sleep(250);
      expect(await kv.get('t')).toBeNull();
      expect(await kv.expire('forever', 100)).toBe(true);
      await sleep(200);
      expect(await kv.get('forever')).toBeNull();
    });

    it('sets several keys at once, each with its own TTL', async () => {
      await kv.setMany([
        { key: 'm1', value: 'a', ttlMs: 150 },
        { key: 'm2', value: 'b' },
      ]);
      expect(await kv.mget(['m1', 'm2'])).toEqual(['a', 'b']);
      expect(await kv.ttl('m2')).toBe(-1);
      await sleep(250);
      expect(await kv.mget(['m1', 'm2'])).toEqual([null, 'b']);
      await kv.setMany([]);
    });

    it('sets only when absent, atomically under concurrency', async () => {
      const wins = await Promise.all(
        Array.from({ length: 20 }, (_, i) => kv.setIfAbsent('once', String(i), 5000)),
      );
      expect(wins.filter(Boolean)).toHaveLength(1);
      expect(await kv.setIfAbsent('once', 'again')).toBe(false);
    });

    it('reads and deletes a one-time value exactly once', async () => {
      await kv.set('otp', 'secret');
      const reads = await Promise.all([kv.getDel('otp'), kv.getDel('otp'), kv.getDel('otp')]);
      expect(reads.filter((r) => r === 'secret')).toHaveLength(1);
      expect(await kv.get('otp')).toBeNull();
    });

    it('counts with incr and sets the TTL on creation only', async () => {
      const values = await Promise.all(Array.from({ length: 10 }, () => kv.incr('n', 10_000)));
      expect(values.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const ttl = await kv.ttl('n');
      expect(ttl).toBeGreaterThan(9000);
    });

    it('keeps sets', async () => {
      expect(await kv.sAdd('s', 'a', 'b', 'a')).toBe(2);
      expect((await kv.sMembers('s')).sort()).toEqual(['a', 'b']);
      expect(await kv.sRem('s', 'a', 'zzz')).toBe(1);
      expect(await kv.sMembers('s')).toEqual(['b']);
      expect(await kv.sMembers('none')).toEqual([]);
    });

    it('rate-limits with a shared sliding window that never admits more than the limit', async () => {
      const results = await Promise.all(Array.from({ length: 25 }, () => kv.hit('rl', 10, 60_000)));
      expect(results.filter((r) => r.allowed)).toHaveLength(10);
      const refused = results.find((r) => !r.allowed)!;
      expect(refused.remaining).toBe(0);
      expect(refused.resetMs).toBeGreaterThan(0);
      // At most the rest of this window plus the time the previous window's weighted share
      // takes to free one slot in the next: 60 s + 60 s / limit.
      expect(refused.resetMs).toBeLessThanOrEqual(60_000 + 6_000);
      const peek = await kv.hit('rl', 10, 60_000, 0);
      expect(peek.allowed).toBe(false);
    });

    it('answers ping', async () => {
      expect(await kv.ping()).toBe(true);
    });
  });
}

const prefix = `kvtest:${randomBytes(4).toString('hex')}:`;
contract('memory', () => new MemoryStore());
if (process.env.REDIS_URL) contract('redis', () => new RedisStore(process.env.REDIS_URL!, prefix));

describe('sliding window across the boundary of two fixed windows', () => {
  it('counts a burst just before the boundary against the start of the next window', async () => {
    let now = 10 * 60_000 + 59_500; // half a second before a window ends
    const kv = new MemoryStore(() => now);
    expect((await kv.hit('edge', 3, 60_000)).allowed).toBe(true);
    expect((await kv.hit('edge', 3, 60_000)).allowed).toBe(true);
    now += 600; // the next window has begun
    expect((await kv.hit('edge', 3, 60_000)).allowed).toBe(true);
    now += 100;
    const fourth = await kv.hit('edge', 3, 60_000);
    expect(fourth.allowed).toBe(false); // three were admitted less than a second ago
    // It fits once the previous window's weighted share has faded enough (half-way through
    // this window for two earlier hits), and Retry-After says when.
    now += fourth.resetMs - 1;
    expect((await kv.hit('edge', 3, 60_000, 0)).allowed).toBe(false);
    now += 1;
    expect((await kv.hit('edge', 3, 60_000, 0)).allowed).toBe(true);
  });
});

describe('redis store while Redis is unreachable', () => {
  it('fails fast with a 503 problem instead of hanging', async () => {
    const kv = new RedisStore('redis://127.0.0.1:1', 'x:');
    const started = Date.now();
    await expect(kv.get('k')).rejects.toMatchObject({ problem: { status: 503 } });
    await expect(kv.setMany([{ key: 'k', value: 'v', ttlMs: 1000 }])).rejects.toMatchObject({
      problem: { status: 503 },
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await kv.ping()).toBe(false);
    await kv.close();
  });
});
