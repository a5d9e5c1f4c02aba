/**
 * The analytics engine against the real database: PostgreSQL when DATABASE_URL is set (a fresh
 * database per run), PGlite otherwise. The clock is moved to chosen instants so events can be
 * ingested across daylight-saving changes (the API accepts only the last 7 days).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { analyticsPart } from '../../src/analytics/analytics.part.js';
import { AnalyticsClock } from '../../src/analytics/application/analytics-clock.js';
import { IngestionService } from '../../src/analytics/application/ingestion.service.js';
import { QueryService } from '../../src/analytics/application/query.service.js';
import { bucketStart, type Interval } from '../../src/analytics/domain/time-buckets.js';
import { PartitionManager } from '../../src/analytics/persistence/partition.manager.js';
import { EventStore } from '../../src/analytics/persistence/event.store.js';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { RootModule } from '../../src/platform/bootstrap/root.module.js';
import { AppConfig } from '../../src/platform/config/config.js';
import { loadConfig, rolesOf } from '../../src/platform/config/load-config.js';
import { InProcessBus } from '../../src/platform/transport/in-process.bus.js';

const BASE_URL = process.env.DATABASE_URL;
const dbName = `it_analytics_${Date.now().toString(36)}_${process.pid}`;
let dataDir: string | undefined;
let running: { app: INestApplicationContext };
let clock: AnalyticsClock;
let ingestion: IngestionService;
let queries: QueryService;
let store: EventStore;
let now = Date.parse('2026-03-30T12:00:00Z');
const run = Math.random().toString(36).slice(2, 8);
const uniq = (name: string) => `${name} ${run}`;

async function adminQuery(sql: string) {
  const c = new pg.Client({ connectionString: BASE_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: 'test',
    APP_ROLES: 'all',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ANALYTICS_WRITE_KEYS: 'integration-write-key-000000',
  };
  if (BASE_URL) {
    await adminQuery(`CREATE DATABASE "${dbName}"`);
    const u = new URL(BASE_URL);
    u.pathname = `/${dbName}`;
    env.DATABASE_URL = u.toString();
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'analytics-it-'));
    env.DATA_DIR = dataDir;
  }
  const config = new AppConfig(loadConfig(env), []);
  Object.assign(config, { roles: rolesOf(config.env) });
  const app = await NestFactory.createApplicationContext(
    RootModule.forRoles(config, new InProcessBus(), [analyticsPart]),
    { logger: false },
  );
  await app.init();
  running = { app };
  clock = running.app.get(AnalyticsClock);
  clock.now = () => now;
  ingestion = running.app.get(IngestionService);
  queries = running.app.get(QueryService);
  store = running.app.get(EventStore);
}, 60_000);

afterAll(async () => {
  await running?.app.close();
  if (BASE_URL) await adminQuery(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function ingestAt(at: string, name: string, extra: Record<string, unknown> = {}) {
  now = Date.parse(at) + 60_000;
  const res = await ingestion.ingestBatch([{ name, timestamp: at, ...extra }], {
    source: 'server',
  });
  expect(res.rejected).toEqual([]);
  return res;
}

const counts = (r: { series: { bucket_start: string; count: number }[] }) =>
  r.series.map((p) => [p.bucket_start, p.count]);

describe(`analytics engine on ${BASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  it('counts a Europe/Berlin day of 23 hours (March change) as one day, in hours and days', async () => {
    const name = uniq('march');
    for (const at of [
      '2026-03-28T22:59:59Z', // 28th 23:59:59 CET
      '2026-03-28T23:00:00Z', // 29th 00:00 CET
      '2026-03-29T00:59:59Z', // 01:59:59 CET, just before the jump
      '2026-03-29T01:00:00Z', // 03:00 CEST, just after
      '2026-03-29T21:59:59Z', // 29th 23:59:59 CEST
      '2026-03-29T22:00:00Z', // 30th 00:00 CEST
    ]) {
      await ingestAt(at, name);
    }
    now = Date.parse('2026-03-31T00:00:00Z');
    const days = await queries.eventMetrics({
      name,
      from: '2026-03-28',
      to: '2026-03-31',
      interval: 'day',
      timezone: 'Europe/Berlin',
    });
    expect(counts(days)).toEqual([
      ['2026-03-28T00:00:00+01:00', 1],
      ['2026-03-29T00:00:00+01:00', 4],
      ['2026-03-30T00:00:00+02:00', 1],
    ]);
    const hours = await queries.eventMetrics({
      name,
      from: '2026-03-29',
      to: '2026-03-30',
      interval: 'hour',
      timezone: 'Europe/Berlin',
    });
    expect(hours.series).toHaveLength(23);
    expect(hours.series[1]).toEqual({ bucket_start: '2026-03-29T01:00:00+01:00', count: 1 });
    expect(hours.series[2]).toEqual({ bucket_start: '2026-03-29T03:00:00+02:00', count: 1 });
    expect(hours.total).toBe(4);
  });

  it('counts a Europe/Berlin day of 25 hours (October change) as one day, with both 02:00 hours', async () => {
    const name = uniq('october');
    for (const at of [
      '2026-10-24T21:59:59Z', // 24th 23:59:59 CEST
      '2026-10-24T22:00:00Z', // 25th 00:00 CEST
      '2026-10-25T00:30:00Z', // 02:30 CEST (first time)
      '2026-10-25T01:30:00Z', // 02:30 CET (second time)
      '2026-10-25T22:59:59Z', // 25th 23:59:59 CET
      '2026-10-25T23:00:00Z', // 26th 00:00 CET
    ]) {
      await ingestAt(at, name);
    }
    const days = await queries.eventMetrics({
      name,
      from: '2026-10-24',
      to: '2026-10-27',
      interval: 'day',
      timezone: 'Europe/Berlin',
    });
    expect(counts(days)).toEqual([
      ['2026-10-24T00:00:00+02:00', 1],
      ['2026-10-25T00:00:00+02:00', 4],
      ['2026-10-26T00:00:00+01:00', 1],
    ]);
    const hours = await queries.eventMetrics({
      name,
      from: '2026-10-25',
      to: '2026-10-26',
      interval: 'hour',
      timezone: 'Europe/Berlin',
    });
    expect(hours.series).toHaveLength(25);
    expect(hours.series[2]).toEqual({ bucket_start: '2026-10-25T02:00:00+02:00', count: 1 });
    expect(hours.series[3]).toEqual({ bucket_start: '2026-10-25T02:00:00+01:00', count: 1 });
    const weeks = await queries.eventMetrics({
      name,
      from: '2026-10-19',
      to: '2026-10-27',
      interval: 'week',
      timezone: 'Europe/Berlin',
    });
    expect(counts(weeks)).toEqual([
      ['2026-10-19T00:00:00+02:00', 5],
      ['2026-10-26T00:00:00+01:00', 1],
    ]);
  });

  it('aligns days and hours in Asia/Tehran (UTC+03:30) on the half hour', async () => {
    const name = uniq('tehran');
    await ingestAt('2026-11-20T20:29:59Z', name); // 20th 23:59:59 +03:30
    await ingestAt('2026-11-20T20:30:00Z', name); // 21st 00:00
    await ingestAt('2026-11-21T05:15:00Z', name); // 21st 08:45
    const days = await queries.eventMetrics({
      name,
      from: '2026-11-20',
      to: '2026-11-22',
      timezone: 'Asia/Tehran',
    });
    expect(counts(days)).toEqual([
      ['2026-11-20T00:00:00+03:30', 1],
      ['2026-11-21T00:00:00+03:30', 2],
    ]);
    const hours = await queries.eventMetrics({
      name,
      from: '2026-11-21T08:00',
      to: '2026-11-21T10:00',
      interval: 'hour',
      timezone: 'Asia/Tehran',
    });
    expect(counts(hours)).toEqual([
      ['2026-11-21T08:00:00+03:30', 1],
      ['2026-11-21T09:00:00+03:30', 0],
    ]);
    const utc = await queries.eventMetrics({ name, from: '2026-11-20', to: '2026-11-22' });
    expect(counts(utc)).toEqual([
      ['2026-11-20T00:00:00Z', 2],
      ['2026-11-21T00:00:00Z', 1],
    ]);
  });

  it('puts bucket edges where PostgreSQL date_trunc puts them, for many instants and zones', async () => {
    const zones = [
      'Europe/Berlin',
      'Asia/Tehran',
      'America/New_York',
      'Asia/Kathmandu',
      'Australia/Lord_Howe',
      'America/Santiago',
      'UTC',
    ];
    const units: Interval[] = ['hour', 'day', 'week', 'month'];
    const ds = running.app.get(DataSource);
    let seed = 7;
    const rand = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const cases: { t: number; tz: string; unit: Interval }[] = [];
    for (let i = 0; i < 300; i++) {
      cases.push({
        t: Date.parse('2025-01-01T00:00:00Z') + Math.floor(rand() * 730 * 86400) * 1000,
        tz: zones[i % zones.length],
        unit: units[Math.floor(rand() * units.length)],
      });
    }
    const rows: { t: Date | string }[] = await ds.query(
      `SELECT date_trunc(u, t, z) AS t FROM unnest($1::timestamptz[], $2::text[], $3::text[]) AS x(t, z, u)`,
      [
        cases.map((c) => new Date(c.t).toISOString()),
        cases.map((c) => c.tz),
        cases.map((c) => c.unit),
      ],
    );
    const mismatches = cases.filter((c, i) => {
      const fromPg = new Date(rows[i].t).getTime();
      if (c.unit === 'hour' && c.tz === 'Australia/Lord_Howe') return false; // 30-min DST: PG truncates wall time
      return bucketStart(c.t, c.unit, c.tz) !== fromPg;
    });
    expect(mismatches).toEqual([]);
  });

  it('dedupes exactly: the same event_id within a batch, across batches and in concurrent batches', async () => {
    now = Date.parse('2026-03-30T12:00:00Z');
    const name = uniq('dedupe');
    const ids = Array.from({ length: 300 }, (_, i) => `dd_${run}_${i}`);
    const first = await ingestion.ingestBatch(
      [...ids.slice(0, 100), ids[0]].map((event_id) => ({ event_id, name })),
      { source: 'server' },
    );
    expect(first).toEqual({ accepted: 100, duplicates: 1, rejected: [] });
    // Three overlapping batches at once: every id is stored exactly once.
    const results = await Promise.all(
      [ids.slice(50, 200), ids.slice(100, 300), ids.slice(0, 300).reverse()].map((chunk) =>
        ingestion.ingestBatch(
          chunk.map((event_id) => ({ event_id, name })),
          { source: 'server' },
        ),
      ),
    );
    const accepted = results.reduce((a, r) => a + r.accepted, 0);
    const duplicates = results.reduce((a, r) => a + r.duplicates, 0);
    expect(accepted).toBe(200);
    expect(duplicates).toBe(150 + 200 + 300 - 200);
    const day = await queries.eventMetrics({ name, from: '2026-03-30', to: '2026-03-31' });
    expect(day.total).toBe(300);
    const raw = await store.countsFromEvents(name, [
      Date.parse('2026-03-30T00:00:00Z'),
      Date.parse('2026-03-31T00:00:00Z'),
    ]);
    expect(raw.get(0)).toBe(300);
  });

  it('rejects timestamps more than 7 days back or 1 hour ahead, per event', async () => {
    now = Date.parse('2026-03-30T12:00:00Z');
    const name = uniq('window');
    const res = await ingestion.ingestBatch(
      [
        { name, timestamp: '2026-03-23T11:59:59Z' },
        { name, timestamp: '2026-03-23T12:00:01Z' },
        { name, timestamp: '2026-03-30T12:59:59Z' },
        { name, timestamp: '2026-03-30T13:00:01Z' },
        { name, timestamp: 'yesterday' },
      ],
      { source: 'server' },
    );
    expect(res.accepted).toBe(2);
    expect(res.rejected.map((r) => r.index)).toEqual([0, 3, 4]);
    expect(res.rejected[0].errors[0]).toMatchObject({ field: 'timestamp' });
  });

  it('counts a redelivered platform event once and computes revenue after a refund', async () => {
    now = Date.parse('2026-11-24T10:00:00Z');
    const user = `usr_${run}pay`;
    const paid = {
      id: `evt_${run}paid`,
      type: 'payments.payment.succeeded.v1',
      occurred_at: '2026-11-24T09:00:00Z',
      user_id: user,
      data: { payment_id: `pay_${run}`, amount: 12900, currency: 'EUR', method: 'wire' },
    };
    const refunded = {
      id: `evt_${run}refund`,
      type: 'payments.payment.refunded.v1',
      occurred_at: '2026-11-24T09:30:00Z',
      user_id: user,
      data: {
        payment_id: `pay_${run}`,
        currency: 'EUR',
        refund: { id: `rfd_${run}`, amount: 2500 },
      },
    };
    expect(await ingestion.ingestDomainEvent(paid)).toEqual({ stored: true });
    expect(await ingestion.ingestDomainEvent(paid)).toEqual({ stored: false });
    expect(await ingestion.ingestDomainEvent(refunded)).toEqual({ stored: true });
    expect(await ingestion.ingestDomainEvent(refunded)).toEqual({ stored: false });
    const jpy = { ...paid, id: `evt_${run}jpy`, data: { amount: 500, currency: 'JPY' } };
    await ingestion.ingestDomainEvent(jpy);
    const rev = await queries.revenue({ from: '2026-11-24', to: '2026-11-25', currency: 'EUR' });
    expect(rev.totals).toEqual({ EUR: { gross: 12900, refunds: 2500, net: 10400 } });
    const all = await queries.revenue({ from: '2026-11-24', to: '2026-11-25' });
    expect(all.totals.JPY).toEqual({ gross: 500, refunds: 0, net: 500 });
    const count = await queries.eventMetrics({
      name: 'payments.payment.succeeded.v1',
      from: '2026-11-24',
      to: '2026-11-25',
    });
    expect(count.total).toBe(2);
  });

  it('pseudonymises an erased user: counts and active users stay, the link goes', async () => {
    now = Date.parse('2026-11-24T12:00:00Z');
    const user = `usr_${run}gone`;
    const name = uniq('erase');
    await ingestion.ingestBatch(
      [
        {
          name,
          user_id: user,
          anonymous_id: `anon_${run}`,
          properties: { email: 'a@example.com', plan: 'pro' },
        },
        { name, user_id: user },
      ],
      { source: 'server' },
    );
    const activeBefore = await queries.activeUsers({ from: '2026-11-24', to: '2026-11-25' });
    const exportBefore = await store.eventsOfUser(user, 10);
    expect(exportBefore).toHaveLength(2);
    await ingestion.ingestDomainEvent({
      id: `evt_${run}del`,
      type: 'users.user.deleted.v1',
      occurred_at: '2026-11-24T12:00:00Z',
      user_id: user,
      data: { email: 'a@example.com' },
    });
    expect(await store.eventsOfUser(user, 10)).toEqual([]);
    const after = await queries.eventMetrics({ name, from: '2026-11-24', to: '2026-11-25' });
    expect(after.total).toBe(2);
    const activeAfter = await queries.activeUsers({ from: '2026-11-24', to: '2026-11-25' });
    expect(activeAfter.series).toEqual(activeBefore.series);
    const ds = running.app.get(DataSource);
    const rows: {
      user_id: string;
      anonymous_id: string | null;
      properties: Record<string, unknown>;
    }[] = await ds.query(
      `SELECT user_id, anonymous_id, properties FROM analytics.events WHERE name = $1`,
      [name],
    );
    expect(new Set(rows.map((r) => r.user_id)).size).toBe(1);
    expect(rows[0].user_id).toMatch(/^psn_[0-9a-f]{32}$/);
    expect(rows.every((r) => r.anonymous_id === null && !('email' in r.properties))).toBe(true);
    // A late event for the erased user is stored under the pseudonym too.
    await ingestion.ingestBatch([{ name, user_id: user }], { source: 'server' });
    expect(await store.eventsOfUser(user, 10)).toEqual([]);
    expect((await queries.eventMetrics({ name, from: '2026-11-24', to: '2026-11-25' })).total).toBe(
      3,
    );
  });

  it('computes ordered funnels within the window', async () => {
    now = Date.parse('2026-11-24T12:00:00Z');
    const [a, b, c] = ['view', 'cart', 'buy'].map(uniq);
    const t = (m: number) =>
      new Date(Date.parse('2026-11-24T08:00:00Z') + m * 60_000).toISOString();
    const ev = (user: string, name: string, m: number) => ({
      name,
      user_id: `${run}_${user}`,
      timestamp: t(m),
    });
    await ingestion.ingestBatch(
      [
        ev('u1', a, 0),
        ev('u1', b, 5),
        ev('u1', c, 10), // all three
        ev('u2', a, 0),
        ev('u2', c, 5),
        ev('u2', b, 10), // b after c: reaches 2
        ev('u3', a, 0),
        ev('u3', b, 5),
        ev('u3', c, 90), // c outside a 60 min window
        ev('u4', b, 0),
        ev('u4', c, 1), // never started
        { name: a, anonymous_id: `anon_${run}_5`, timestamp: t(0) },
      ],
      { source: 'server' },
    );
    const f = await queries.funnel({
      steps: [a, b, c],
      window_seconds: 3600,
      from: '2026-11-24',
      to: '2026-11-25',
    });
    expect(f.steps.map((s) => s.users)).toEqual([4, 3, 1]);
    expect(f.steps[1].conversion).toBe(0.75);
    expect(f.conversion).toBe(0.25);
  });

  it('builds signup retention cohorts', async () => {
    const day = (d: number, h = 12) =>
      `2026-11-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:00:00Z`;
    const u = (n: number) => `${run}_r${n}`;
    // Cohort of Mon 2 Nov: u1, u2; of Mon 9 Nov: u3.
    await ingestAt(day(2), 'Signed Up', { user_id: u(1) });
    await ingestAt(day(3), 'Signed Up', { user_id: u(2) });
    await ingestAt(day(10), 'Signed Up', { user_id: u(3) });
    await ingestAt(day(11), uniq('use'), { user_id: u(1) }); // u1 back in week 1
    await ingestAt(day(18), uniq('use'), { user_id: u(1) }); // and week 2
    await ingestAt(day(17), uniq('use'), { user_id: u(3) }); // u3 back in its week 1
    now = Date.parse(day(19));
    const r = await queries.retention({
      cohort: 'signup',
      interval: 'week',
      from: '2026-11-02',
      to: '2026-11-16',
    });
    // Other tests' signups may share these weeks only if they used "Signed Up"; none do.
    expect(r.cohorts).toEqual([
      { cohort_start: '2026-11-02T00:00:00Z', users: 2, retained: [2, 1, 1], rates: [1, 0.5, 0.5] },
      { cohort_start: '2026-11-09T00:00:00Z', users: 1, retained: [1, 1], rates: [1, 1] },
    ]);
  });

  it('creates monthly partitions ahead and on demand for late platform events', async () => {
    const partitions = running.app.get(PartitionManager);
    const before = await partitions.list();
    expect(before.length).toBeGreaterThanOrEqual(3);
    await ingestion.ingestDomainEvent({
      id: `evt_${run}old`,
      type: 'auth.login.succeeded.v1',
      occurred_at: '2024-02-10T10:00:00Z',
      user_id: `usr_${run}old`,
      data: {},
    });
    expect(await partitions.list()).toContain('events_p202402');
  });
});
