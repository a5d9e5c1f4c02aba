import { describe, expect, it } from '@jest/globals';
import {
  expiredKeys,
  isPublished,
  keyState,
  planRotation,
  publishedUntil,
  signingKeyAt,
  type KeyWindow,
} from './signing-key.js';

const at = (s: number) => new Date(1_800_000_000_000 + s * 1000);
const key = (kid: string, activates: number, retires: number | null = null): KeyWindow => ({
  kid,
  activatesAt: at(activates),
  retiresAt: retires === null ? null : at(retires),
});
const RETENTION = 3605; // access token lifetime 3600 s + leeway 5 s

describe('signing key lifecycle', () => {
  it('goes next -> active -> retired at its two instants, and leaves the JWKS after retention', () => {
    const k = key('k1', 100, 200);
    expect(keyState(k, at(99))).toBe('next');
    expect(keyState(k, at(100))).toBe('active');
    expect(keyState(k, at(199))).toBe('active');
    expect(keyState(k, at(200))).toBe('retired');
    expect(publishedUntil(k, RETENTION)).toEqual(at(200 + RETENTION));
    expect(isPublished(k, at(200 + RETENTION - 1), RETENTION)).toBe(true);
    expect(isPublished(k, at(200 + RETENTION), RETENTION)).toBe(false);
    // Next and active keys are always published.
    expect(isPublished(key('k2', 500), at(0), RETENTION)).toBe(true);
    expect(publishedUntil(key('k2', 500), RETENTION)).toBeNull();
  });

  it('signs with exactly one key at any instant, switching at the new key activation', () => {
    const old = key('old', 0, 100);
    const next = key('new', 100);
    expect(signingKeyAt([old, next], at(50))?.kid).toBe('old');
    expect(signingKeyAt([old, next], at(99))?.kid).toBe('old');
    expect(signingKeyAt([old, next], at(100))?.kid).toBe('new');
    expect(signingKeyAt([next], at(50))).toBeUndefined();
    expect(signingKeyAt([], at(50))).toBeUndefined();
  });

  it('plans a first key when none signs, active at once', () => {
    const plan = planRotation([], at(10.4), 3600);
    expect(plan).toEqual({ kind: 'first', activatesAt: at(10) });
    // A key of a retired generation only (e.g. after a long outage) still gets a fresh one.
    expect(planRotation([key('gone', 0, 5)], at(10), 60).kind).toBe('first');
  });

  it('plans a rotation: the new key signs after the delay, the active one retires then', () => {
    const current = key('cur', 0);
    const plan = planRotation([current], at(10.2), 60);
    expect(plan).toEqual({ kind: 'rotate', activatesAt: at(71), retire: [current] });
    // Whole seconds, rounded up: nothing is signed by the new key before the delay.
    expect(planRotation([current], at(10), 60)).toMatchObject({ activatesAt: at(70) });
  });

  it('allows one rotation at a time', () => {
    const keys = [key('cur', 0, 70), key('new', 70)];
    expect(planRotation(keys, at(20), 60)).toEqual({ kind: 'pending', next: keys[1] });
    // Once the new key signs, the next rotation retires it.
    expect(planRotation(keys, at(70), 60)).toMatchObject({ kind: 'rotate', retire: [keys[1]] });
  });

  it('finds the keys whose publication has ended', () => {
    const keys = [key('a', 0, 10), key('b', 10, 20), key('c', 20)];
    expect(expiredKeys(keys, at(10 + RETENTION), RETENTION).map((k) => k.kid)).toEqual(['a']);
    expect(expiredKeys(keys, at(9 + RETENTION), RETENTION)).toEqual([]);
  });
});
