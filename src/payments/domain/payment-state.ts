/**
 * The payment state machine:
 *
 *   requires_action → processing → succeeded | failed | canceled
 *   succeeded → partially_refunded → refunded
 *
 * A provider may report a later state before an earlier one (events arrive out of order, or a
 * step has no event of its own), so a state may skip ahead (requires_action → succeeded) but
 * never moves back. Every change is a compare-and-set on the stored status, so a client call
 * and a webhook can never both apply the same change.
 */
export const PAYMENT_STATUSES = [
  'requires_action',
  'processing',
  'succeeded',
  'failed',
  'canceled',
  'partially_refunded',
  'refunded',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const PAYMENT_METHODS = ['card', 'paypal', 'wire'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

const NEXT: Record<PaymentStatus, readonly PaymentStatus[]> = {
  requires_action: ['processing', 'succeeded', 'failed', 'canceled'],
  processing: ['succeeded', 'failed', 'canceled'],
  succeeded: ['partially_refunded', 'refunded'],
  partially_refunded: ['partially_refunded', 'refunded'],
  failed: [],
  canceled: [],
  refunded: [],
};

export function canTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  return NEXT[from].includes(to);
}

export function isTerminal(status: PaymentStatus): boolean {
  return NEXT[status].length === 0;
}

/** Money has been received for it (it can be refunded). */
export function isSettled(status: PaymentStatus): boolean {
  return status === 'succeeded' || status === 'partially_refunded';
}

/** Status after refunding: partial until the whole amount is refunded. */
export function refundedStatus(amount: number, amountRefunded: number): PaymentStatus {
  return amountRefunded >= amount ? 'refunded' : 'partially_refunded';
}

export function isPaymentStatus(v: unknown): v is PaymentStatus {
  return typeof v === 'string' && (PAYMENT_STATUSES as readonly string[]).includes(v);
}
