/**
 * The payments part against a real database (PGlite, or PostgreSQL when DATABASE_URL is set)
 * through the transport, with Stripe and PayPal as local fake servers driven by their SDKs.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { PaymentsClient } from '../../src/contracts/payments/payments.client.js';
import type { RpcMeta } from '../../src/platform/transport/rpc-meta.js';
import { ProblemException } from '../../src/platform/errors/problem.js';
import { providerKey } from '../../src/payments/application/idempotency.service.js';
import { PaymentsModule } from '../../src/payments/payments.module.js';
import { paymentsSchema } from '../../src/payments/persistence/payments.schema.js';
import { startFakePaypal, type FakePaypal } from '../support/fake-paypal.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe.js';
import { camt053, control, paypalWebhook, stripeEvent } from '../support/payments-fixtures.js';
import { createTestApp, type TestApp } from '../support/test-module.js';

const member = (id: string): RpcMeta => ({ actor: { id, role: 'member' } });
const admin: RpcMeta = { actor: { id: 'usr_admin0000000000', role: 'admin' } };
const uid = () => `usr_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
const key = () => `key-${Math.random().toString(36).slice(2)}-${Date.now()}`;

async function problemOf(p: Promise<unknown>): Promise<ProblemException> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ProblemException) return err;
    throw err;
  }
  throw new Error('expected a problem');
}

describe('payments (integration)', () => {
  let t: TestApp;
  let client: PaymentsClient;
  let stripe: FakeStripe;
  let paypal: FakePaypal;
  let db: DataSource;

  beforeAll(async () => {
    stripe = await startFakeStripe();
    paypal = await startFakePaypal();
    t = await createTestApp({
      schemas: [paymentsSchema],
      imports: [PaymentsModule],
      providers: [PaymentsClient],
      env: {
        STRIPE_SECRET_KEY: stripe.secretKey,
        STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
        STRIPE_API_URL: stripe.url,
        PAYPAL_CLIENT_ID: paypal.clientId,
        PAYPAL_CLIENT_SECRET: paypal.clientSecret,
        PAYPAL_WEBHOOK_ID: paypal.webhookId,
        PAYPAL_API_URL: paypal.url,
        RPC_TIMEOUT_MS: '30000',
        PAYMENTS_RECHECK_INTERVAL_MS: '0',
      },
    });
    client = t.get(PaymentsClient);
    db = t.get(DataSource);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await stripe?.close();
    await paypal?.close();
  });

  async function expectBalanced(paymentId?: string) {
    if (paymentId) {
      const ledger = await client.ledger(paymentId, admin);
      expect(ledger.balanced).toBe(true);
      for (const t of Object.values(ledger.totals)) expect(t.debit).toBe(t.credit);
    }
    const trial = await client.trialBalance(admin);
    expect(trial.balanced).toBe(true);
  }

  async function stripeHook(type: string, object: Record<string, unknown>, id?: string) {
    const e = stripeEvent(stripe.webhookSecret, type, object, id);
    return client.stripeWebhook(Buffer.from(e.body).toString('base64'), e.signature, {});
  }

  it('creates a wire payment with an RF reference, and matches exact, under, over and unknown credits', async () => {
    const user = uid();
    const mk = async (amount: number) =>
      (
        await client.create(
          { idempotency_key: key(), amount, currency: 'EUR', method: 'wire' },
          member(user),
        )
      ).body;
    const exact = await mk(10_050);
    const under = await mk(20_000);
    const over = await mk(30_000);
    expect(exact.status).toBe('requires_action');
    expect(exact.next_action).toMatchObject({
      type: 'wire_instructions',
      iban: 'DE89370400440532013000',
      amount: 10_050,
      currency: 'EUR',
    });
    const ref = (p: typeof exact) => (p.next_action as { reference: string }).reference;
    expect(ref(exact)).toMatch(/^RF\d{2}[0-9A-Z]{1,21}$/);

    const xml = camt053([
      { amount: '100.50', ref: ref(exact) },
      { amount: '150.00', text: `Invoice ${ref(under).replace(/(.{4})/g, '$1 ')} thanks` },
      { amount: '300.01', ref: ref(over) },
      { amount: '42.00', text: 'no idea' },
      { amount: '99.00', debit: true },
    ]);
    const report = await client.importStatement(xml, admin);
    expect(report.lines.map((l) => l.outcome)).toEqual([
      'matched',
      'underpaid',
      'overpaid',
      'unknown',
    ]);
    expect(report.summary.skipped_debits_or_pending).toBe(1);
    expect(report.lines[1]).toMatchObject({
      payment_id: under.id,
      difference: -5_000,
      matched_by: 'reference',
    });
    expect(report.lines[2]).toMatchObject({
      payment_id: over.id,
      difference: 1,
      payment_status: 'succeeded',
    });
    expect((await client.get(exact.id, member(user))).status).toBe('succeeded');
    expect((await client.get(under.id, member(user))).amount_received).toBe(15_000);
    expect((await client.get(under.id, member(user))).status).toBe('requires_action');

    // The same statement again books nothing twice; the rest of the under-payment completes it.
    const again = await client.importStatement(xml, admin);
    expect(again.lines.every((l) => l.outcome === 'duplicate')).toBe(true);
    const rest = await client.importStatement(
      camt053([{ amount: '50.00', ref: ref(under) }]),
      admin,
    );
    expect(rest.lines[0]).toMatchObject({ outcome: 'matched', payment_status: 'succeeded' });
    for (const p of [exact, under, over]) await expectBalanced(p.id);

    // A wire refund is recorded at once with the payout instruction.
    const refund = await client.refund(
      { payment_id: exact.id, idempotency_key: key(), amount: 50 },
      admin,
    );
    expect(refund.body).toMatchObject({
      status: 'succeeded',
      payment_status: 'partially_refunded',
      payout: {
        type: 'wire_payout',
        amount: 50,
        iban: 'DE02120300000000202051',
        beneficiary: 'Erika Mustermann',
      },
    });
    await expectBalanced(exact.id);
  });

  it('matches a credit without reference by amount when exactly one open wire payment owes it', async () => {
    const user = uid();
    const amount = 70_000 + Math.floor(Math.random() * 9_999);
    const p = (
      await client.create(
        { idempotency_key: key(), amount, currency: 'EUR', method: 'wire' },
        member(user),
      )
    ).body;
    const report = await client.importStatement(
      camt053([{ amount: (amount / 100).toFixed(2), text: 'payment' }]),
      admin,
    );
    expect(report.lines[0]).toMatchObject({
      outcome: 'matched',
      matched_by: 'amount',
      payment_id: p.id,
    });
  });

  it('50 parallel creates with one key make one payment and one Stripe call; replay and mismatch', async () => {
    const user = uid();
    const k = key();
    const body = {
      idempotency_key: k,
      amount: 2_000,
      currency: 'EUR',
      method: 'card' as const,
      description: 'x',
    };
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => client.create(body, member(user))),
    );
    const ok = results
      .filter((r) => r.status === 'fulfilled')
      .map((r) => (r as PromiseFulfilledResult<any>).value);
    const failed = results
      .filter((r) => r.status === 'rejected')
      .map((r) => (r as PromiseRejectedResult).reason);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(new Set(ok.map((r) => r.body.id)).size).toBe(1);
    for (const f of failed) expect((f as ProblemException).getStatus()).toBe(409);
    const { calls } = await control(stripe.url, 'calls');
    const expectedKey = providerKey(user, k, 'pay');
    const creates = calls.filter(
      (c: any) => c.path === '/v1/payment_intents' && c.method === 'POST' && c.key === expectedKey,
    );
    expect(creates).toHaveLength(1);
    const mine = ok[0].body;
    const rows = await db.query(
      `SELECT count(*)::int AS n FROM payments.payments WHERE user_id = $1`,
      [user],
    );
    expect(rows[0].n).toBe(1);
    const intents = (await control(stripe.url, 'payment_intents')).data.filter(
      (i: any) => i.metadata.payment_id === mine.id,
    );
    expect(intents).toHaveLength(1);

    const replay = await client.create(body, member(user));
    expect(replay).toMatchObject({ status: 201, replayed: true, body: { id: mine.id } });
    expect(replay.body.next_action).toEqual(mine.next_action);
    const mismatch = await problemOf(client.create({ ...body, amount: 2_001 }, member(user)));
    expect(mismatch.getStatus()).toBe(422);
    // Another user's identical key is a different request.
    const other = await client.create(body, member(uid()));
    expect(other.body.id).not.toBe(mine.id);
  });

  it('after a Stripe outage (502) a retry with the same key resumes the same payment', async () => {
    const user = uid();
    const k = key();
    const body = { idempotency_key: k, amount: 1_500, currency: 'EUR', method: 'card' as const };
    await control(stripe.url, 'fail-next', { count: 3 }); // the SDK retries twice itself
    const down = await problemOf(client.create(body, member(user)));
    expect(down.getStatus()).toBe(502);
    const retry = await client.create(body, member(user));
    expect(retry).toMatchObject({ status: 201, replayed: false });
    const rows = await db.query(`SELECT id FROM payments.payments WHERE user_id = $1`, [user]);
    expect(rows.map((r: { id: string }) => r.id)).toEqual([retry.body.id]);
    const intents = (await control(stripe.url, 'payment_intents')).data.filter(
      (i: any) => i.metadata.payment_id === retry.body.id,
    );
    expect(intents).toHaveLength(1);
  });

  it('forgets a key after its time to live', async () => {
    const user = uid();
    const k = key();
    const first = await client.create(
      { idempotency_key: k, amount: 100, currency: 'EUR', method: 'wire' },
      member(user),
    );
    await db.query(
      `UPDATE payments.idempotency_keys SET expires_at = now() - interval '1 second' WHERE user_id = $1`,
      [user],
    );
    const second = await client.create(
      { idempotency_key: k, amount: 200, currency: 'EUR', method: 'wire' },
      member(user),
    );
    expect(second).toMatchObject({ status: 201, replayed: false });
    expect(second.body.id).not.toBe(first.body.id);
  });

  it('re-checks a card payment stuck in processing with Stripe', async () => {
    const user = uid();
    const p = (
      await client.create(
        { idempotency_key: key(), amount: 800, currency: 'GBP', method: 'card' },
        member(user),
      )
    ).body;
    const pi = (await control(stripe.url, 'payment_intents')).data.find(
      (i: any) => i.metadata.payment_id === p.id,
    );
    await stripeHook('payment_intent.processing', { ...pi, status: 'processing' });
    expect((await client.get(p.id, member(user))).status).toBe('processing');
    await control(stripe.url, `payment_intents/${pi.id}`, { status: 'succeeded' });
    const res = await client.recheck(admin);
    expect(res.changed).toBeGreaterThanOrEqual(1);
    expect((await client.get(p.id, member(user))).status).toBe('succeeded');
    await expectBalanced(p.id);
  });

  it('applies Stripe webhooks once, ignores duplicates and never moves backwards; refunds to the limit', async () => {
    const user = uid();
    const p = (
      await client.create(
        { idempotency_key: key(), amount: 1_000, currency: 'USD', method: 'card' },
        member(user),
      )
    ).body;
    expect(p.next_action).toMatchObject({ type: 'stripe_client_secret' });
    const intents = (await control(stripe.url, 'payment_intents')).data;
    const pi = intents.find((i: any) => i.metadata.payment_id === p.id);
    await control(stripe.url, `payment_intents/${pi.id}`, { status: 'succeeded' });
    const succeeded = { ...pi, status: 'succeeded' };
    const first = await stripeHook('payment_intent.succeeded', succeeded, `evt_succ_${p.id}`);
    expect(first).toMatchObject({ duplicate: false, outcome: 'applied' });
    const dup = await stripeHook('payment_intent.succeeded', succeeded, `evt_succ_${p.id}`);
    expect(dup).toMatchObject({ duplicate: true });
    const late = await stripeHook('payment_intent.processing', { ...pi, status: 'processing' });
    expect(late.outcome).toBe('ignored');
    const lateFail = await stripeHook('payment_intent.payment_failed', {
      ...pi,
      status: 'requires_payment_method',
    });
    expect(lateFail.outcome).toBe('ignored');
    const now = await client.get(p.id, member(user));
    expect(now.status).toBe('succeeded');
    const ledger = await client.ledger(p.id, member(user));
    expect(ledger.lines.filter((l) => l.kind === 'payment_captured')).toHaveLength(2);

    const bad = await problemOf(
      client.stripeWebhook(Buffer.from('{"id":"evt_x"}').toString('base64'), 't=1,v1=00', {}),
    );
    expect(bad.getStatus()).toBe(400);

    const r1 = await client.refund(
      { payment_id: p.id, idempotency_key: key(), amount: 400 },
      admin,
    );
    expect(r1.body).toMatchObject({ payment_status: 'partially_refunded', amount_refunded: 400 });
    const k2 = key();
    const r2 = await client.refund({ payment_id: p.id, idempotency_key: k2, amount: 600 }, admin);
    expect(r2.body).toMatchObject({ payment_status: 'refunded', amount_refunded: 1_000 });
    const r2again = await client.refund(
      { payment_id: p.id, idempotency_key: k2, amount: 600 },
      admin,
    );
    expect(r2again).toMatchObject({ replayed: true, body: { id: r2.body.id } });
    const past = await problemOf(
      client.refund({ payment_id: p.id, idempotency_key: key(), amount: 1 }, admin),
    );
    expect(past.getStatus()).toBe(409);
    // The refund webhooks for refunds we made change nothing.
    const hook = await stripeHook('refund.created', {
      id: 'unknown',
      object: 'refund',
      amount: 1,
      status: 'succeeded',
      payment_intent: pi.id,
    });
    expect(hook.outcome).toBe('ignored');
    await expectBalanced(p.id);
  });

  it('refuses a refund above what is left (422) and by a member (403)', async () => {
    const user = uid();
    const p = (
      await client.create(
        { idempotency_key: key(), amount: 500, currency: 'JPY', method: 'card' },
        member(user),
      )
    ).body;
    const pi = (await control(stripe.url, 'payment_intents')).data.find(
      (i: any) => i.metadata.payment_id === p.id,
    );
    await control(stripe.url, `payment_intents/${pi.id}`, { status: 'succeeded' });
    await stripeHook('payment_intent.succeeded', { ...pi, status: 'succeeded' });
    expect(
      (
        await problemOf(
          client.refund({ payment_id: p.id, idempotency_key: key(), amount: 501 }, admin),
        )
      ).getStatus(),
    ).toBe(422);
    expect(
      (
        await problemOf(client.refund({ payment_id: p.id, idempotency_key: key() }, member(user)))
      ).getStatus(),
    ).toBe(403);
    const all = await client.refund({ payment_id: p.id, idempotency_key: key() }, admin);
    expect(all.body).toMatchObject({ amount: 500, payment_status: 'refunded' });
    await expectBalanced(p.id);
  });

  it('runs a PayPal order: approval, capture, webhooks, re-check of a pending capture', async () => {
    const user = uid();
    const p = (
      await client.create(
        { idempotency_key: key(), amount: 1_234, currency: 'EUR', method: 'paypal' },
        member(user),
      )
    ).body;
    expect(p.next_action).toMatchObject({ type: 'redirect' });
    const orderId = new URL((p.next_action as { url: string }).url).searchParams.get('token')!;
    expect((await problemOf(client.capture(p.id, member(user)))).getStatus()).toBe(409);
    await control(paypal.url, `orders/${orderId}/approve`, {});
    const order = await control(paypal.url, `orders/${orderId}`);
    const approved = await paypalWebhook(paypal.url, {
      id: `WH-A-${p.id}`,
      event_type: 'CHECKOUT.ORDER.APPROVED',
      resource: order,
    });
    const ack = await client.paypalWebhook(
      Buffer.from(approved.body).toString('base64'),
      approved.headers,
      {},
    );
    expect(ack.outcome).toBe('applied');
    expect((await client.get(p.id, member(user))).status).toBe('processing');
    const captured = await client.capture(p.id, member(user));
    expect(captured.status).toBe('succeeded');
    // The capture webhook arrives after the client's capture: no second booking.
    const done = await control(paypal.url, `orders/${orderId}`);
    const cap = done.purchase_units[0].payments.captures[0];
    const hook = await paypalWebhook(paypal.url, {
      id: `WH-C-${p.id}`,
      event_type: 'PAYMENT.CAPTURE.COMPLETED',
      resource: cap,
    });
    const ack2 = await client.paypalWebhook(
      Buffer.from(hook.body).toString('base64'),
      hook.headers,
      {},
    );
    expect(ack2.outcome).toBe('ignored');
    const ack3 = await client.paypalWebhook(
      Buffer.from(hook.body).toString('base64'),
      hook.headers,
      {},
    );
    expect(ack3.duplicate).toBe(true);
    const forged = { ...hook.headers, 'paypal-transmission-id': 'forged' };
    expect(
      (
        await problemOf(client.paypalWebhook(Buffer.from(hook.body).toString('base64'), forged, {}))
      ).getStatus(),
    ).toBe(400);
    const refund = await client.refund(
      { payment_id: p.id, idempotency_key: key(), amount: 234 },
      admin,
    );
    expect(refund.body.payment_status).toBe('partially_refunded');
    await expectBalanced(p.id);

    // A capture left PENDING is settled by the re-check job.
    await control(paypal.url, 'capture-status', { status: 'PENDING' });
    const q = (
      await client.create(
        { idempotency_key: key(), amount: 999, currency: 'EUR', method: 'paypal' },
        member(user),
      )
    ).body;
    const qOrder = new URL((q.next_action as { url: string }).url).searchParams.get('token')!;
    await control(paypal.url, `orders/${qOrder}/approve`, {});
    expect((await client.capture(q.id, member(user))).status).toBe('processing');
    await control(paypal.url, 'capture-status', { status: 'COMPLETED' });
    await control(paypal.url, `orders/${qOrder}/complete-capture`, {});
    const checked = await client.recheck(admin);
    expect(checked.changed).toBeGreaterThanOrEqual(1);
    expect((await client.get(q.id, member(user))).status).toBe('succeeded');
    await expectBalanced(q.id);
  });

  it('hides other members’ payments, lists own ones, exports them, and sends events through the outbox', async () => {
    const a = uid();
    const b = uid();
    const p = (
      await client.create(
        {
          idempotency_key: key(),
          amount: 100,
          currency: 'KWD',
          method: 'wire',
          description: 'secret',
        },
        member(a),
      )
    ).body;
    expect((await problemOf(client.get(p.id, member(b)))).getStatus()).toBe(404);
    expect((await client.list({}, member(b))).data).toHaveLength(0);
    expect((await client.list({}, member(a))).data.map((x) => x.id)).toEqual([p.id]);
    const exported = await client.exportUser(a);
    expect(exported.payments.map((x) => x.id)).toEqual([p.id]);
    await client.eraseUser(a);
    expect((await client.get(p.id, member(a))).description).toBeNull();
    const events = await db.query(`SELECT type FROM payments.outbox`);
    expect(events.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['payments.payment.succeeded.v1', 'payments.payment.refunded.v1']),
    );
  });

  it('rejects card numbers anywhere in the body and validates currency', async () => {
    const e = await problemOf(
      client.create(
        {
          idempotency_key: key(),
          amount: 100,
          currency: 'EUR',
          method: 'wire',
          metadata: { note: '4242 4242 4242 4242' },
        },
        member(uid()),
      ),
    );
    expect(e.getStatus()).toBe(400);
    expect(JSON.stringify(e.problem)).not.toContain('4242');
    const c = await problemOf(
      client.create(
        { idempotency_key: key(), amount: 100, currency: 'XYZ', method: 'wire' },
        member(uid()),
      ),
    );
    expect(c.getStatus()).toBe(400);
  });
});

describe('payments without provider keys', () => {
  let t: TestApp;
  let client: PaymentsClient;
  beforeAll(async () => {
    t = await createTestApp({
      schemas: [paymentsSchema],
      imports: [PaymentsModule],
      providers: [PaymentsClient],
      env: { STRIPE_SECRET_KEY: '', PAYPAL_CLIENT_ID: '', PAYMENTS_RECHECK_INTERVAL_MS: '0' },
    });
    client = t.get(PaymentsClient);
  }, 60_000);
  afterAll(async () => t?.close());

  it('refuses card and PayPal with 422 naming the missing setting; wire works', async () => {
    const card = await problemOf(
      client.create(
        { idempotency_key: key(), amount: 100, currency: 'EUR', method: 'card' },
        member(uid()),
      ),
    );
    expect(card.getStatus()).toBe(422);
    expect(card.problem).toMatchObject({ missing_setting: 'STRIPE_SECRET_KEY' });
    const pp = await problemOf(
      client.create(
        { idempotency_key: key(), amount: 100, currency: 'EUR', method: 'paypal' },
        member(uid()),
      ),
    );
    expect(pp.problem).toMatchObject({ missing_setting: 'PAYPAL_CLIENT_ID' });
    const wire = await client.create(
      { idempotency_key: key(), amount: 100, currency: 'EUR', method: 'wire' },
      member(uid()),
    );
    expect(wire.status).toBe(201);
  });
});
