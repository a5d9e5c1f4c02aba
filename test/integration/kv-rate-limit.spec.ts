import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { MemoryStore } from '../../src/platform/kv/memory.store.js';
import { RedisStore } from '../../src/platform/kv/redis.store.js';
import type { KeyValueStore } from '../../src/platform/kv/key-value.store.js';

/** The rate-limit contract both stores keep; Redis runs when REDIS_URL is set. */
const stores: [string, () => KeyValueStore][] = [['memory', () => new MemoryStore()]];
if (process.env.REDIS_URL) {
  stores.push([
    'redis',
    () => new RedisStore(process.env.REDIS_URL!, `test:rl:${randomBytes(4).toString('hex')}:`),
  ]);
}

describe.each(stores)('rate limit contract (%s)', (_, make) => {
  const store = make();
  afterAll(() => store.close());
  beforeAll(async () => {
    // The Redis store fails fast instead of queueing while it connects.
    for (let i = 0; i < 50 && !(await store.ping()); i++)
      await new Promise((r) => setTimeout(r, 100));
  });
  const key = () => `k${randomBytes(6).toString('hex')}`;

  it('accepts up to the limit in a window, then refuses with a reset time', async () => {
    const k = key();
    const results = [];
    for (let i = 0; i < 7; i++) results.push(await store.hit(k, 5, 60_000));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, true, true, false, false]);
    expect(results.map((r) => r.remaining)).toEqual([4, 3, 2, 1, 0, 0, 0]);
    for (const r of results) {
      expect(r.limit).toBe(5);
      expect(r.resetMs).toBeGreaterThan(0);
      // The rest of the window, plus 60 s / limit for the previous window's share to fade.
      expect(r.resetMs).toBeLessThanOrEqual(60_000 + 12_000);
    }
  });

  it('counts a combined check only when every limit has room', async () => {
    const ip = key();
    const route = key();
    // The route budget (2) runs out first; refused requests must not use up the IP budget.
    for (let i = 0; i < 6; i++) {
      await store.hitAll([
        { key: ip, limit: 10, windowMs: 60_000 },
        { key: route, limit: 2, windowMs: 60_000 },
      ]);
    }
    const ipOnly = await store.hit(ip, 10, 60_000, 0);
    expect(ipOnly.remaining).toBe(8);
    const both = await store.hitAll([
      { key: ip, limit: 10, windowMs: 60_000, cost: 0 },
      { key: route, limit: 2, windowMs: 60_000, cost: 0 },
    ]);
    expect(both.map((r) => r.remaining)).toEqual([8, 0]);
  });

  it('never accepts more than the limit, whatever the concurrency (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 60 }),
        async (limit, attempts) => {
          const k = key();
          const results = await Promise.all(
            Array.from({ length: attempts }, () => store.hit(k, limit, 3_600_000)),
          );
          const accepted = results.filter((r) => r.allowed).length;
          // One aligned window holds them all unless the hour turns during the run.
          expect(accepted).toBeLessThanOrEqual(limit);
          expect(accepted).toBe(Math.min(limit, attempts));
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('sliding window retry time (memory store with a controlled clock)', () => {
  it('a refused request fits once its reported wait has passed (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1000, max: 120_000 }),
        fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 80 }),
        async (limit, windowMs, gaps) => {
          let now = 1_700_000_000_000;
          const store = new MemoryStore(() => now);
          try {
            for (const gap of gaps) {
              now += gap;
              const r = await store.hit('k', limit, windowMs);
              if (!r.allowed) {
                expect(r.resetMs).toBeGreaterThan(0);
                now += r.resetMs;
                expect((await store.hit('k', limit, windowMs)).allowed).toBe(true);
              }
            }
          } finally {
            await store.close();
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
