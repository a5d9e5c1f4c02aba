/**
 * Calendar buckets in an IANA time zone, computed from the zone's rules (Intl / ICU data).
 *
 * A bucket is the half-open interval [start, next start). Day, week (ISO, Monday) and month
 * buckets start at local midnight, so a day is 23 or 25 hours long on a daylight-saving change
 * and is still one bucket. Hour buckets are real hours that start on a local full hour: the
 * 25-hour day has 25 of them, the 23-hour day 23, and in Asia/Tehran (UTC+03:30) they start at
 * half past the UTC hour.
 */

export type Interval = 'hour' | 'day' | 'week' | 'month';
export const INTERVALS: readonly Interval[] = ['hour', 'day', 'week', 'month'];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface LocalTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** True for a zone name this runtime knows (`UTC`, `Europe/Berlin`, `Asia/Tehran`, ...). */
export function isValidTimeZone(tz: unknown): tz is string {
  if (typeof tz !== 'string' || tz.length > 64) return false;
  // Names only: no raw offsets such as "+01:00" (they have no daylight-saving rules).
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(tz)) return false;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

export function localTime(instant: number, tz: string): LocalTime {
  const parts = formatter(tz).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const era = parts.find((p) => p.type === 'era')?.value;
  const year = era === 'BC' || era === 'B' ? 1 - get('year') : get('year');
  return {
    year,
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

/** The zone's offset from UTC at that instant, in milliseconds (whole seconds). */
export function offsetAt(instant: number, tz: string): number {
  const l = localTime(instant, tz);
  const asUtc = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The first instant whose local wall-clock time in `tz` is at or after the given one. A time
 * skipped by a spring-forward gap maps to the end of the gap; a repeated time (fall back) maps
 * to its first occurrence.
 */
export function zonedToInstant(
  tz: string,
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  // Offsets a few hours either side cover every transition near this wall time.
  const candidates = new Set<number>();
  for (const probe of [
    wall - 14 * HOUR,
    wall - 3 * HOUR,
    wall,
    wall + 3 * HOUR,
    wall + 14 * HOUR,
  ]) {
    candidates.add(offsetAt(probe, tz));
  }
  let best: number | undefined;
  for (const off of candidates) {
    const t = wall - off;
    if (offsetAt(t, tz) === off && (best === undefined || t < best)) best = t;
  }
  if (best !== undefined) return best;
  // In a gap: the wall time never happens. The first instant after it is the transition,
  // which lies between the wall time read with the later and with the earlier offset.
  const before = offsetAt(wall - 14 * HOUR, tz);
  const after = offsetAt(wall + 14 * HOUR, tz);
  let lo = wall - Math.max(before, after);
  let hi = wall - Math.min(before, after);
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2000) * 1000;
    if (offsetAt(mid, tz) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

function addDays(y: number, m: number, d: number, n: number): [number, number, number] {
  const t = new Date(Date.UTC(y, m - 1, d + n));
  return [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate()];
}

/** Start of the bucket containing `instant`. */
export function bucketStart(instant: number, interval: Interval, tz: string): number {
  const l = localTime(instant, tz);
  switch (interval) {
    case 'hour': {
      // Back to the local full hour; offsets are whole minutes, so this stays exact.
      const t = Math.floor(instant / 1000) * 1000 - l.minute * MINUTE - l.second * 1000;
      return localTime(t, tz).minute === 0 ? t : hourFloorSlow(instant, tz);
    }
    case 'day':
      return zonedToInstant(tz, l.year, l.month, l.day);
    case 'week': {
      const dow = new Date(Date.UTC(l.year, l.month - 1, l.day)).getUTCDay(); // 0 = Sunday
      const back = (dow + 6) % 7; // ISO weeks start on Monday
      const [y, m, d] = addDays(l.year, l.month, l.day, -back);
      return zonedToInstant(tz, y, m, d);
    }
    case 'month':
      return zonedToInstant(tz, l.year, l.month, 1);
  }
}

function hourFloorSlow(instant: number, tz: string): number {
  // Zones whose offset changes by a fraction of an hour (Australia/Lord_Howe): walk back.
  let t = Math.floor(instant / MINUTE) * MINUTE;
  while (localTime(t, tz).minute !== 0) t -= MINUTE;
  return t;
}

/** Start of the bucket after the one starting at `start`. */
export function nextBucket(start: number, interval: Interval, tz: string): number {
  const l = localTime(start, tz);
  switch (interval) {
    case 'hour': {
      let t = start + HOUR;
      const m = localTime(t, tz).minute;
      if (m !== 0) t = m < 30 ? t - m * MINUTE : t + (60 - m) * MINUTE;
      return t > start ? t : start + HOUR;
    }
    case 'day': {
      const [y, m, d] = addDays(l.year, l.month, l.day, 1);
      return zonedToInstant(tz, y, m, d);
    }
    case 'week': {
      const [y, m, d] = addDays(l.year, l.month, l.day, 7);
      return zonedToInstant(tz, y, m, d);
    }
    case 'month': {
      const y = l.month === 12 ? l.year + 1 : l.year;
      const m = l.month === 12 ? 1 : l.month + 1;
      return zonedToInstant(tz, y, m, 1);
    }
  }
}

export class TooManyBucketsError extends Error {}

/**
 * The boundaries of every bucket that overlaps [from, to): `starts[i]` begins bucket i and
 * `starts[i + 1]` ends it, so the array holds one more element than there are buckets.
 */
export function bucketBoundaries(
  from: number,
  to: number,
  interval: Interval,
  tz: string,
  maxBuckets: number,
): number[] {
  const out = [bucketStart(from, interval, tz)];
  while (out[out.length - 1] < to) {
    if (out.length > maxBuckets) throw new TooManyBucketsError();
    out.push(nextBucket(out[out.length - 1], interval, tz));
  }
  if (out.length === 1) out.push(nextBucket(out[0], interval, tz));
  return out;
}

/**
 * Reads a query bound: an instant with an offset (`2026-03-29T01:00:00Z`, `...+02:00`), or a
 * local date or date-time without offset (`2026-03-29`, `2026-03-29T02:30`) taken as wall-clock
 * time in `tz`. Returns undefined when it is not a valid date.
 */
export function parseBound(value: string, tz: string): number | undefined {
  const local = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(value);
  if (local) {
    const [y, m, d, h, mi] = local.slice(1, 6).map((v) => (v === undefined ? 0 : Number(v)));
    if (m < 1 || m > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return undefined;
    const check = new Date(Date.UTC(y, m - 1, d));
    if (check.getUTCMonth() !== m - 1) return undefined;
    const sec = local[6] ? Number(local[6]) : 0;
    if (sec > 59) return undefined;
    return zonedToInstant(tz, y, m, d, h, mi) + sec * 1000;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i.test(value)) {
    return undefined;
  }
  const t = Date.parse(value);
  return Number.isFinite(t) ? t : undefined;
}

/** Rollup slots are 15 minutes of UTC: every current zone offset is a multiple of that. */
export const SLOT_MS = 15 * MINUTE;

export function slotOf(instant: number): number {
  return Math.floor(instant / SLOT_MS) * SLOT_MS;
}

/** True when every boundary falls on a rollup slot edge, so rollups answer exactly. */
export function alignedToSlots(boundaries: number[]): boolean {
  return boundaries.every((b) => b % SLOT_MS === 0);
}

/** ISO 8601 with the zone's offset at that instant: `2026-03-29T00:00:00+01:00`. */
export function formatInZone(instant: number, tz: string): string {
  const l = localTime(instant, tz);
  const off = Math.round(offsetAt(instant, tz) / MINUTE);
  const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');
  const sign = off < 0 ? '-' : '+';
  const zone =
    off === 0 ? 'Z' : `${sign}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
  return `${pad(l.year, 4)}-${pad(l.month)}-${pad(l.day)}T${pad(l.hour)}:${pad(l.minute)}:${pad(l.second)}${zone}`;
}
