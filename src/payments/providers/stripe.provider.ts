import { Injectable } from '@nestjs/common';
import type Stripe from 'stripe';
import { loadStripe } from './stripe-sdk.js';
import { AppConfig } from '../../platform/config/config.js';
import {
  PaymentProvider,
  ProviderError,
  type CreatedAtProvider,
  type ProviderPayment,
  type ProviderState,
  type RefundAtProvider,
} from '../application/payment-provider.js';
import type { PaymentStatus } from '../domain/payment-state.js';

type StripeClient = InstanceType<typeof Stripe>;
type Intent = Awaited<ReturnType<StripeClient['paymentIntents']['retrieve']>>;

const STRIPE_REFUND_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'];

/** Card payments through Stripe PaymentIntents (the card data goes to Stripe, never to us). */
@Injectable()
export class StripeProvider extends PaymentProvider {
  readonly method = 'card' as const;
  private client?: StripeClient;

  constructor(private readonly config: AppConfig) {
    super();
  }

  missingSetting(): string | undefined {
    return this.config.get('STRIPE_SECRET_KEY') ? undefined : 'STRIPE_SECRET_KEY';
  }

  /** The SDK client, pointed at STRIPE_API_URL when set (host, port and protocol options). */
  async stripe(): Promise<StripeClient> {
    if (this.client) return this.client;
    const key = this.config.get('STRIPE_SECRET_KEY');
    if (!key)
      throw new ProviderError('unavailable', 'not_configured', 'STRIPE_SECRET_KEY is not set');
    const base = this.config.get('STRIPE_API_URL');
    const target = base ? new URL(base) : undefined;
    const Sdk = await loadStripe();
    this.client = new Sdk(key, {
      maxNetworkRetries: 2,
      timeout: this.config.get('PAYMENTS_PROVIDER_TIMEOUT_MS'),
      telemetry: false,
      ...(target
        ? {
            host: target.hostname,
            port: target.port || (target.protocol === 'https:' ? 443 : 80),
            protocol: target.protocol === 'https:' ? 'https' : 'http',
          }
        : {}),
    });
    return this.client;
  }

  async create(p: ProviderPayment, idempotencyKey: string): Promise<CreatedAtProvider> {
    const intent = await call(async () =>
      (await this.stripe()).paymentIntents.create(
        {
          amount: p.amount,
          currency: p.currency.toLowerCase(),
          ...(p.description ? { description: p.description } : {}),
          metadata: { payment_id: p.id, user_id: p.user_id },
          automatic_payment_methods: { enabled: true },
        },
        { idempotencyKey },
      ),
    );
    return {
      providerRef: intent.id,
      status: intentStatus(intent),
      nextAction: intent.client_secret
        ? { type: 'stripe_client_secret', client_secret: intent.client_secret }
        : null,
    };
  }

  async capture(): Promise<ProviderState> {
    throw new ProviderError(
      'conflict',
      'capture_not_applicable',
      'Card payments are captured automatically when the customer confirms them.',
    );
  }

  async cancel(p: ProviderPayment): Promise<ProviderState> {
    if (!p.provider_ref) return { status: 'canceled' };
    try {
      const intent = await call(async () =>
        (await this.stripe()).paymentIntents.cancel(
          p.provider_ref!,
          {},
          { idempotencyKey: `cancel-${p.id}` },
        ),
      );
      return stateOf(intent);
    } catch (err) {
      if (err instanceof ProviderError && err.kind !== 'unavailable') {
        // Not cancelable any more (e.g. it just succeeded): report what Stripe has.
        const state = await this.retrieve(p);
        if (state) return state;
      }
      throw err;
    }
  }

  async refund(
    p: ProviderPayment,
    amount: number,
    reason: string | undefined,
    idempotencyKey: string,
  ): Promise<RefundAtProvider> {
    const refund = await call(async () =>
      (await this.stripe()).refunds.create(
        {
          payment_intent: p.provider_ref!,
          amount,
          ...(reason && STRIPE_REFUND_REASONS.includes(reason)
            ? { reason: reason as 'duplicate' }
            : {}),
          metadata: { payment_id: p.id, ...(reason ? { reason: reason.slice(0, 500) } : {}) },
        },
        { idempotencyKey },
      ),
    );
    if (refund.status === 'failed' || refund.status === 'canceled') {
      throw new ProviderError('rejected', `refund_${refund.status}`, 'Stripe did not refund.');
    }
    return {
      providerRef: refund.id,
      status: refund.status === 'succeeded' ? 'succeeded' : 'pending',
    };
  }

  async retrieve(p: ProviderPayment): Promise<ProviderState | undefined> {
    if (!p.provider_ref) return undefined;
    return stateOf(
      await call(async () => (await this.stripe()).paymentIntents.retrieve(p.provider_ref!)),
    );
  }
}

/** PaymentIntent status to ours. */
export function intentStatus(intent: Pick<Intent, 'status' | 'last_payment_error'>): PaymentStatus {
  switch (intent.status) {
    case 'succeeded':
      return 'succeeded';
    case 'processing':
    case 'requires_capture':
      return 'processing';
    case 'canceled':
      return 'canceled';
    case 'requires_payment_method':
      return intent.last_payment_error ? 'failed' : 'requires_action';
    default:
      return 'requires_action';
  }
}

function stateOf(intent: Intent): ProviderState {
  const status = intentStatus(intent);
  const err = intent.last_payment_error;
  return {
    status,
    ...(status === 'failed' && err
      ? {
          failure: {
            code: err.decline_code ?? err.code ?? 'payment_failed',
            message: err.message ?? 'The payment failed.',
          },
        }
      : {}),
  };
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toProviderError(err);
  }
}

function toProviderError(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  const e = err as { type?: string; code?: string; statusCode?: number; message?: string };
  const code = e.code ?? e.type ?? 'stripe_error';
  const message = e.message ?? 'Stripe request failed';
  switch (e.type) {
    case 'StripeCardError':
      return new ProviderError('rejected', code, message);
    case 'StripeInvalidRequestError':
      return new ProviderError(e.statusCode === 409 ? 'conflict' : 'rejected', code, message);
    case 'StripeIdempotencyError':
      return new ProviderError('conflict', code, message);
    default:
      return new ProviderError('unavailable', code, message);
  }
}
