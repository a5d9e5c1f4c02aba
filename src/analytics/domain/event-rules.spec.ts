import { describe, expect, it } from '@jest/globals';
import { checkEvent } from './event-rules.js';
import { revenueOf } from './payment-events.js';

const now = Date.parse('2026-11-25T12:00:00Z');

describe('event rules', () => {
  it('accepts a minimal event and stamps it with the receive time', () => {
    const r = checkEvent({ name: 'Signed Up' }, { now });
    expect(r).toEqual({
      ok: true,
      event: expect.objectContaining({ name: 'Signed Up', occurred_at: now, properties: {} }),
    });
  });

  it('rejects unknown fields, reserved names, bad ids and timestamps outside the window', () => {
    const errs = (raw: unknown) =>
      (checkEvent(raw, { now }) as { errors: { field: string }[] }).errors.map((e) => e.field);
    expect(errs({ name: 'x', role: 'admin' })).toEqual(['role']);
    expect(errs({ name: 'payments.payment.succeeded.v1' })).toEqual(['name']);
    expect(errs({ name: 'x', event_id: 'has space' })).toEqual(['event_id']);
    expect(errs({ name: 'x', timestamp: '2026-11-18T11:59:59Z' })).toEqual(['timestamp']);
    expect(errs({ name: 'x', timestamp: '2026-11-25T13:00:01Z' })).toEqual(['timestamp']);
    expect(errs({ name: 'x', timestamp: '2026-11-25 12:00' })).toEqual(['timestamp']);
    expect(errs({ name: 'x', properties: [1] })).toEqual(['properties']);
    expect(errs('nope')).toEqual(['']);
    const long = 'k'.repeat(5000);
    // Echoed within the documented 64 characters.
    expect(errs({ name: 'x', [long]: 1 })).toEqual([`${'k'.repeat(63)}…`]);
    expect(checkEvent({ name: 'x', timestamp: '2026-11-18T12:00:01Z' }, { now }).ok).toBe(true);
    expect(checkEvent({ name: 'x', timestamp: '2026-11-25T13:00:00Z' }, { now }).ok).toBe(true);
  });

  it('ties a signed-in caller to their own events', () => {
    const own = checkEvent({ name: 'x' }, { now, actorUserId: 'usr_1' });
    expect(own.ok && own.event.user_id).toBe('usr_1');
    expect(checkEvent({ name: 'x', user_id: 'usr_2' }, { now, actorUserId: 'usr_1' }).ok).toBe(
      false,
    );
  });

  it('reads revenue from payment events in minor units', () => {
    expect(revenueOf('payments.payment.succeeded.v1', { amount: 1299, currency: 'eur' })).toEqual({
      currency: 'EUR',
      gross: 1299,
      refunds: 0,
    });
    expect(
      revenueOf('payments.payment.refunded.v1', {
        amount: 1299,
        currency: 'EUR',
        refund: { amount: 300 },
      }),
    ).toEqual({ currency: 'EUR', gross: 0, refunds: 300 });
    expect(
      revenueOf('payments.payment.failed.v1', { amount: 1299, currency: 'EUR' }),
    ).toBeUndefined();
    expect(
      revenueOf('payments.payment.succeeded.v1', { amount: 12.5, currency: 'EUR' }),
    ).toBeUndefined();
  });
});
