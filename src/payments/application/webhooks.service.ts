import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { WebhookAck } from '../../contracts/payments/payment.dto.js';
import { AppConfig } from '../../platform/config/config.js';
import { ProblemException } from '../../platform/errors/index.js';
import { fromDecimal, isCurrency } from '../domain/money.js';
import type { PaymentMethod, PaymentStatus } from '../domain/payment-state.js';
import { Payments, rowsOf, type PaymentRow } from '../persistence/payment.rows.js';
import { ProviderError } from './payment-provider.js';
import { PaymentStateService } from './payment-state.service.js';
import { notConfigured, ProviderRegistry } from './providers.registry.js';
import { RefundsService } from './refunds.service.js';
import { inTx, type AfterCommit } from './tx.js';
import { loadStripe } from '../providers/stripe-sdk.js';

/** Stripe's default and recommended tolerance for the signed timestamp. */
const STRIPE_TOLERANCE_SECONDS = 300;

interface StripeEventLike {
  id: string;
  type: string;
  data: { object: Record<string, unknown> };
}

interface PaypalEventLike {
  id: string;
  event_type: string;
  resource: Record<string, unknown>;
}

const invalidSignature = (detail: string) => new ProblemException(400, 'invalid-signature', detail);

/**
 * Provider webhooks. Each event is written to the inbox with a unique (provider, event id) in
 * the same transaction as the change it causes: a duplicate delivery is a no-op, and an event
 * that arrives after a later one changes nothing (the state machine never goes back).
 */
@Injectable()
export class WebhooksService {
  private readonly logger = new Logger('Webhooks');

  constructor(
    private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly state: PaymentStateService,
    private readonly refunds: RefundsService,
    private readonly providers: ProviderRegistry,
  ) {}

  async stripe(payloadBase64: string, signature: string): Promise<WebhookAck> {
    const secret = this.config.get('STRIPE_WEBHOOK_SECRET');
    if (!secret) throw notConfigured('card', 'STRIPE_WEBHOOK_SECRET');
    const raw = Buffer.from(String(payloadBase64 ?? ''), 'base64');
    let event: StripeEventLike;
    try {
      const Stripe = await loadStripe();
      event = Stripe.webhooks.constructEvent(
        raw,
        String(signature ?? ''),
        secret,
        STRIPE_TOLERANCE_SECONDS,
      ) as unknown as StripeEventLike;
    } catch (err) {
      throw invalidSignature(
        `The Stripe-Signature does not match the body (${(err as Error).message.split('\n')[0]}).`,
      );
    }
    if (!event?.id || !event.type || !event.data?.object) {
      throw new ProblemException(400, 'invalid-event', 'Not a Stripe event.');
    }
    return this.inbox('stripe', event.id, event.type, event, (m, after) =>
      this.applyStripe(m, after, event),
    );
  }

  async paypal(payloadBase64: string, headers: Record<string, string>): Promise<WebhookAck> {
    const paypal = this.providers.paypal;
    const missing =
      paypal.missingSetting() ??
      (this.config.get('PAYPAL_WEBHOOK_ID') ? undefined : 'PAYPAL_WEBHOOK_ID');
    if (missing) throw notConfigured('paypal', missing);
    let event: PaypalEventLike;
    try {
      event = JSON.parse(Buffer.from(String(payloadBase64 ?? ''), 'base64').toString('utf8'));
    } catch {
      throw new ProblemException(400, 'invalid-event', 'The body is not JSON.');
    }
    if (!event?.id || !event.event_type || typeof event.resource !== 'object') {
      throw new ProblemException(400, 'invalid-event', 'Not a PayPal webhook event.');
    }
    let verified: boolean;
    try {
      verified = await paypal.verifyWebhook(lowerKeys(headers ?? {}), event);
    } catch (err) {
      if (err instanceof ProviderError) {
        // PayPal retries a webhook that is not acknowledged: answer 502 so it does.
        throw new ProblemException(
          502,
          'provider-unavailable',
          'PayPal could not verify the webhook now.',
        );
      }
      throw err;
    }
    if (!verified) throw invalidSignature('PayPal did not confirm the webhook signature.');
    return this.inbox('paypal', event.id, event.event_type, event, (m, after) =>
      this.applyPaypal(m, after, event),
    );
  }

  private inbox(
    provider: string,
    eventId: string,
    type: string,
    payload: unknown,
    apply: (
      m: EntityManager,
      after: AfterCommit,
    ) => Promise<{ outcome: string; paymentId?: string }>,
  ): Promise<WebhookAck> {
    return inTx(this.db, async (m, after) => {
      const inserted = rowsOf(
        await m.query(
          `INSERT INTO payments.webhook_inbox (provider, event_id, type, outcome, payload)
           VALUES ($1, $2, $3, 'received', $4) ON CONFLICT (provider, event_id) DO NOTHING
           RETURNING event_id`,
          [provider, eventId, type, JSON.stringify(payload)],
        ),
      );
      if (!inserted.length)
        return { received: true as const, duplicate: true, outcome: 'duplicate' };
      const { outcome, paymentId } = await apply(m, after);
      await m.query(
        `UPDATE payments.webhook_inbox SET outcome = $3, payment_id = $4
          WHERE provider = $1 AND event_id = $2`,
        [provider, eventId, outcome, paymentId ?? null],
      );
      this.logger.log(
        `${provider} ${type} ${eventId}: ${outcome}${paymentId ? ` (${paymentId})` : ''}`,
      );
      return { received: true as const, duplicate: false, outcome };
    });
  }

  /** Our payment for a provider object: by the id we put in its metadata, else by its ref. */
  private async find(
    m: EntityManager,
    method: PaymentMethod,
    ourId: unknown,
    providerRef: unknown,
  ): Promise<PaymentRow | undefined> {
    if (typeof ourId === 'string' && ourId) {
      const p = await Payments.get(m, ourId);
      if (
        p &&
        p.method === method &&
        (!p.provider_ref || !providerRef || p.provider_ref === providerRef)
      ) {
        return p;
      }
    }
    if (typeof providerRef === 'string' && providerRef) {
      return Payments.byProviderRef(m, method, providerRef);
    }
    return undefined;
  }

  private async moveTo(
    m: EntityManager,
    after: AfterCommit,
    p: PaymentRow | undefined,
    to: PaymentStatus,
    fields: Record<string, unknown> = {},
  ): Promise<{ outcome: string; paymentId?: string }> {
    if (!p) return { outcome: 'unmatched' };
    const r = await this.state.move(m, after, p, to, { fields });
    return { outcome: r.applied ? 'applied' : 'ignored', paymentId: p.id };
  }

  private async applyStripe(m: EntityManager, after: AfterCommit, event: StripeEventLike) {
    const o = event.data.object;
    const meta = (o.metadata ?? {}) as Record<string, string>;
    if (event.type.startsWith('payment_intent.')) {
      const p = await this.find(m, 'card', meta.payment_id, o.id);
      switch (event.type) {
        case 'payment_intent.processing':
          return this.moveTo(m, after, p, 'processing');
        case 'payment_intent.succeeded':
          return this.moveTo(m, after, p, 'succeeded');
        case 'payment_intent.canceled':
          return this.moveTo(m, after, p, 'canceled');
        case 'payment_intent.payment_failed': {
          const err = (o.last_payment_error ?? {}) as Record<string, string>;
          return this.moveTo(m, after, p, 'failed', {
            failure_code: err.decline_code ?? err.code ?? 'payment_failed',
            failure_message: String(err.message ?? 'The payment failed.').slice(0, 500),
          });
        }
        default:
          return { outcome: 'unhandled', paymentId: p?.id };
      }
    }
    if (['refund.created', 'refund.updated', 'charge.refund.updated'].includes(event.type)) {
      return this.stripeRefunds(m, after, [o]);
    }
    if (event.type === 'charge.refunded') {
      const refunds = ((o.refunds as { data?: Record<string, unknown>[] })?.data ?? []).map(
        (r) => ({
          ...r,
          payment_intent: r.payment_intent ?? o.payment_intent,
        }),
      );
      return this.stripeRefunds(m, after, refunds);
    }
    return { outcome: 'unhandled' };
  }

  private async stripeRefunds(
    m: EntityManager,
    after: AfterCommit,
    refunds: Record<string, unknown>[],
  ) {
    let outcome = 'ignored';
    let paymentId: string | undefined;
    for (const r of refunds) {
      const meta = (r.metadata ?? {}) as Record<string, string>;
      const p = await this.find(m, 'card', meta.payment_id, r.payment_intent);
      if (!p) {
        outcome = outcome === 'applied' ? outcome : 'unmatched';
        continue;
      }
      paymentId = p.id;
      const status = String(r.status);
      if (status !== 'succeeded' && status !== 'pending') continue;
      const current = (await Payments.get(m, p.id))!;
      const done = await this.refunds.recordExternal(
        m,
        after,
        current,
        String(r.id),
        Number(r.amount),
        status === 'succeeded' ? 'succeeded' : 'pending',
      );
      if (done === 'applied') outcome = 'applied';
    }
    return { outcome, paymentId };
  }

  private async applyPaypal(m: EntityManager, after: AfterCommit, event: PaypalEventLike) {
    const r = event.resource;
    const units = (r.purchase_units ?? []) as Record<string, unknown>[];
    const related = ((r.supplementary_data as Record<string, unknown>)?.related_ids ??
      {}) as Record<string, string>;
    switch (event.event_type) {
      case 'CHECKOUT.ORDER.APPROVED':
        return this.moveTo(
          m,
          after,
          await this.find(m, 'paypal', units[0]?.custom_id, r.id),
          'processing',
        );
      case 'CHECKOUT.ORDER.VOIDED':
        return this.moveTo(
          m,
          after,
          await this.find(m, 'paypal', units[0]?.custom_id, r.id),
          'canceled',
        );
      case 'CHECKOUT.ORDER.COMPLETED':
        return this.moveTo(
          m,
          after,
          await this.find(m, 'paypal', units[0]?.custom_id, r.id),
          'succeeded',
        );
      case 'PAYMENT.CAPTURE.COMPLETED':
      case 'PAYMENT.CAPTURE.PENDING':
      case 'PAYMENT.CAPTURE.DENIED':
      case 'PAYMENT.CAPTURE.DECLINED': {
        const p = await this.find(m, 'paypal', r.custom_id, related.order_id);
        const to: PaymentStatus =
          event.event_type === 'PAYMENT.CAPTURE.COMPLETED'
            ? 'succeeded'
            : event.event_type === 'PAYMENT.CAPTURE.PENDING'
              ? 'processing'
              : 'failed';
        return this.moveTo(m, after, p, to, {
          capture_ref: String(r.id),
          ...(to === 'failed'
            ? { failure_code: 'capture_denied', failure_message: 'PayPal denied the capture.' }
            : {}),
        });
      }
      case 'PAYMENT.CAPTURE.REFUNDED': {
        const up = ((r.links ?? []) as { rel?: string; href?: string }[]).find(
          (l) => l.rel === 'up',
        );
        const captureId = up?.href?.match(/captures\/([^/?#]+)/)?.[1];
        let p = typeof r.custom_id === 'string' ? await Payments.get(m, r.custom_id) : undefined;
        if ((!p || p.method !== 'paypal') && captureId)
          p = await Payments.byCaptureRef(m, captureId);
        if (!p || p.method !== 'paypal') return { outcome: 'unmatched' };
        const amount = r.amount as { value?: string; currency_code?: string } | undefined;
        if (
          !amount?.value ||
          !isCurrency(amount.currency_code) ||
          amount.currency_code !== p.currency
        ) {
          return { outcome: 'ignored', paymentId: p.id };
        }
        const status = String(r.status ?? 'COMPLETED') === 'COMPLETED' ? 'succeeded' : 'pending';
        const done = await this.refunds.recordExternal(
          m,
          after,
          p,
          String(r.id),
          fromDecimal(amount.value, p.currency),
          status,
        );
        return { outcome: done, paymentId: p.id };
      }
      default:
        return { outcome: 'unhandled' };
    }
  }
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = String(v);
  return out;
}
