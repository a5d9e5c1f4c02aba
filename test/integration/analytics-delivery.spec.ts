/**
 * Platform events reaching analytics through the real transport (in-process, and NATS when
 * NATS_URL is set), as the outbox relay delivers them: a redelivery counts once, every routed
 * type has a handler, and the users part's export and erase calls work.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AnalyticsModule } from '../../src/analytics/analytics.module.js';
import { QueryService } from '../../src/analytics/application/query.service.js';
import { analyticsSchema } from '../../src/analytics/persistence/analytics.schema.js';
import { DELIVERED_TYPES } from '../../src/analytics/rpc/delivery.controller.js';
import { AnalyticsClient } from '../../src/contracts/analytics/analytics.client.js';
import type { DomainEvent } from '../../src/contracts/common/event-envelope.js';
import { newId } from '../../src/contracts/common/ids.js';
import { deliveryPattern, EVENT_CONSUMERS } from '../../src/contracts/events.js';
import { RpcClient } from '../../src/platform/transport/rpc-client.js';
import { createTestApp, type TestApp } from '../support/test-module.js';

const transports: ('in-process' | 'nats')[] =
  process.env.NATS_URL && process.env.REDIS_URL ? ['in-process', 'nats'] : ['in-process'];

describe.each(transports)('analytics deliveries over %s', (transport) => {
  let t: TestApp;
  let rpc: RpcClient;
  let client: AnalyticsClient;
  let queries: QueryService;

  beforeAll(async () => {
    t = await createTestApp({
      schemas: [analyticsSchema],
      imports: [AnalyticsModule],
      providers: [AnalyticsClient],
      transport,
    });
    rpc = t.get(RpcClient);
    client = t.get(AnalyticsClient);
    queries = t.get(QueryService);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  const today = () => {
    const now = Date.now();
    return {
      from: new Date(now - 3600_000).toISOString(),
      to: new Date(now + 3600_000).toISOString(),
      interval: 'month' as const,
    };
  };

  it('has a handler for every event type routed to analytics', () => {
    const routed = Object.entries(EVENT_CONSUMERS)
      .filter(([, c]) => c.includes('analytics'))
      .map(([type]) => type);
    expect(DELIVERED_TYPES.sort()).toEqual(routed.sort());
    expect(routed).toEqual(
      expect.arrayContaining([
        'auth.user.registered.v1',
        'auth.login.succeeded.v1',
        'auth.login.failed.v1',
        'users.user.created.v1',
        'users.user.deleted.v1',
        'payments.payment.succeeded.v1',
        'payments.payment.failed.v1',
        'payments.payment.refunded.v1',
      ]),
    );
  });

  it('counts a delivered event once however often it is redelivered', async () => {
    const user = newId('usr');
    const event: DomainEvent = {
      id: newId('evt'),
      type: 'auth.login.succeeded.v1',
      occurred_at: new Date().toISOString(),
      user_id: user,
      data: { email: 'someone@example.com', method: 'password' },
    };
    const pattern = deliveryPattern('analytics', event.type);
    const before = (await queries.eventMetrics({ name: event.type, ...today() })).total;
    const replies = await Promise.all([
      rpc.send(pattern, event),
      rpc.send(pattern, event),
      rpc.send(pattern, event),
    ]);
    expect(replies.filter((r) => (r as { stored: boolean }).stored)).toHaveLength(1);
    await rpc.send(pattern, event);
    expect((await queries.eventMetrics({ name: event.type, ...today() })).total).toBe(before + 1);
    const exported = await client.exportUser(user);
    expect(exported.events).toHaveLength(1);
    expect(exported.events[0]).toMatchObject({
      event_id: event.id,
      name: event.type,
      source: 'platform',
    });
    // Personal data in the event is not kept.
    expect(exported.events[0].properties).toEqual({ method: 'password' });
  });

  it('acknowledges a malformed delivery without storing it (a retry could not fix it)', async () => {
    const reply = await rpc.send(deliveryPattern('analytics', 'auth.login.failed.v1'), {
      id: 'not an id',
      type: 'auth.login.failed.v1',
    });
    expect(reply).toEqual({ stored: false });
  });

  it('erases for the users part: the events stay counted, unlinked from the person', async () => {
    const user = newId('usr');
    const name = 'users.user.created.v1';
    await rpc.send(deliveryPattern('analytics', name), {
      id: newId('evt'),
      type: name,
      occurred_at: new Date().toISOString(),
      user_id: user,
      data: {},
    });
    const before = (await queries.eventMetrics({ name, ...today() })).total;
    expect((await client.exportUser(user)).events).toHaveLength(1);
    expect(await client.eraseUser(user)).toEqual({ pseudonymised: 1 });
    expect((await client.exportUser(user)).events).toEqual([]);
    expect((await queries.eventMetrics({ name, ...today() })).total).toBe(before);
  });

  it('refuses queries without an admin caller', async () => {
    await expect(
      client.eventMetrics({ from: '2026-01-01', to: '2026-01-02' }),
    ).rejects.toMatchObject({
      problem: expect.objectContaining({ status: 401 }),
    });
    await expect(
      client.eventMetrics(
        { from: '2026-01-01', to: '2026-01-02' },
        { actor: { id: 'usr_x', role: 'member' } },
      ),
    ).rejects.toMatchObject({ problem: expect.objectContaining({ status: 403 }) });
    const ok = await client.eventMetrics(
      { from: '2026-01-01', to: '2026-01-02' },
      { actor: { id: 'usr_a', role: 'admin' } },
    );
    expect(ok.series).toEqual([{ bucket_start: '2026-01-01T00:00:00Z', count: 0 }]);
  });
});
