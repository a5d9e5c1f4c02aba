/**
 * Payments over HTTP, in both modes: idempotency (50 parallel creates, replay, mismatch,
 * in-flight), Stripe and PayPal through their SDKs against local fakes with real webhook
 * signatures, duplicate and out-of-order webhooks, refunds to the limit and one past it,
 * camt.053 reconciliation, and the ledger balanced after every scenario.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { providerKey } from '../../src/payments/application/idempotency.service.js';
import { api, expectProblem, type ApiResponse } from '../support/api.js';
import { camt053, control, paypalWebhook, stripeEvent } from '../support/payments-fixtures.js';
import { adminToken, registerAndLogin, type SignedInUser } from '../support/session.js';

const STRIPE = () => process.env.E2E_STRIPE_URL!;
const PAYPAL = () => process.env.E2E_PAYPAL_URL!;
const WHSEC = () => process.env.E2E_STRIPE_WEBHOOK_SECRET!;

const newKey = () => randomUUID();

function createPayment(
  token: string,
  body: Record<string, unknown>,
  key: string | null = newKey(),
) {
  return api('POST', '/api/v1/payments', {
    token,
    body,
    headers: key === null ? {} : { 'idempotency-key': key },
  });
}

function refund(token: string, id: string, body: Record<string, unknown>, key = newKey()) {
  return api('POST', `/api/v1/payments/${id}/refunds`, {
    token,
    body,
    headers: { 'idempotency-key': key },
  });
}

function sendStripe(
  type: string,
  object: Record<string, unknown>,
  id?: string,
  timestamp?: number,
) {
  const e = stripeEvent(WHSEC(), type, object, id, timestamp);
  return api('POST', '/api/v1/payments/webhooks/stripe', {
    raw: e.body,
    headers: { 'content-type': 'application/json', 'stripe-signature': e.signature },
  });
}

async function sendPaypal(
  event: Record<string, unknown>,
  tamper?: (h: Record<string, string>) => void,
) {
  const signed = await paypalWebhook(PAYPAL(), event);
  tamper?.(signed.headers);
  return api('POST', '/api/v1/payments/webhooks/paypal', {
    raw: signed.body,
    headers: { 'content-type': 'application/json', ...signed.headers },
  });
}

async function intentOf(paymentId: string) {
  const { data } = await control(STRIPE(), 'payment_intents');
  return data.find(
    (i: { metadata: Record<string, string> }) => i.metadata.payment_id === paymentId,
  );
}

describe(`payments (${process.env.E2E_MODE} mode)`, () => {
  let admin: string;
  let alice: SignedInUser;
  let bob: SignedInUser;

  /** The ledger of the payment balances, and so does the whole journal. */
  async function expectLedgerBalanced(paymentId: string) {
    const ledger = await api('GET', `/api/v1/payments/${paymentId}/ledger`, { token: admin });
    expect(ledger.status).toBe(200);
    expect(ledger.body.balanced).toBe(true);
    for (const t of Object.values(ledger.body.totals) as { debit: number; credit: number }[]) {
      expect(t.debit).toBe(t.credit);
    }
    const trial = await api('GET', '/api/v1/payments/ledger/trial-balance', { token: admin });
    expect(trial.status).toBe(200);
    expect(trial.body.balanced).toBe(true);
    return ledger.body;
  }

  async function succeededCard(user: SignedInUser, amount: number, currency = 'EUR') {
    const res = await createPayment(user.token, { amount, currency, method: 'card' });
    expect(res.status).toBe(201);
    const pi = await intentOf(res.body.id);
    await control(STRIPE(), `payment_intents/${pi.id}`, { status: 'succeeded' });
    const hook = await sendStripe('payment_intent.succeeded', { ...pi, status: 'succeeded' });
    expect(hook.status).toBe(200);
    return { payment: res.body, pi };
  }

  beforeAll(async () => {
    admin = await adminToken();
    alice = await registerAndLogin({ tag: 'pay-alice' });
    bob = await registerAndLogin({ tag: 'pay-bob' });
  });

  describe('creating and idempotency', () => {
    it('creates a card payment with a Stripe client secret', async () => {
      const res = await createPayment(alice.token, {
        amount: 1050,
        currency: 'EUR',
        method: 'card',
        description: 'Order #1042',
        metadata: { order_id: '1042' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        id: expect.stringMatching(/^pay_/),
        status: 'requires_action',
        amount: 1050,
        currency: 'EUR',
        method: 'card',
        created_at: expect.any(String),
        next_action: {
          type: 'stripe_client_secret',
          client_secret: expect.stringMatching(/^pi_.+_secret_/),
        },
      });
      expect(res.headers.get('idempotent-replayed')).toBe('false');
      await expectLedgerBalanced(res.body.id);
    });

    it('requires an Idempotency-Key of at most 255 characters, and a valid body', async () => {
      expectProblem(
        await createPayment(alice.token, { amount: 100, currency: 'EUR', method: 'wire' }, null),
        400,
      );
      expectProblem(
        await createPayment(
          alice.token,
          { amount: 100, currency: 'EUR', method: 'wire' },
          'k'.repeat(256),
        ),
        400,
      );
      expectProblem(
        await createPayment(alice.token, { amount: 10.5, currency: 'EUR', method: 'wire' }),
        400,
      );
      expectProblem(
        await createPayment(alice.token, { amount: 100, currency: 'EURO', method: 'wire' }),
        400,
      );
      expectProblem(
        await createPayment(alice.token, { amount: 100, currency: 'XYZ', method: 'wire' }),
        400,
      );
      expectProblem(
        await createPayment(alice.token, { amount: 100, currency: 'EUR', method: 'cash' }),
        400,
      );
      const extra = await createPayment(alice.token, {
        amount: 100,
        currency: 'EUR',
        method: 'wire',
        status: 'succeeded',
      });
      expectProblem(extra, 400);
      expectProblem(
        await api('POST', '/api/v1/payments', {
          body: { amount: 1 },
          headers: { 'idempotency-key': newKey() },
        }),
        401,
      );
    });

    it('refuses anything shaped like a card number, without echoing it', async () => {
      for (const body of [
        { amount: 100, currency: 'EUR', method: 'card', description: 'card 4242 4242 4242 4242' },
        { amount: 100, currency: 'EUR', method: 'card', metadata: { pan: '5555-5555-5555-4444' } },
        { amount: 100, currency: 'EUR', method: 'card', card: { number: 4000056655665556 } },
      ]) {
        const res = await createPayment(alice.token, body);
        expectProblem(res, 400);
        expect(res.body.type).toMatch(/card-number-not-accepted/);
        expect(res.text).not.toMatch(/4242 4242|5555-5555|4000056655665556/);
      }
    });

    it('keeps card numbers out of the logs', async () => {
      const pan = '4111111111111111';
      const ids = [`pan-q-${randomUUID()}`, `pan-b-${randomUUID()}`];
      const query = await api('GET', `/api/v1/payments?note=${pan}`, {
        token: alice.token,
        headers: { 'x-request-id': ids[0] },
      });
      expectProblem(query, 400);
      const body = await api('POST', '/api/v1/payments', {
        token: alice.token,
        body: { amount: 100, currency: 'EUR', method: 'card', description: `pan ${pan}` },
        headers: { 'idempotency-key': newKey(), 'x-request-id': ids[1] },
      });
      expectProblem(body, 400);
      expect(query.text + body.text).not.toContain(pan);
      const dir = process.env.E2E_LOG_DIR!;
      const logs = () =>
        readdirSync(dir)
          .map((f) => readFileSync(join(dir, f), 'utf8'))
          .join('\n');
      for (let i = 0; i < 100 && !ids.every((id) => logs().includes(id)); i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      const text = logs();
      expect(ids.every((id) => text.includes(id))).toBe(true);
      expect(text).not.toContain(pan);
    });

    it('50 parallel POSTs with one key make one payment and one Stripe call', async () => {
      const user = await registerAndLogin({ tag: 'pay-race' });
      const key = newKey();
      const body = { amount: 2500, currency: 'EUR', method: 'card' };
      const results = await Promise.all(
        Array.from({ length: 50 }, () => createPayment(user.token, body, key)),
      );
      const created = results.filter((r) => r.status === 201);
      expect(created.length).toBeGreaterThanOrEqual(1);
      for (const r of results.filter((r) => r.status !== 201)) expectProblem(r, 409);
      expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
      const fresh = created.filter((r) => r.headers.get('idempotent-replayed') === 'false');
      expect(fresh).toHaveLength(1);

      const list = await api('GET', '/api/v1/payments', { token: user.token });
      expect(list.body.data.map((p: { id: string }) => p.id)).toEqual([created[0].body.id]);
      const { calls } = await control(STRIPE(), 'calls');
      const expected = providerKey(user.id, key, 'pay');
      const creates = calls.filter(
        (c: { method: string; path: string; key: string }) =>
          c.method === 'POST' && c.path === '/v1/payment_intents' && c.key === expected,
      );
      expect(creates).toHaveLength(1);
      await expectLedgerBalanced(created[0].body.id);
    });

    it('replays the first answer, refuses another body with the key (422) and a key in flight (409)', async () => {
      const key = newKey();
      const body = { amount: 700, currency: 'USD', method: 'card' };
      const first = await createPayment(alice.token, body, key);
      expect(first.status).toBe(201);
      const again = await createPayment(alice.token, body, key);
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
      const other = await createPayment(alice.token, { ...body, amount: 701 }, key);
      expectProblem(other, 422);
      expect(other.body.type).toMatch(/idempotency-key-reused/);
      // The key is per user: Bob's request with the same key is his own payment.
      const bobs = await createPayment(bob.token, body, key);
      expect(bobs.status).toBe(201);
      expect(bobs.body.id).not.toBe(first.body.id);

      // While the first request with a key waits on Stripe, a second one gets 409.
      const slowKey = newKey();
      await control(STRIPE(), 'delay', { ms: 3000 });
      try {
        const slow = createPayment(alice.token, body, slowKey);
        const expected = providerKey(alice.id, slowKey, 'pay');
        for (let i = 0; i < 200; i++) {
          const { calls } = await control(STRIPE(), 'calls');
          if (calls.some((c: { key: string }) => c.key === expected)) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        const during = await createPayment(alice.token, body, slowKey);
        expectProblem(during, 409);
        expect(during.body.type).toMatch(/idempotency-key-in-use/);
        expect((await slow).status).toBe(201);
      } finally {
        await control(STRIPE(), 'delay', { ms: 0 });
      }
    });
  });

  describe('reading', () => {
    it('shows members their own payments only (404 for others), admins all', async () => {
      const mine = await createPayment(alice.token, {
        amount: 300,
        currency: 'JPY',
        method: 'wire',
      });
      expect(mine.status).toBe(201);
      expectProblem(
        await api('GET', `/api/v1/payments/${mine.body.id}`, { token: bob.token }),
        404,
      );
      expectProblem(
        await api('GET', `/api/v1/payments/${mine.body.id}/ledger`, { token: bob.token }),
        404,
      );
      expectProblem(
        await api('POST', `/api/v1/payments/${mine.body.id}/cancel`, { token: bob.token }),
        404,
      );
      expect(
        (await api('GET', `/api/v1/payments/${mine.body.id}`, { token: alice.token })).body.id,
      ).toBe(mine.body.id);
      expect((await api('GET', `/api/v1/payments/${mine.body.id}`, { token: admin })).status).toBe(
        200,
      );
      const bobs = await api('GET', '/api/v1/payments?limit=100', { token: bob.token });
      expect(bobs.body.data.every((p: { user_id: string }) => p.user_id === bob.id)).toBe(true);
      const page1 = await api('GET', '/api/v1/payments?limit=1', { token: alice.token });
      expect(page1.body).toMatchObject({
        has_more: true,
        next_cursor: expect.stringMatching(/^pay_/),
      });
      const page2 = await api('GET', `/api/v1/payments?limit=1&cursor=${page1.body.next_cursor}`, {
        token: alice.token,
      });
      expect(page2.body.data[0].id).not.toBe(page1.body.data[0].id);
      const wires = await api('GET', '/api/v1/payments?status=requires_action&limit=100', {
        token: alice.token,
      });
      expect(wires.body.data.every((p: { status: string }) => p.status === 'requires_action')).toBe(
        true,
      );
      expectProblem(await api('GET', '/api/v1/payments?limit=1000', { token: alice.token }), 400);
      expectProblem(
        await api('GET', '/api/v1/payments/ledger/trial-balance', { token: alice.token }),
        403,
      );
    });
  });

  describe('Stripe webhooks', () => {
    it('applies an event once, ignores duplicates and never moves a payment backwards', async () => {
      const res = await createPayment(alice.token, {
        amount: 4200,
        currency: 'EUR',
        method: 'card',
      });
      const pi = await intentOf(res.body.id);
      const processing = await sendStripe('payment_intent.processing', {
        ...pi,
        status: 'processing',
      });
      expect(processing.body).toMatchObject({
        received: true,
        duplicate: false,
        outcome: 'applied',
      });
      expect(
        (await api('GET', `/api/v1/payments/${res.body.id}`, { token: alice.token })).body.status,
      ).toBe('processing');

      const id = `evt_${randomUUID().replace(/-/g, '')}`;
      const ok = await sendStripe('payment_intent.succeeded', { ...pi, status: 'succeeded' }, id);
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ duplicate: false, outcome: 'applied' });
      const dup = await sendStripe('payment_intent.succeeded', { ...pi, status: 'succeeded' }, id);
      expect(dup.status).toBe(200);
      expect(dup.body).toMatchObject({ duplicate: true });
      // Late events (processing, failed) after success change nothing.
      expect(
        (await sendStripe('payment_intent.processing', { ...pi, status: 'processing' })).body
          .outcome,
      ).toBe('ignored');
      const failed = await sendStripe('payment_intent.payment_failed', {
        ...pi,
        status: 'requires_payment_method',
        last_payment_error: { code: 'card_declined', message: 'Your card was declined.' },
      });
      expect(failed.body.outcome).toBe('ignored');
      const now = await api('GET', `/api/v1/payments/${res.body.id}`, { token: alice.token });
      expect(now.body.status).toBe('succeeded');
      expect(now.body.next_action).toBeNull();
      const ledger = await expectLedgerBalanced(res.body.id);
      expect(
        ledger.lines.filter((l: { kind: string }) => l.kind === 'payment_captured'),
      ).toHaveLength(2);
    });

    it('marks a payment failed on payment_failed', async () => {
      const res = await createPayment(alice.token, {
        amount: 990,
        currency: 'EUR',
        method: 'card',
      });
      const pi = await intentOf(res.body.id);
      const hook = await sendStripe('payment_intent.payment_failed', {
        ...pi,
        status: 'requires_payment_method',
        last_payment_error: {
          code: 'card_declined',
          decline_code: 'insufficient_funds',
          message: 'Your card has insufficient funds.',
        },
      });
      expect(hook.body.outcome).toBe('applied');
      const now = await api('GET', `/api/v1/payments/${res.body.id}`, { token: alice.token });
      expect(now.body).toMatchObject({ status: 'failed', failure: { code: 'insufficient_funds' } });
      await expectLedgerBalanced(res.body.id);
    });

    it('refuses a bad or stale signature with 400', async () => {
      const e = stripeEvent(WHSEC(), 'payment_intent.succeeded', {
        id: 'pi_x',
        object: 'payment_intent',
      });
      const tampered = await api('POST', '/api/v1/payments/webhooks/stripe', {
        raw: e.body.replace('pi_x', 'pi_y'),
        headers: { 'content-type': 'application/json', 'stripe-signature': e.signature },
      });
      expectProblem(tampered, 400);
      const wrongSecret = stripeEvent('whsec_wrong', 'payment_intent.succeeded', { id: 'pi_x' });
      expectProblem(
        await api('POST', '/api/v1/payments/webhooks/stripe', {
          raw: wrongSecret.body,
          headers: {
            'content-type': 'application/json',
            'stripe-signature': wrongSecret.signature,
          },
        }),
        400,
      );
      const stale = await sendStripe(
        'payment_intent.succeeded',
        { id: 'pi_x' },
        undefined,
        Math.floor(Date.now() / 1000) - 301,
      );
      expectProblem(stale, 400);
      expectProblem(
        await api('POST', '/api/v1/payments/webhooks/stripe', {
          raw: '{}',
          headers: { 'content-type': 'application/json' },
        }),
        400,
      );
    });
  });

  describe('refunds', () => {
    it('refunds partially up to the amount, then refuses one more', async () => {
      const { payment } = await succeededCard(alice, 1000);
      expectProblem(await refund(alice.token, payment.id, { amount: 100 }), 403);
      const key = newKey();
      const r1 = await refund(
        admin,
        payment.id,
        { amount: 300, reason: 'requested_by_customer' },
        key,
      );
      expect(r1.status).toBe(201);
      expect(r1.body).toMatchObject({
        amount: 300,
        payment_status: 'partially_refunded',
        amount_refunded: 300,
      });
      const replay = await refund(
        admin,
        payment.id,
        { amount: 300, reason: 'requested_by_customer' },
        key,
      );
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body.id).toBe(r1.body.id);
      expectProblem(await refund(admin, payment.id, { amount: 400 }, key), 422);
      await expectLedgerBalanced(payment.id);

      const over = await refund(admin, payment.id, { amount: 701 });
      expectProblem(over, 422);
      expect(over.body).toMatchObject({ refundable_amount: 700 });
      const r2 = await refund(admin, payment.id, { amount: 200 });
      expect(r2.body).toMatchObject({ payment_status: 'partially_refunded', amount_refunded: 500 });
      const r3 = await refund(admin, payment.id, {});
      expect(r3.body).toMatchObject({
        amount: 500,
        payment_status: 'refunded',
        amount_refunded: 1000,
      });
      const past = await refund(admin, payment.id, { amount: 1 });
      expectProblem(past, 409);
      const now = await api('GET', `/api/v1/payments/${payment.id}`, { token: alice.token });
      expect(now.body).toMatchObject({ status: 'refunded', amount_refunded: 1000 });
      const ledger = await expectLedgerBalanced(payment.id);
      expect(ledger.lines.filter((l: { kind: string }) => l.kind === 'refund')).toHaveLength(6);
      // A payment that was never paid has nothing to refund.
      const unpaid = await createPayment(alice.token, {
        amount: 100,
        currency: 'EUR',
        method: 'card',
      });
      expectProblem(await refund(admin, unpaid.body.id, {}), 409);
    });
  });

  describe('cancel', () => {
    it('cancels an open card payment once, and refuses to cancel a paid one', async () => {
      const res = await createPayment(alice.token, {
        amount: 120,
        currency: 'EUR',
        method: 'card',
      });
      const c1 = await api('POST', `/api/v1/payments/${res.body.id}/cancel`, {
        token: alice.token,
      });
      expect(c1.status).toBe(200);
      expect(c1.body.status).toBe('canceled');
      expect((await intentOf(res.body.id)).status).toBe('canceled');
      const c2 = await api('POST', `/api/v1/payments/${res.body.id}/cancel`, {
        token: alice.token,
      });
      expect(c2.body.status).toBe('canceled');
      const { payment } = await succeededCard(alice, 130);
      expectProblem(
        await api('POST', `/api/v1/payments/${payment.id}/cancel`, { token: alice.token }),
        409,
      );
      await expectLedgerBalanced(res.body.id);
      await expectLedgerBalanced(payment.id);
    });
  });

  describe('PayPal', () => {
    it('approval, capture, duplicate and forged webhooks, refund', async () => {
      const res = await createPayment(alice.token, {
        amount: 2599,
        currency: 'EUR',
        method: 'paypal',
      });
      expect(res.status).toBe(201);
      expect(res.body.next_action).toMatchObject({
        type: 'redirect',
        url: expect.stringContaining('paypal.com'),
      });
      const orderId = new URL(res.body.next_action.url).searchParams.get('token');
      const early = await api('POST', `/api/v1/payments/${res.body.id}/capture`, {
        token: alice.token,
      });
      expectProblem(early, 409);
      expect(early.body.type).toMatch(/payment-not-approved/);

      await control(PAYPAL(), `orders/${orderId}/approve`, {});
      const order = await control(PAYPAL(), `orders/${orderId}`);
      const event = {
        id: `WH-${randomUUID()}`,
        event_type: 'CHECKOUT.ORDER.APPROVED',
        resource: order,
      };
      const approved = await sendPaypal(event);
      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({ duplicate: false, outcome: 'applied' });
      expect((await sendPaypal(event)).body).toMatchObject({ duplicate: true });
      const forged = await sendPaypal({ ...event, id: `WH-${randomUUID()}` }, (h) => {
        h['paypal-transmission-sig'] = Buffer.from('forged').toString('base64');
      });
      expectProblem(forged, 400);
      expect(
        (await api('GET', `/api/v1/payments/${res.body.id}`, { token: alice.token })).body.status,
      ).toBe('processing');

      const captured = await api('POST', `/api/v1/payments/${res.body.id}/capture`, {
        token: alice.token,
      });
      expect(captured.status).toBe(200);
      expect(captured.body.status).toBe('succeeded');
      const again = await api('POST', `/api/v1/payments/${res.body.id}/capture`, {
        token: alice.token,
      });
      expect(again.body.status).toBe('succeeded');
      // PayPal's capture webhook after our capture books nothing twice.
      const done = await control(PAYPAL(), `orders/${orderId}`);
      const capture = done.purchase_units[0].payments.captures[0];
      const hook = await sendPaypal({
        id: `WH-${randomUUID()}`,
        event_type: 'PAYMENT.CAPTURE.COMPLETED',
        resource: capture,
      });
      expect(hook.body.outcome).toBe('ignored');
      const r = await refund(admin, res.body.id, { amount: 599 });
      expect(r.body).toMatchObject({ payment_status: 'partially_refunded', amount_refunded: 599 });
      const ledger = await expectLedgerBalanced(res.body.id);
      expect(ledger.lines.some((l: { account: string }) => l.account === 'assets:paypal')).toBe(
        true,
      );
    });

    it('a capture left pending is settled by the re-check job', async () => {
      await control(PAYPAL(), 'capture-status', { status: 'PENDING' });
      try {
        const res = await createPayment(alice.token, {
          amount: 1500,
          currency: 'USD',
          method: 'paypal',
        });
        const orderId = new URL(res.body.next_action.url).searchParams.get('token');
        await control(PAYPAL(), `orders/${orderId}/approve`, {});
        const captured = await api('POST', `/api/v1/payments/${res.body.id}/capture`, {
          token: alice.token,
        });
        expect(captured.body.status).toBe('processing');
        await control(PAYPAL(), `orders/${orderId}/complete-capture`, {});
        expectProblem(await api('POST', '/api/v1/payments/recheck', { token: alice.token }), 403);
        const checked = await api('POST', '/api/v1/payments/recheck', { token: admin });
        expect(checked.status).toBe(200);
        expect(checked.body.changed).toBeGreaterThanOrEqual(1);
        const now = await api('GET', `/api/v1/payments/${res.body.id}`, { token: alice.token });
        expect(now.body.status).toBe('succeeded');
        await expectLedgerBalanced(res.body.id);
      } finally {
        await control(PAYPAL(), 'capture-status', { status: 'COMPLETED' });
      }
    });
  });

  describe('wire transfers and camt.053', () => {
    it('reconciles exact, under, over and unknown credits and refunds a wire with a payout', async () => {
      const mk = async (amount: number) => {
        const res = await createPayment(alice.token, { amount, currency: 'EUR', method: 'wire' });
        expect(res.status).toBe(201);
        expect(res.body.next_action).toMatchObject({
          type: 'wire_instructions',
          reference: expect.stringMatching(/^RF\d{2}[0-9A-Z]+$/),
          beneficiary: expect.any(String),
          iban: expect.any(String),
          bic: expect.any(String),
          amount,
          currency: 'EUR',
        });
        return res.body;
      };
      const unknownMinor = 97_000_000 + Math.floor(Math.random() * 2_999_999);
      const unknownAmount = (unknownMinor / 100).toFixed(2);
      const exact = await mk(10050);
      const under = await mk(20000);
      const over = await mk(30000);
      const ref = (p: { next_action: { reference: string } }) => p.next_action.reference;
      const xml = camt053([
        {
          amount: '100.50',
          ref: ref(exact),
          debtor: 'Erika Mustermann',
          debtorIban: 'DE02120300000000202051',
        },
        { amount: '150.00', text: `Invoice ${ref(under).replace(/(.{4})/g, '$1 ')}` },
        { amount: '300.25', ref: ref(over) },
        // An amount no open wire payment owes (other test files leave open wire payments behind,
        // and an unreferenced credit matches the one payment owing exactly its amount).
        { amount: unknownAmount, text: 'who knows' },
        { amount: '99.00', debit: true },
      ]);
      expectProblem(
        await api('POST', '/api/v1/payments/wire/statements', {
          token: alice.token,
          raw: xml,
          headers: { 'content-type': 'application/xml' },
        }),
        403,
      );
      const res = await api('POST', '/api/v1/payments/wire/statements', {
        token: admin,
        raw: xml,
        headers: { 'content-type': 'application/xml' },
      });
      expect(res.status).toBe(200);
      expect(res.body.lines.map((l: { outcome: string }) => l.outcome)).toEqual([
        'matched',
        'underpaid',
        'overpaid',
        'unknown',
      ]);
      expect(res.body.lines[0]).toMatchObject({
        payment_id: exact.id,
        matched_by: 'reference',
        difference: 0,
        payment_status: 'succeeded',
      });
      expect(res.body.lines[1]).toMatchObject({
        payment_id: under.id,
        difference: -5000,
        payment_status: 'requires_action',
      });
      expect(res.body.lines[2]).toMatchObject({
        payment_id: over.id,
        difference: 25,
        payment_status: 'succeeded',
      });
      expect(res.body.lines[3]).toMatchObject({ payment_id: null, difference: unknownMinor });
      expect(res.body.summary).toMatchObject({
        matched: 1,
        underpaid: 1,
        overpaid: 1,
        unknown: 1,
        skipped_debits_or_pending: 1,
      });
      const u = await api('GET', `/api/v1/payments/${under.id}`, { token: alice.token });
      expect(u.body).toMatchObject({ status: 'requires_action', amount_received: 15000 });

      const again = await api('POST', '/api/v1/payments/wire/statements', {
        token: admin,
        raw: xml,
        headers: { 'content-type': 'application/xml' },
      });
      expect(again.body.lines.every((l: { outcome: string }) => l.outcome === 'duplicate')).toBe(
        true,
      );
      for (const p of [exact, under, over]) await expectLedgerBalanced(p.id);

      const refundRes = await refund(admin, exact.id, { amount: 50, reason: 'damaged' });
      expect(refundRes.status).toBe(201);
      expect(refundRes.body).toMatchObject({
        status: 'succeeded',
        payment_status: 'partially_refunded',
        payout: {
          type: 'wire_payout',
          amount: 50,
          currency: 'EUR',
          reference: expect.stringMatching(/^RF/),
          beneficiary: 'Erika Mustermann',
          iban: 'DE02120300000000202051',
        },
      });
      const rest = await refund(admin, exact.id, {});
      expect(rest.body).toMatchObject({ payment_status: 'refunded', amount: 10000 });
      await expectLedgerBalanced(exact.id);
    });

    it('refuses what is not a camt.053 statement', async () => {
      const bad = await api('POST', '/api/v1/payments/wire/statements', {
        token: admin,
        raw: '<Document><Nope/></Document>',
        headers: { 'content-type': 'application/xml' },
      });
      expectProblem(bad, 400);
      const entity = await api('POST', '/api/v1/payments/wire/statements', {
        token: admin,
        raw: '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "y">]><Document>&x;</Document>',
        headers: { 'content-type': 'application/xml' },
      });
      expectProblem(entity, 400);
    });
  });

  it('counts payments by status in /metrics of the process running payments', async () => {
    await succeededCard(alice, 333);
    const res = await fetch(`${process.env.E2E_PAYMENTS_URL}/metrics`).then(async (r) => ({
      status: r.status,
      text: await r.text(),
    }));
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/payments_by_status_total\{status="succeeded",method="card"\} [1-9]/);
    expect(res.text).toMatch(
      /payments_by_status_total\{status="requires_action",method="wire"\} [1-9]/,
    );
  });

  it('documents every payments endpoint in the OpenAPI document', async () => {
    const res = await api('GET', '/docs-json');
    expect(res.status).toBe(200);
    const paths = Object.keys(res.body.paths).filter((p) => p.startsWith('/api/v1/payments'));
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/payments',
        '/api/v1/payments/{id}',
        '/api/v1/payments/{id}/capture',
        '/api/v1/payments/{id}/cancel',
        '/api/v1/payments/{id}/refunds',
        '/api/v1/payments/{id}/ledger',
        '/api/v1/payments/webhooks/stripe',
        '/api/v1/payments/webhooks/paypal',
        '/api/v1/payments/wire/statements',
      ]),
    );
    for (const p of paths) {
      for (const op of Object.values(res.body.paths[p]) as {
        summary?: string;
        tags?: string[];
      }[]) {
        expect(op.summary).toBeTruthy();
        expect(op.tags).toContain('payments');
      }
    }
  });
});

// Keep the helper type referenced for editors.
export type { ApiResponse };
