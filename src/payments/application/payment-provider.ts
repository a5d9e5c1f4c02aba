import type { NextActionDto } from '../../contracts/payments/payment.dto.js';
import type { PaymentMethod, PaymentStatus } from '../domain/payment-state.js';

/** What a provider needs to know about a payment. */
export interface ProviderPayment {
  id: string;
  user_id: string;
  amount: number;
  currency: string;
  method: PaymentMethod;
  description: string | null;
  provider_ref: string | null;
  capture_ref: string | null;
  wire_reference: string | null;
}

export interface CreatedAtProvider {
  providerRef: string | null;
  status: PaymentStatus;
  nextAction: NextActionDto | null;
  wireReference?: string;
}

/** The provider's view of a payment (capture, re-check). */
export interface ProviderState {
  status: PaymentStatus;
  captureRef?: string;
  failure?: { code: string; message: string };
}

export interface RefundAtProvider {
  providerRef: string | null;
  status: 'succeeded' | 'pending';
}

/**
 * Why a provider call failed: `rejected` (the provider refused the request: declined,
 * invalid), `conflict` (not possible in the current state, e.g. not approved yet) or
 * `unavailable` (network, timeout, provider 5xx: safe to retry with the same key).
 */
export class ProviderError extends Error {
  constructor(
    readonly kind: 'rejected' | 'conflict' | 'unavailable',
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * One payment method's provider (Stripe, PayPal, wire). Every creating call carries our
 * idempotency key, so a retry after a crash or timeout never charges twice.
 */
export abstract class PaymentProvider {
  abstract readonly method: PaymentMethod;
  /** The setting that is missing for this provider to work, if any. */
  abstract missingSetting(): string | undefined;
  abstract create(p: ProviderPayment, idempotencyKey: string): Promise<CreatedAtProvider>;
  abstract capture(p: ProviderPayment, idempotencyKey: string): Promise<ProviderState>;
  /** Cancels at the provider; resolves with the provider's state when it cannot. */
  abstract cancel(p: ProviderPayment): Promise<ProviderState>;
  abstract refund(
    p: ProviderPayment,
    amount: number,
    reason: string | undefined,
    idempotencyKey: string,
  ): Promise<RefundAtProvider>;
  /** The current state at the provider, for payments stuck in processing. */
  abstract retrieve(p: ProviderPayment): Promise<ProviderState | undefined>;
}
