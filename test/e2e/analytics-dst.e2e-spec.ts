/**
 * Counting across Europe/Berlin's daylight-saving changes end to end. The API accepts event
 * times from the last 7 days only, so each case starts its own platform (same mode as the
 * suite) whose clock reads a day after the change (test/support/fake-clock.mjs), sends events
 * on both sides of each edge through POST /analytics/events, and reads them back as an admin.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeKeyAuth } from '../support/analytics.js';
import {
  E2E_ADMIN,
  startPlatform,
  type Mode,
  type PlatformHandle,
} from '../support/platform-process.js';

const mode = (process.env.E2E_MODE ?? 'all') as Mode;
const preload = pathToFileURL(join(process.cwd(), 'test/support/fake-clock.mjs')).href;

async function call(base: string, method: string, path: string, body?: unknown, auth?: string) {
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(auth ? { authorization: auth } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function adminAuth(base: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await call(base, 'POST', '/api/v1/auth/login', {
      email: E2E_ADMIN.email,
      password: E2E_ADMIN.password,
    });
    if (res.status === 200) return `Bearer ${res.body.access_token}`;
    if (Date.now() > deadline) throw new Error(`admin login: ${res.status}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

function dstCase(
  title: string,
  fakeNow: string,
  body: (ctx: { base: string; admin: string }) => Promise<void>,
) {
  describe(`${title} (${mode} mode)`, () => {
    let platform: PlatformHandle;
    const ctx = { base: '', admin: '' };
    beforeAll(async () => {
      platform = await startPlatform({
        mode,
        nodeArgs: [`--import=${preload}`],
        env: { PLATFORM_FAKE_NOW: fakeNow },
        readyTimeoutMs: 120_000,
      });
      ctx.base = platform.url;
      ctx.admin = await adminAuth(platform.url);
    }, 180_000);
    afterAll(async () => {
      await platform?.stop();
    }, 60_000);
    it(
      'counts events on both sides of every edge in the right local day and hour',
      () => body(ctx),
      60_000,
    );
  });
}

async function ingestAll(base: string, name: string, times: string[]) {
  const res = await call(
    base,
    'POST',
    '/api/v1/analytics/events',
    { events: times.map((timestamp, i) => ({ event_id: `${name}-${i}`, name, timestamp })) },
    writeKeyAuth(),
  );
  expect(res.status).toBe(202);
  expect(res.body).toEqual({ accepted: times.length, duplicates: 0, rejected: [] });
}

async function series(base: string, admin: string, query: Record<string, string>) {
  const res = await call(
    base,
    'GET',
    `/api/v1/analytics/metrics/events?${new URLSearchParams(query)}`,
    undefined,
    admin,
  );
  expect(res.status).toBe(200);
  return res.body.series.map((p: { bucket_start: string; count: number }) => [
    p.bucket_start,
    p.count,
  ]);
}

dstCase(
  'Europe/Berlin, March change: a 23-hour day',
  '2026-03-30T12:00:00Z',
  async ({ base, admin }) => {
    const name = `dst-march-${Date.now().toString(36)}`;
    await ingestAll(base, name, [
      '2026-03-28T22:59:59Z', // 28th 23:59:59 CET
      '2026-03-28T23:00:00Z', // 29th 00:00:00 CET
      '2026-03-29T00:59:59Z', // 01:59:59 CET, the last second before the jump
      '2026-03-29T01:00:00Z', // 03:00:00 CEST, the first second after it
      '2026-03-29T21:59:59Z', // 29th 23:59:59 CEST
      '2026-03-29T22:00:00Z', // 30th 00:00:00 CEST
    ]);
    const tz = { name, timezone: 'Europe/Berlin' };
    expect(
      await series(base, admin, { ...tz, from: '2026-03-28', to: '2026-03-31', interval: 'day' }),
    ).toEqual([
      ['2026-03-28T00:00:00+01:00', 1],
      ['2026-03-29T00:00:00+01:00', 4],
      ['2026-03-30T00:00:00+02:00', 1],
    ]);
    const hours = await series(base, admin, {
      ...tz,
      from: '2026-03-29',
      to: '2026-03-30',
      interval: 'hour',
    });
    expect(hours).toHaveLength(23);
    expect(hours.slice(0, 3)).toEqual([
      ['2026-03-29T00:00:00+01:00', 1],
      ['2026-03-29T01:00:00+01:00', 1],
      ['2026-03-29T03:00:00+02:00', 1],
    ]);
    expect(hours[22]).toEqual(['2026-03-29T23:00:00+02:00', 1]);
    // The same events in UTC days: the edges fall elsewhere.
    expect(await series(base, admin, { name, from: '2026-03-28', to: '2026-03-30' })).toEqual([
      ['2026-03-28T00:00:00Z', 2],
      ['2026-03-29T00:00:00Z', 4],
    ]);
  },
);

dstCase(
  'Europe/Berlin, October change: a 25-hour day',
  '2026-10-26T12:00:00Z',
  async ({ base, admin }) => {
    const name = `dst-october-${Date.now().toString(36)}`;
    await ingestAll(base, name, [
      '2026-10-24T21:59:59Z', // 24th 23:59:59 CEST
      '2026-10-24T22:00:00Z', // 25th 00:00:00 CEST
      '2026-10-25T00:30:00Z', // 02:30 CEST, the first time
      '2026-10-25T01:30:00Z', // 02:30 CET, the second time
      '2026-10-25T22:59:59Z', // 25th 23:59:59 CET
      '2026-10-25T23:00:00Z', // 26th 00:00:00 CET
    ]);
    const tz = { name, timezone: 'Europe/Berlin' };
    expect(
      await series(base, admin, { ...tz, from: '2026-10-24', to: '2026-10-27', interval: 'day' }),
    ).toEqual([
      ['2026-10-24T00:00:00+02:00', 1],
      ['2026-10-25T00:00:00+02:00', 4],
      ['2026-10-26T00:00:00+01:00', 1],
    ]);
    const hours = await series(base, admin, {
      ...tz,
      from: '2026-10-25',
      to: '2026-10-26',
      interval: 'hour',
    });
    expect(hours).toHaveLength(25);
    expect(hours.slice(2, 4)).toEqual([
      ['2026-10-25T02:00:00+02:00', 1],
      ['2026-10-25T02:00:00+01:00', 1],
    ]);
    expect(hours[24]).toEqual(['2026-10-25T23:00:00+01:00', 1]);
    expect(
      await series(base, admin, { ...tz, from: '2026-10-19', to: '2026-10-27', interval: 'week' }),
    ).toEqual([
      ['2026-10-19T00:00:00+02:00', 5],
      ['2026-10-26T00:00:00+01:00', 1],
    ]);
  },
);
