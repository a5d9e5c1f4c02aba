import { beforeAll, describe, expect, it } from '@jest/globals';
import { api, expectProblem } from '../support/api.js';
import { ANALYTICS_WRITE_KEY, ingest, writeKeyAuth } from '../support/analytics.js';
import { camt053 } from '../support/payments-fixtures.js';
import { adminToken, registerAndLogin } from '../support/session.js';

const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const uniq = (name: string) => `${name} ${run}`;
const HOUR = 3600_000;
const DAY = 24 * HOUR;

async function metrics(token: string, path: string, query: Record<string, string>) {
  const qs = new URLSearchParams(query).toString();
  const res = await api('GET', `/api/v1/analytics/${path}?${qs}`, { token });
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${res.text}`);
  return res.body;
}

describe(`analytics ingestion (${process.env.E2E_MODE} mode)`, () => {
  it('accepts a batch with a write key and answers 202 with accepted, duplicates and rejected', async () => {
    const name = uniq('Page Viewed');
    const res = await ingest([
      { event_id: `e1_${run}`, name, anonymous_id: 'anon_1', properties: { path: '/' } },
      { event_id: `e2_${run}`, name, user_id: 'usr_e2e_1' },
      { event_id: `e1_${run}`, name },
      { name },
    ]);
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: 3, duplicates: 1, rejected: [] });
  });

  it('treats an event_id seen before as a duplicate at once, across requests', async () => {
    const name = uniq('Dedupe');
    const events = Array.from({ length: 20 }, (_, i) => ({ event_id: `d${i}_${run}`, name }));
    expect((await ingest(events)).body).toEqual({ accepted: 20, duplicates: 0, rejected: [] });
    const again = await Promise.all([ingest(events), ingest(events.slice(5))]);
    expect(again.map((r) => r.body)).toEqual([
      { accepted: 0, duplicates: 20, rejected: [] },
      { accepted: 0, duplicates: 15, rejected: [] },
    ]);
  });

  it('rejects, per event, timestamps more than 7 days back or 1 hour ahead', async () => {
    const name = uniq('Window');
    const now = Date.now();
    const res = await ingest([
      { name, timestamp: new Date(now - 7 * DAY - 60_000).toISOString() },
      { name, timestamp: new Date(now - 6 * DAY).toISOString() },
      { name, timestamp: new Date(now + HOUR + 60_000).toISOString() },
      { name, timestamp: new Date(now + 30 * 60_000).toISOString() },
      { name, timestamp: 'last tuesday' },
    ]);
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(2);
    expect(res.body.duplicates).toBe(0);
    expect(res.body.rejected).toEqual([
      {
        index: 0,
        errors: [{ field: 'timestamp', message: 'timestamp is more than 7 days in the past' }],
      },
      {
        index: 2,
        errors: [{ field: 'timestamp', message: 'timestamp is more than 1 hour in the future' }],
      },
      { index: 4, errors: [expect.objectContaining({ field: 'timestamp' })] },
    ]);
  });

  it('rejects bad events one by one: unknown fields, reserved platform names, bad properties', async () => {
    const res = await ingest([
      { name: uniq('Fine') },
      { name: 'payments.payment.succeeded.v1', properties: { amount: 100000 } },
      { name: uniq('Extra'), role: 'admin' },
      { name: '' },
      { name: uniq('Props'), properties: 'not an object' },
      'not an event',
    ]);
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(1);
    expect(
      res.body.rejected.map((r: { index: number; errors: { field: string }[] }) => [
        r.index,
        r.errors[0].field,
      ]),
    ).toEqual([
      [1, 'name'],
      [2, 'role'],
      [3, 'name'],
      [4, 'properties'],
      [5, ''],
    ]);
  });

  it('rejects a whole batch over the limits: 400 above 500 events, 413 above 1 MB', async () => {
    const many = Array.from({ length: 501 }, () => ({ name: uniq('Many') }));
    const tooMany = await ingest(many);
    expectProblem(tooMany, 400);
    expect(tooMany.body.errors[0].field).toBe('events');
    const big = await ingest(
      Array.from({ length: 40 }, () => ({
        name: uniq('Big'),
        properties: { pad: 'x'.repeat(30_000) },
      })),
    );
    expectProblem(big, 413);
    const notArray = await ingest('nope' as unknown as unknown[]);
    expectProblem(notArray, 400);
  });

  it('needs a signed-in user or a valid write key (401 otherwise)', async () => {
    const anonymous = await api('POST', '/api/v1/analytics/events', {
      body: { events: [{ name: uniq('Anon') }] },
    });
    expectProblem(anonymous, 401);
    expectProblem(await ingest([{ name: uniq('Wrong') }], ANALYTICS_WRITE_KEY + 'x'), 401);
    const malformed = await api('POST', '/api/v1/analytics/events', {
      body: { events: [{ name: uniq('Basic') }] },
      headers: { authorization: 'Basic !!!' },
    });
    expectProblem(malformed, 401);
    expect(writeKeyAuth()).toMatch(/^Basic /);
  });

  it('keeps metrics for admins: 401 without a token', async () => {
    const res = await api('GET', '/api/v1/analytics/metrics/events?from=2026-01-01&to=2026-01-02');
    expectProblem(res, 401);
    const funnel = await api('POST', '/api/v1/analytics/funnels', {
      body: { steps: ['a', 'b'], window_seconds: 60, from: '2026-01-01', to: '2026-01-02' },
    });
    expectProblem(funnel, 401);
  });

  it('documents every analytics endpoint in the OpenAPI document', async () => {
    const doc = (await api('GET', '/docs-json')).body;
    const paths = doc.paths as Record<
      string,
      Record<string, { tags?: string[]; summary?: string }>
    >;
    for (const [path, method] of [
      ['/api/v1/analytics/events', 'post'],
      ['/api/v1/analytics/metrics/events', 'get'],
      ['/api/v1/analytics/metrics/active-users', 'get'],
      ['/api/v1/analytics/metrics/revenue', 'get'],
      ['/api/v1/analytics/funnels', 'post'],
      ['/api/v1/analytics/retention', 'get'],
    ]) {
      expect(paths[path]?.[method]?.tags).toContain('analytics');
      expect(paths[path][method].summary).toBeTruthy();
    }
  });
});

describe(`analytics queries (${process.env.E2E_MODE} mode)`, () => {
  let token: string;
  beforeAll(async () => {
    token = await adminToken();
  });

  it('buckets Europe/Berlin days over the March change (23 h) and October change (25 h), zero-filled', async () => {
    const march = await metrics(token, 'metrics/events', {
      name: uniq('Nothing'),
      from: '2026-03-28',
      to: '2026-03-31',
      interval: 'day',
      timezone: 'Europe/Berlin',
    });
    expect(march.series).toEqual([
      { bucket_start: '2026-03-28T00:00:00+01:00', count: 0 },
      { bucket_start: '2026-03-29T00:00:00+01:00', count: 0 },
      { bucket_start: '2026-03-30T00:00:00+02:00', count: 0 },
    ]);
    const marchHours = await metrics(token, 'metrics/events', {
      name: uniq('Nothing'),
      from: '2026-03-29',
      to: '2026-03-30',
      interval: 'hour',
      timezone: 'Europe/Berlin',
    });
    expect(marchHours.series).toHaveLength(23);
    expect(
      marchHours.series.slice(1, 3).map((p: { bucket_start: string }) => p.bucket_start),
    ).toEqual(['2026-03-29T01:00:00+01:00', '2026-03-29T03:00:00+02:00']);
    const october = await metrics(token, 'metrics/events', {
      name: uniq('Nothing'),
      from: '2026-10-24',
      to: '2026-10-27',
      timezone: 'Europe/Berlin',
    });
    expect(october.series.map((p: { bucket_start: string }) => p.bucket_start)).toEqual([
      '2026-10-24T00:00:00+02:00',
      '2026-10-25T00:00:00+02:00',
      '2026-10-26T00:00:00+01:00',
    ]);
    const octoberHours = await metrics(token, 'metrics/events', {
      name: uniq('Nothing'),
      from: '2026-10-25',
      to: '2026-10-26',
      interval: 'hour',
      timezone: 'Europe/Berlin',
    });
    expect(octoberHours.series).toHaveLength(25);
    expect(
      octoberHours.series.slice(2, 4).map((p: { bucket_start: string }) => p.bucket_start),
    ).toEqual(['2026-10-25T02:00:00+02:00', '2026-10-25T02:00:00+01:00']);
  });

  it('counts events in Europe/Berlin and Asia/Tehran (UTC+03:30) local days, exact right after ingestion', async () => {
    const name = uniq('Zoned');
    // Tehran midnight two days ago is 20:30 UTC: one event a second before, one at it.
    const d = new Date(Date.now() - 2 * DAY);
    const tehranMidnight = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 20, 30);
    const at = (t: number) => new Date(t).toISOString();
    const res = await ingest([
      { name, timestamp: at(tehranMidnight - 1000) },
      { name, timestamp: at(tehranMidnight) },
      { name, timestamp: at(tehranMidnight + 45 * 60_000) },
    ]);
    expect(res.body.accepted).toBe(3);
    const tehran = await metrics(token, 'metrics/events', {
      name,
      from: at(tehranMidnight - DAY),
      to: at(tehranMidnight + DAY),
      timezone: 'Asia/Tehran',
    });
    expect(tehran.series.map((p: { count: number }) => p.count)).toEqual([1, 2]);
    expect(tehran.series[1].bucket_start).toMatch(/T00:00:00\+03:30$/);
    expect(new Date(tehran.series[1].bucket_start).getTime()).toBe(tehranMidnight);
    const hours = await metrics(token, 'metrics/events', {
      name,
      from: at(tehranMidnight),
      to: at(tehranMidnight + 2 * HOUR),
      interval: 'hour',
      timezone: 'Asia/Tehran',
    });
    expect(hours.series).toEqual([
      { bucket_start: expect.stringMatching(/T00:00:00\+03:30$/), count: 2 },
      { bucket_start: expect.stringMatching(/T01:00:00\+03:30$/), count: 0 },
    ]);
    // 20:29:59 and 20:30 UTC are one UTC day, and one Berlin day (21:29:59 and 21:30 CET).
    const utcStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    const utc = await metrics(token, 'metrics/events', {
      name,
      from: at(utcStart),
      to: at(utcStart + DAY),
    });
    expect(utc.series).toEqual([{ bucket_start: at(utcStart).replace('.000Z', 'Z'), count: 3 }]);
    const berlin = await metrics(token, 'metrics/events', {
      name,
      from: at(tehranMidnight),
      to: at(tehranMidnight + HOUR),
      timezone: 'Europe/Berlin',
    });
    expect(berlin.total).toBe(3);
  });

  it('splits counts by a property with top-N', async () => {
    const name = uniq('Plan Chosen');
    await ingest([
      ...Array.from({ length: 3 }, () => ({ name, properties: { plan: 'pro' } })),
      ...Array.from({ length: 2 }, () => ({ name, properties: { plan: 'free' } })),
      { name, properties: { plan: 'team' } },
    ]);
    const now = Date.now();
    const res = await metrics(token, 'metrics/events', {
      name,
      from: new Date(now - HOUR).toISOString(),
      to: new Date(now + HOUR).toISOString(),
      interval: 'day',
      group_by: 'properties.plan',
      limit: '2',
    });
    expect(res.total).toBe(6);
    expect(res.groups.map((g: { value: string; total: number }) => [g.value, g.total])).toEqual([
      ['pro', 3],
      ['free', 2],
    ]);
    expect(res.other.total).toBe(1);
  });

  it('computes a funnel: users reaching each step in order within the window', async () => {
    const [view, cart, buy] = ['View', 'Cart', 'Buy'].map(uniq);
    const t0 = Date.now() - 3 * HOUR;
    const at = (m: number) => new Date(t0 + m * 60_000).toISOString();
    const u = (n: number) => `usr_f${n}_${run}`;
    await ingest([
      { name: view, user_id: u(1), timestamp: at(0) },
      { name: cart, user_id: u(1), timestamp: at(5) },
      { name: buy, user_id: u(1), timestamp: at(9) },
      { name: view, user_id: u(2), timestamp: at(0) },
      { name: buy, user_id: u(2), timestamp: at(3) },
      { name: cart, user_id: u(2), timestamp: at(4) },
      { name: view, user_id: u(3), timestamp: at(0) },
      { name: cart, user_id: u(3), timestamp: at(1) },
      { name: buy, user_id: u(3), timestamp: at(40) },
      { name: view, anonymous_id: `anon_f4_${run}`, timestamp: at(0) },
    ]);
    const res = await api('POST', '/api/v1/analytics/funnels', {
      token,
      body: {
        steps: [view, cart, buy],
        window_seconds: 1800,
        from: new Date(t0 - HOUR).toISOString(),
        to: new Date(t0 + HOUR).toISOString(),
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.steps.map((s: { users: number }) => s.users)).toEqual([4, 3, 1]);
    expect(res.body.steps[2]).toMatchObject({ conversion: 0.25, step_conversion: 0.3333 });
    expect(res.body.conversion).toBe(0.25);
    const bad = await api('POST', '/api/v1/analytics/funnels', {
      token,
      body: { steps: [view], window_seconds: 0, from: 'x', to: '2026-01-01' },
    });
    expectProblem(bad, 400);
  });

  it('builds daily signup retention cohorts', async () => {
    const now = Date.now();
    const dayStart = (n: number) => {
      const d = new Date(now - n * DAY);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    };
    const at = (n: number, h = 12) => new Date(dayStart(n) + h * HOUR).toISOString();
    const u = (n: number) => `usr_r${n}_${run}`;
    const use = uniq('Used');
    await ingest([
      { name: 'Signed Up', user_id: u(1), timestamp: at(6, 1) },
      { name: 'Signed Up', user_id: u(2), timestamp: at(6, 2) },
      { name: 'Signed Up', user_id: u(3), timestamp: at(5, 3) },
      { name: use, user_id: u(1), timestamp: at(5) },
      { name: use, user_id: u(1), timestamp: at(4) },
      { name: use, user_id: u(2), timestamp: at(4) },
      { name: use, user_id: u(3), timestamp: at(3) },
    ]);
    const res = await metrics(token, 'retention', {
      cohort: 'signup',
      interval: 'day',
      from: new Date(dayStart(6)).toISOString(),
      to: new Date(dayStart(4)).toISOString(),
    });
    expect(res.cohorts.map((c: { users: number }) => c.users)).toEqual([2, 1]);
    expect(res.cohorts[0].retained.slice(0, 4)).toEqual([2, 1, 2, 0]);
    expect(res.cohorts[0].rates.slice(0, 3)).toEqual([1, 0.5, 1]);
    expect(res.cohorts[1].retained.slice(0, 3)).toEqual([1, 0, 1]);
    // Periods run up to today.
    expect(res.cohorts[0].retained).toHaveLength(7);
  });

  it('counts distinct active users per day', async () => {
    const name = uniq('Active');
    await ingest([
      { name, user_id: `usr_a1_${run}` },
      { name, user_id: `usr_a1_${run}` },
      { name, user_id: `usr_a2_${run}` },
      { name, anonymous_id: `anon_a3_${run}` },
    ]);
    const now = Date.now();
    const res = await metrics(token, 'metrics/active-users', {
      from: new Date(now - HOUR).toISOString(),
      to: new Date(now + HOUR).toISOString(),
      interval: 'month',
    });
    expect(res.series[res.series.length - 1].count).toBeGreaterThanOrEqual(2);
  });

  it('answers 400 naming the field for a bad time zone, interval or range', async () => {
    const res = await api(
      'GET',
      '/api/v1/analytics/metrics/events?from=2026-01-02&to=2026-01-01&timezone=Mars/Base',
      { token },
    );
    expectProblem(res, 400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'timezone',
      'to',
    ]);
    const bad = await api(
      'GET',
      '/api/v1/analytics/metrics/events?from=2026-01-01&to=2026-01-02&interval=year',
      { token },
    );
    expectProblem(bad, 400);
    const many = await api(
      'GET',
      '/api/v1/analytics/metrics/events?from=2000-01-01&to=2026-01-02&interval=hour',
      { token },
    );
    expectProblem(many, 400);
  });
});

describe(`analytics with signed-in users and platform events (${process.env.E2E_MODE} mode)`, () => {
  let token: string;
  beforeAll(async () => {
    token = await adminToken();
  });

  async function countToday(name: string): Promise<number> {
    const now = Date.now();
    const body = await metrics(token, 'metrics/events', {
      name,
      from: new Date(now - 2 * HOUR).toISOString(),
      to: new Date(now + 2 * HOUR).toISOString(),
      interval: 'month',
    });
    return body.total;
  }

  /**
   * Reads a value until it holds still for a second, so events that other test files caused
   * and the outbox is still delivering are not mistaken for ours.
   */
  async function settled<T>(read: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + 20_000;
    let last = JSON.stringify(await read());
    for (;;) {
      await new Promise((r) => setTimeout(r, 1000));
      const now = await read();
      if (JSON.stringify(now) === last || Date.now() > deadline) return now;
      last = JSON.stringify(now);
    }
  }

  async function waitForCount(name: string, expected: number): Promise<number> {
    const deadline = Date.now() + 20_000;
    let n = await countToday(name);
    while (n < expected && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      n = await countToday(name);
    }
    return n;
  }

  it('takes events from a signed-in user as theirs, and refuses events for someone else', async () => {
    const member = await registerAndLogin({ tag: 'analytics' });
    const name = uniq('Member Event');
    const res = await api('POST', '/api/v1/analytics/events', {
      token: member.token,
      body: {
        events: [{ name }, { name, user_id: member.id }, { name, user_id: 'usr_someone_else' }],
      },
    });
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(2);
    expect(res.body.rejected).toEqual([
      {
        index: 2,
        errors: [{ field: 'user_id', message: 'a signed-in user may only send their own events' }],
      },
    ]);
    // Members cannot read metrics.
    const forbidden = await api(
      'GET',
      '/api/v1/analytics/metrics/events?from=2026-01-01&to=2026-01-02',
      {
        token: member.token,
      },
    );
    expectProblem(forbidden, 403);
    const expired = await api('POST', '/api/v1/analytics/events', {
      token: member.token + 'x',
      body: { events: [{ name }] },
    });
    expectProblem(expired, 401);
  });

  it('counts the platform registrations and logins delivered by the outbox exactly once', async () => {
    const registered = 'auth.user.registered.v1';
    const loggedIn = 'auth.login.succeeded.v1';
    const [regBefore, loginBefore] = await settled(() =>
      Promise.all([countToday(registered), countToday(loggedIn)]),
    );
    for (let i = 0; i < 3; i++) await registerAndLogin({ tag: 'analytics-platform' });
    expect(await waitForCount(registered, regBefore + 3)).toBe(regBefore + 3);
    expect(await waitForCount(loggedIn, loginBefore + 3)).toBe(loginBefore + 3);
    // Still exactly once a moment later (no second delivery counted).
    await new Promise((r) => setTimeout(r, 1500));
    expect(await countToday(registered)).toBe(regBefore + 3);
  });

  it('reports revenue from payment events: gross, refunds and net after a refund', async () => {
    const window = () => {
      const now = Date.now();
      return {
        from: new Date(now - 2 * HOUR).toISOString(),
        to: new Date(now + 2 * HOUR).toISOString(),
        interval: 'day',
        currency: 'EUR',
      };
    };
    const eur = async () => (await metrics(token, 'metrics/revenue', window())).totals.EUR;
    const before = await settled(eur);
    expect(before).toEqual({
      gross: expect.any(Number),
      refunds: expect.any(Number),
      net: before.gross - before.refunds,
    });

    // A wire payment, paid by a bank statement, then partly refunded.
    const payer = await registerAndLogin({ tag: 'analytics-revenue' });
    const created = await api('POST', '/api/v1/payments', {
      token: payer.token,
      headers: { 'idempotency-key': `an-${run}` },
      body: { amount: 12345, currency: 'EUR', method: 'wire' },
    });
    expect(created.status).toBe(201);
    const reference = created.body.next_action.reference;
    const statement = await api('POST', '/api/v1/payments/wire/statements', {
      token,
      raw: camt053([{ amount: '123.45', currency: 'EUR', ref: reference }]),
      headers: { 'content-type': 'application/xml' },
    });
    expect(statement.status).toBe(200);
    const paid = await api('GET', `/api/v1/payments/${created.body.id}`, { token: payer.token });
    expect(paid.body.status).toBe('succeeded');
    const refund = await api('POST', `/api/v1/payments/${created.body.id}/refunds`, {
      token,
      headers: { 'idempotency-key': `an-refund-${run}` },
      body: { amount: 2345 },
    });
    expect(refund.status).toBe(201);

    // The outbox delivers both events; the revenue then shows them exactly once.
    const deadline = Date.now() + 20_000;
    let after = await eur();
    while (
      (after.gross < before.gross + 12345 || after.refunds < before.refunds + 2345) &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 200));
      after = await eur();
    }
    expect(after).toEqual({
      gross: before.gross + 12345,
      refunds: before.refunds + 2345,
      net: before.net + 10000,
    });
    const { currency: _currency, ...range } = window();
    const refunds = await metrics(token, 'metrics/events', {
      ...range,
      name: 'payments.payment.refunded.v1',
    });
    expect(refunds.total).toBeGreaterThanOrEqual(1);
  });

  it("exports a user's events to the users part, and keeps counting them after the user is deleted", async () => {
    const member = await registerAndLogin({ tag: 'analytics-erase' });
    const name = uniq('Before Deletion');
    const sent = await api('POST', '/api/v1/analytics/events', {
      token: member.token,
      body: {
        events: [
          { name, event_id: `gone1_${run}` },
          { name, event_id: `gone2_${run}` },
        ],
      },
    });
    expect(sent.body.accepted).toBe(2);
    const exported = await api('GET', '/api/v1/users/me/export', { token: member.token });
    expect(exported.status).toBe(200);
    const ids = exported.body.analytics.events.map((e: { event_id: string }) => e.event_id);
    expect(ids).toEqual(expect.arrayContaining([`gone1_${run}`, `gone2_${run}`]));

    const deletedBefore = await settled(() => countToday('users.user.deleted.v1'));
    const del = await api('DELETE', '/api/v1/users/me', {
      token: member.token,
      body: { password: member.password },
    });
    expect(del.status).toBe(204);
    expect(await waitForCount('users.user.deleted.v1', deletedBefore + 1)).toBe(deletedBefore + 1);
    // Pseudonymised, not removed: the events still count, once each.
    expect(await countToday(name)).toBe(2);
    expect((await ingest([{ name, event_id: `gone1_${run}` }])).body.duplicates).toBe(1);
  });
});
