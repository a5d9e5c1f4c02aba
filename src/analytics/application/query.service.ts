import { Injectable } from '@nestjs/common';
import type {
  ActiveUsersQuery,
  ActiveUsersResult,
  AnalyticsInterval,
  EventMetricsQuery,
  EventMetricsResult,
  FunnelQuery,
  FunnelResult,
  Money,
  RetentionQuery,
  RetentionResult,
  RevenueQuery,
  RevenueResult,
  SeriesPoint,
} from '../../contracts/analytics/analytics.dto.js';
import { AuthEvents } from '../../contracts/auth/auth.patterns.js';
import { AppConfig } from '../../platform/config/index.js';
import { validationProblem, type FieldError } from '../../platform/errors/index.js';
import { computeFunnel } from '../domain/funnel.js';
import {
  alignedToSlots,
  bucketBoundaries,
  formatInZone,
  INTERVALS,
  isValidTimeZone,
  parseBound,
  TooManyBucketsError,
  type Interval,
} from '../domain/time-buckets.js';
import { EventStore } from '../persistence/event.store.js';
import { AnalyticsClock } from './analytics-clock.js';

/** The signup that defines a retention cohort: the platform's registration, or a tracked "Signed Up" (Segment spec). */
export const SIGNUP_EVENTS = [AuthEvents.userRegistered, 'Signed Up'];

interface Range {
  from: number;
  to: number;
  interval: Interval;
  tz: string;
  bounds: number[];
}

const MAX_FUNNEL_WINDOW_S = 366 * 24 * 3600;

@Injectable()
export class QueryService {
  constructor(
    private readonly store: EventStore,
    private readonly clock: AnalyticsClock,
    private readonly config: AppConfig,
  ) {}

  async eventMetrics(q: EventMetricsQuery): Promise<EventMetricsResult> {
    const errors: FieldError[] = [];
    let key: string | undefined;
    if (q.group_by !== undefined) {
      const m = /^properties\.([A-Za-z0-9_$:.-]{1,64})$/.exec(q.group_by);
      if (!m) errors.push({ field: 'group_by', message: 'group_by must be properties.<key>' });
      else key = m[1];
    }
    const limit = q.limit ?? 10;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      errors.push({ field: 'limit', message: 'limit must be an integer from 1 to 100' });
    }
    const r = this.range(q, errors);
    const name = q.name || undefined;
    const n = r.bounds.length - 1;
    const base = {
      name: name ?? null,
      interval: r.interval,
      timezone: r.tz,
      from: formatInZone(r.from, r.tz),
      to: formatInZone(r.to, r.tz),
    };
    if (key === undefined) {
      const counts = alignedToSlots(r.bounds)
        ? await this.store.countsFromRollup(name, r.bounds)
        : await this.store.countsFromEvents(name, r.bounds);
      const series = this.series(r, (i) => counts.get(i) ?? 0);
      return { ...base, total: sum(series), series };
    }
    const rows = await this.store.countsByProperty(name, key, r.bounds);
    const byValue = new Map<string | null, number[]>();
    const totals = new Array<number>(n).fill(0);
    for (const row of rows) {
      if (row.b < 0 || row.b >= n) continue;
      let arr = byValue.get(row.value);
      if (!arr) byValue.set(row.value, (arr = new Array<number>(n).fill(0)));
      arr[row.b] += row.c;
      totals[row.b] += row.c;
    }
    const ranked = [...byValue.entries()]
      .map(([value, counts]) => ({ value, counts, total: counts.reduce((a, b) => a + b, 0) }))
      .sort((a, b) => b.total - a.total || String(a.value).localeCompare(String(b.value)));
    const top = ranked.slice(0, limit);
    const rest = ranked.slice(limit);
    const series = this.series(r, (i) => totals[i]);
    const result: EventMetricsResult = {
      ...base,
      total: sum(series),
      series,
      group_by: q.group_by,
      groups: top.map((g) => ({
        value: g.value,
        total: g.total,
        series: this.series(r, (i) => g.counts[i]),
      })),
    };
    if (rest.length) {
      const other = this.series(r, (i) => rest.reduce((a, g) => a + g.counts[i], 0));
      result.other = { total: sum(other), series: other };
    }
    return result;
  }

  async activeUsers(q: ActiveUsersQuery): Promise<ActiveUsersResult> {
    const r = this.range(q, []);
    const counts = await this.store.activeUsers(r.bounds, !alignedToSlots(r.bounds));
    return {
      interval: r.interval,
      timezone: r.tz,
      from: formatInZone(r.from, r.tz),
      to: formatInZone(r.to, r.tz),
      series: this.series(r, (i) => counts.get(i) ?? 0),
    };
  }

  async revenue(q: RevenueQuery): Promise<RevenueResult> {
    const errors: FieldError[] = [];
    const currency = q.currency?.toUpperCase();
    if (currency !== undefined && !/^[A-Z]{3}$/.test(currency)) {
      errors.push({ field: 'currency', message: 'currency must be an ISO 4217 code such as EUR' });
    }
    const r = this.range(q, errors);
    const rows = await this.store.revenue(r.bounds, currency);
    const n = r.bounds.length - 1;
    const currencies = new Set<string>(currency ? [currency] : []);
    for (const row of rows) currencies.add(row.currency);
    const sorted = [...currencies].sort();
    const cells = new Map<string, Money>();
    const totals: Record<string, Money> = {};
    for (const c of sorted) totals[c] = { gross: 0, refunds: 0, net: 0 };
    for (const row of rows) {
      if (row.b < 0 || row.b >= n) continue;
      const k = `${row.b}|${row.currency}`;
      const cell = cells.get(k) ?? { gross: 0, refunds: 0, net: 0 };
      cell.gross += row.gross;
      cell.refunds += row.refunds;
      cell.net = cell.gross - cell.refunds;
      cells.set(k, cell);
      const t = totals[row.currency];
      t.gross += row.gross;
      t.refunds += row.refunds;
      t.net = t.gross - t.refunds;
    }
    return {
      interval: r.interval,
      timezone: r.tz,
      from: formatInZone(r.from, r.tz),
      to: formatInZone(r.to, r.tz),
      totals,
      series: r.bounds.slice(0, -1).map((start, i) => ({
        bucket_start: formatInZone(start, r.tz),
        currencies: Object.fromEntries(
          sorted.map((c) => [c, cells.get(`${i}|${c}`) ?? { gross: 0, refunds: 0, net: 0 }]),
        ),
      })),
    };
  }

  async funnel(q: FunnelQuery): Promise<FunnelResult> {
    const errors: FieldError[] = [];
    const steps = q.steps;
    if (
      !Array.isArray(steps) ||
      steps.length < 2 ||
      steps.length > 10 ||
      !steps.every((s) => typeof s === 'string' && s.length > 0 && s.length <= 200)
    ) {
      errors.push({ field: 'steps', message: 'steps must list 2 to 10 event names' });
    }
    const w = q.window_seconds;
    if (!Number.isInteger(w) || w < 1 || w > MAX_FUNNEL_WINDOW_S) {
      errors.push({
        field: 'window_seconds',
        message: 'window_seconds must be an integer from 1 to 31622400',
      });
    }
    const tz = this.zone(q.timezone, errors);
    const from = this.bound(q.from, 'from', tz, errors);
    const to = this.bound(q.to, 'to', tz, errors);
    if (from !== undefined && to !== undefined && to <= from) {
      errors.push({ field: 'to', message: 'to must be after from' });
    }
    if (errors.length) throw validationProblem(errors);
    const rows = await this.store.funnelEvents([...new Set(steps)], from!, to! + w * 1000);
    const result = computeFunnel(rows, steps, w * 1000, from!, to!);
    return {
      from: formatInZone(from!, tz),
      to: formatInZone(to!, tz),
      window_seconds: w,
      steps: result,
      conversion: result[result.length - 1].conversion,
    };
  }

  async retention(q: RetentionQuery): Promise<RetentionResult> {
    const errors: FieldError[] = [];
    if (q.cohort !== 'signup') errors.push({ field: 'cohort', message: 'cohort must be signup' });
    const interval = q.interval ?? 'week';
    if (!['day', 'week', 'month'].includes(interval)) {
      errors.push({ field: 'interval', message: 'interval must be day, week or month' });
    }
    const tz = this.zone(q.timezone, errors);
    const from = this.bound(q.from, 'from', tz, errors);
    const to = this.bound(q.to, 'to', tz, errors);
    if (from !== undefined && to !== undefined && to <= from) {
      errors.push({ field: 'to', message: 'to must be after from' });
    }
    if (errors.length) throw validationProblem(errors);
    const max = this.config.get('ANALYTICS_MAX_BUCKETS');
    let cohortBounds: number[];
    let bounds: number[];
    try {
      cohortBounds = bucketBoundaries(from!, to!, interval, tz, max);
      const now = this.clock.now();
      bounds = now >= to! ? bucketBoundaries(from!, now + 1, interval, tz, max) : cohortBounds;
    } catch (err) {
      if (err instanceof TooManyBucketsError) throw tooMany(max);
      throw err;
    }
    const cohorts = cohortBounds.length - 1;
    const periods = bounds.length - 1;
    const { sizes, cells } = await this.store.retention(
      SIGNUP_EVENTS,
      bounds,
      cohortBounds[cohorts],
    );
    const table = Array.from({ length: cohorts }, (_, c) => new Array<number>(periods - c).fill(0));
    for (const cell of cells) {
      if (cell.c >= 0 && cell.c < cohorts && cell.p >= 0 && cell.p < periods - cell.c) {
        table[cell.c][cell.p] = cell.users;
      }
    }
    return {
      cohort: 'signup',
      interval,
      timezone: tz,
      from: formatInZone(from!, tz),
      to: formatInZone(to!, tz),
      cohorts: table.map((retained, c) => {
        const users = sizes.get(c) ?? 0;
        return {
          cohort_start: formatInZone(bounds[c], tz),
          users,
          retained,
          rates: retained.map((n) => (users ? Math.round((n / users) * 10000) / 10000 : null)),
        };
      }),
    };
  }

  private series(r: Range, value: (i: number) => number): SeriesPoint[] {
    return r.bounds.slice(0, -1).map((start, i) => ({
      bucket_start: formatInZone(start, r.tz),
      count: value(i),
    }));
  }

  private zone(tz: string | undefined, errors: FieldError[]): string {
    const zone = tz || 'UTC';
    if (!isValidTimeZone(zone)) {
      errors.push({
        field: 'timezone',
        message: 'timezone must be an IANA time zone name such as Europe/Berlin',
      });
      return 'UTC';
    }
    return zone;
  }

  private bound(v: string | undefined, field: string, tz: string, errors: FieldError[]) {
    if (typeof v !== 'string' || v === '') {
      errors.push({ field, message: `${field} is required (ISO 8601 date or date-time)` });
      return undefined;
    }
    const t = parseBound(v, tz);
    if (t === undefined) {
      errors.push({
        field,
        message: `${field} must be an ISO 8601 date (2026-03-29) or date-time (2026-03-29T02:30:00+02:00)`,
      });
    }
    return t;
  }

  private range(
    q: { from?: string; to?: string; interval?: AnalyticsInterval; timezone?: string },
    errors: FieldError[],
  ): Range {
    const interval = (q.interval ?? 'day') as Interval;
    if (!INTERVALS.includes(interval)) {
      errors.push({ field: 'interval', message: 'interval must be hour, day, week or month' });
    }
    const tz = this.zone(q.timezone, errors);
    const from = this.bound(q.from, 'from', tz, errors);
    const to = this.bound(q.to, 'to', tz, errors);
    if (from !== undefined && to !== undefined && to <= from) {
      errors.push({ field: 'to', message: 'to must be after from' });
    }
    if (errors.length) throw validationProblem(errors);
    const max = this.config.get('ANALYTICS_MAX_BUCKETS');
    try {
      return {
        from: from!,
        to: to!,
        interval,
        tz,
        bounds: bucketBoundaries(from!, to!, interval, tz, max),
      };
    } catch (err) {
      if (err instanceof TooManyBucketsError) throw tooMany(max);
      throw err;
    }
  }
}

function tooMany(max: number) {
  return validationProblem(
    [
      {
        field: 'interval',
        message: `the range holds more than ${max} buckets; use a longer interval`,
      },
    ],
    'Too many buckets.',
  );
}

function sum(series: SeriesPoint[]): number {
  return series.reduce((a, p) => a + p.count, 0);
}
