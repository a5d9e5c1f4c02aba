import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Rpc } from '../../src/platform/transport/decorators.js';
import type { RpcEnvelope } from '../../src/platform/transport/rpc-meta.js';
import {
  Outbox,
  OutboxModule,
  outboxMigrations,
  deliveryPattern,
  type DomainEvent,
} from '../../src/platform/outbox/index.js';
import type { PartSchema } from '../../src/platform/database/part-schema.js';
import { MetricsService } from '../../src/platform/metrics/metrics.service.js';
import { createTestApp, type TestApp } from '../support/test-module.js';

const received: DomainEvent[] = [];
let failuresLeft = 0;

@Controller()
class ConsumerController {
  @Rpc(deliveryPattern('analytics', 'payments.thing.happened.v1'))
  handle(env: RpcEnvelope<DomainEvent>) {
    if (failuresLeft > 0) {
      failuresLeft--;
      throw new Error('consumer down');
    }
    received.push(env.data);
    return { ok: true };
  }
}

const schema: PartSchema = {
  schema: 'payments',
  entities: [],
  migrations: [...outboxMigrations('payments')],
};
const consumers = { 'payments.thing.happened.v1': ['analytics'], 'payments.quiet.v1': [] };

@Module({
  imports: [OutboxModule.forPart('payments', consumers)],
  controllers: [ConsumerController],
})
class ProducerModule {}

async function until(check: () => boolean, ms = 15_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('transactional outbox', () => {
  let t: TestApp;
  let db: DataSource;
  let outbox: Outbox;

  beforeAll(async () => {
    t = await createTestApp({ schemas: [schema], imports: [ProducerModule] });
    db = t.get(DataSource);
    outbox = t.get(Outbox);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('delivers an event committed with the state change, exactly once', async () => {
    const before = received.length;
    const event = await db.transaction((m) =>
      outbox.add(m, { type: 'payments.thing.happened.v1', user_id: 'usr_1', data: { amount: 5 } }),
    );
    expect(event.id).toMatch(/^evt_/);
    await until(() => received.some((e) => e.id === event.id));
    await new Promise((r) => setTimeout(r, 600)); // a later pass must not deliver it again
    expect(received.slice(before).filter((e) => e.id === event.id)).toHaveLength(1);
    expect(received.find((e) => e.id === event.id)).toMatchObject({
      type: 'payments.thing.happened.v1',
      user_id: 'usr_1',
      data: { amount: 5 },
    });
  });

  it('never delivers an event whose transaction rolled back', async () => {
    let id = '';
    await expect(
      db.transaction(async (m) => {
        id = (await outbox.add(m, { type: 'payments.thing.happened.v1', data: {} })).id;
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    await new Promise((r) => setTimeout(r, 800));
    expect(received.some((e) => e.id === id)).toBe(false);
    const rows = await db.query('SELECT count(*)::int AS n FROM payments.outbox WHERE id = $1', [
      id,
    ]);
    expect(rows[0].n).toBe(0);
  });

  it('keeps retrying until the consumer acknowledges', async () => {
    failuresLeft = 2;
    const event = await db.transaction((m) =>
      outbox.add(m, { type: 'payments.thing.happened.v1', data: { retry: true } }),
    );
    await until(() => received.some((e) => e.id === event.id), 20_000);
    const [row] = await db.query(
      'SELECT attempts, delivered_at FROM payments.outbox WHERE id = $1',
      [event.id],
    );
    expect(row.attempts).toBeGreaterThanOrEqual(3);
    expect(row.delivered_at).not.toBeNull();
  }, 30_000);

  it('reports its backlog as outbox_pending_events until the consumer acknowledges', async () => {
    const pending = async () => {
      const text = await t.get(MetricsService).registry.metrics();
      return Number(/^outbox_pending_events\{schema="payments"\} (\d+)$/m.exec(text)?.[1]);
    };
    await until(() => received.length > 0);
    failuresLeft = 1;
    const event = await db.transaction((m) =>
      outbox.add(m, { type: 'payments.thing.happened.v1', data: { backlog: true } }),
    );
    // The first delivery fails: the row waits for its retry (backoff of 2 s).
    await until(() => failuresLeft === 0);
    expect(await pending()).toBeGreaterThanOrEqual(1);
    await until(() => received.some((e) => e.id === event.id), 20_000);
    // Marked delivered right after the acknowledgement.
    let left = await pending();
    for (let i = 0; i < 50 && left !== 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      left = await pending();
    }
    expect(left).toBe(0);
  }, 30_000);

  it('refuses an event type nobody declared', async () => {
    await expect(
      db.transaction((m) => outbox.add(m, { type: 'payments.unknown.v1', data: {} })),
    ).rejects.toThrow(/EVENT_CONSUMERS/);
  });
});
