import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { computeFunnel, deepest, type FunnelEvent } from './funnel.js';

const ev = (person: string, name: string, at: number): FunnelEvent => ({ person, name, at });

describe('funnel', () => {
  it('needs the steps in order within the window from the first step', () => {
    const steps = ['a', 'b', 'c'];
    expect(deepest([ev('p', 'a', 0), ev('p', 'b', 1), ev('p', 'c', 2)], steps, 10, 0, 100)).toBe(3);
    expect(deepest([ev('p', 'a', 0), ev('p', 'c', 1), ev('p', 'b', 2)], steps, 10, 0, 100)).toBe(2);
    expect(deepest([ev('p', 'a', 0), ev('p', 'b', 1), ev('p', 'c', 11)], steps, 10, 0, 100)).toBe(
      2,
    );
    // A later first step can do better than an earlier one.
    expect(
      deepest(
        [ev('p', 'a', 0), ev('p', 'a', 20), ev('p', 'b', 21), ev('p', 'c', 22)],
        steps,
        10,
        0,
        100,
      ),
    ).toBe(3);
    // The first step must fall in [from, to).
    expect(deepest([ev('p', 'a', 100), ev('p', 'b', 101)], steps, 10, 0, 100)).toBe(0);
    // One event fills one step even when names repeat.
    expect(deepest([ev('p', 'a', 0), ev('p', 'a', 1)], ['a', 'a', 'a'], 10, 0, 100)).toBe(2);
  });

  it('counts each person once and gives conversions', () => {
    const rows = [ev('1', 'a', 0), ev('1', 'b', 1), ev('2', 'a', 0), ev('3', 'b', 0)];
    expect(computeFunnel(rows, ['a', 'b'], 10, 0, 100)).toEqual([
      { name: 'a', users: 2, conversion: 1, step_conversion: 1 },
      { name: 'b', users: 1, conversion: 0.5, step_conversion: 0.5 },
    ]);
    expect(computeFunnel([], ['a', 'b'], 10, 0, 100)[1].conversion).toBeNull();
  });

  it('never has more users at a later step (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            person: fc.constantFrom('x', 'y', 'z'),
            name: fc.constantFrom('a', 'b', 'c'),
            at: fc.integer({ min: 0, max: 50 }),
          }),
        ),
        (events) => {
          const sorted = [...events].sort(
            (p, q) => p.person.localeCompare(q.person) || p.at - q.at,
          );
          const r = computeFunnel(sorted, ['a', 'b', 'c'], 10, 0, 40);
          expect(r[0].users).toBeGreaterThanOrEqual(r[1].users);
          expect(r[1].users).toBeGreaterThanOrEqual(r[2].users);
          expect(r[0].users).toBeLessThanOrEqual(3);
        },
      ),
    );
  });
});
