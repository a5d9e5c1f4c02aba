import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  bucketBoundaries,
  bucketStart,
  formatInZone,
  isValidTimeZone,
  localTime,
  nextBucket,
  parseBound,
  zonedToInstant,
  type Interval,
} from './time-buckets.js';

const iso = (t: number) => new Date(t).toISOString();

describe('time buckets', () => {
  it('knows IANA names and refuses offsets and junk', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('Asia/Tehran')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('+01:00')).toBe(false);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone("Europe/Berlin'; DROP")).toBe(false);
  });

  it('makes the Berlin spring-forward day 23 hours and the fall-back day 25 hours', () => {
    const tz = 'Europe/Berlin';
    const m = zonedToInstant(tz, 2026, 3, 29);
    expect(iso(m)).toBe('2026-03-28T23:00:00.000Z');
    expect(nextBucket(m, 'day', tz) - m).toBe(23 * 3600_000);
    const o = zonedToInstant(tz, 2026, 10, 25);
    expect(iso(o)).toBe('2026-10-24T22:00:00.000Z');
    expect(nextBucket(o, 'day', tz) - o).toBe(25 * 3600_000);
    expect(bucketBoundaries(m, nextBucket(m, 'day', tz), 'hour', tz, 100)).toHaveLength(24);
    expect(bucketBoundaries(o, nextBucket(o, 'day', tz), 'hour', tz, 100)).toHaveLength(26);
  });

  it('maps a wall time in the spring gap to the end of the gap and a repeated one to its first occurrence', () => {
    expect(iso(zonedToInstant('Europe/Berlin', 2026, 3, 29, 2, 30))).toBe(
      '2026-03-29T01:00:00.000Z',
    );
    expect(iso(zonedToInstant('Europe/Berlin', 2026, 10, 25, 2, 30))).toBe(
      '2026-10-25T00:30:00.000Z',
    );
    // Santiago skips local midnight: the day starts at 01:00.
    const santiago = zonedToInstant('America/Santiago', 2026, 9, 6);
    expect(localTime(santiago, 'America/Santiago')).toMatchObject({ day: 6, hour: 1, minute: 0 });
  });

  it('aligns Tehran (UTC+03:30) hours on the half hour', () => {
    const t = Date.parse('2026-11-21T05:15:00Z');
    expect(iso(bucketStart(t, 'hour', 'Asia/Tehran'))).toBe('2026-11-21T04:30:00.000Z');
    expect(iso(bucketStart(t, 'day', 'Asia/Tehran'))).toBe('2026-11-20T20:30:00.000Z');
    expect(formatInZone(bucketStart(t, 'day', 'Asia/Tehran'), 'Asia/Tehran')).toBe(
      '2026-11-21T00:00:00+03:30',
    );
  });

  it('starts weeks on Monday and months on the 1st, local time', () => {
    const t = Date.parse('2026-11-25T10:00:00Z'); // a Wednesday
    expect(formatInZone(bucketStart(t, 'week', 'Europe/Berlin'), 'Europe/Berlin')).toBe(
      '2026-11-23T00:00:00+01:00',
    );
    expect(formatInZone(bucketStart(t, 'month', 'Asia/Tehran'), 'Asia/Tehran')).toBe(
      '2026-11-01T00:00:00+03:30',
    );
  });

  it('reads bounds as local dates or as instants with an offset', () => {
    expect(iso(parseBound('2026-03-29', 'Europe/Berlin')!)).toBe('2026-03-28T23:00:00.000Z');
    expect(iso(parseBound('2026-03-29T12:00:00+02:00', 'UTC')!)).toBe('2026-03-29T10:00:00.000Z');
    expect(parseBound('2026-02-30', 'UTC')).toBeUndefined();
    expect(parseBound('tomorrow', 'UTC')).toBeUndefined();
  });

  it('always puts an instant inside its bucket, and buckets tile time (property)', () => {
    const zones = [
      'Europe/Berlin',
      'Asia/Tehran',
      'America/New_York',
      'Asia/Kathmandu',
      'America/Santiago',
      'Pacific/Chatham',
      'UTC',
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('2020-01-01'), max: Date.parse('2030-01-01') }),
        fc.constantFrom(...zones),
        fc.constantFrom<Interval>('hour', 'day', 'week', 'month'),
        (t, tz, unit) => {
          const start = bucketStart(t, unit, tz);
          const next = nextBucket(start, unit, tz);
          expect(start).toBeLessThanOrEqual(t);
          expect(next).toBeGreaterThan(t);
          expect(bucketStart(next, unit, tz)).toBe(next);
          if (unit !== 'hour') {
            expect(localTime(start, tz).hour).toBeLessThanOrEqual(1);
            expect(localTime(start, tz).minute).toBe(0);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
