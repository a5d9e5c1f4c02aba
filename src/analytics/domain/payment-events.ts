/**
 * Revenue from payment events. Amounts are integer minor units of an ISO 4217 currency.
 * `payments.payment.succeeded.v1` adds its amount to gross; `payments.payment.refunded.v1`
 * adds the amount of that refund to refunds; net = gross - refunds.
 */

export const PAYMENT_SUCCEEDED = 'payments.payment.succeeded.v1';
export const PAYMENT_REFUNDED = 'payments.payment.refunded.v1';

export interface RevenueDelta {
  currency: string;
  gross: number;
  refunds: number;
}

function minorUnits(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && /^\d{1,15}$/.test(v)) return Number(v);
  return undefined;
}

function currencyOf(v: unknown): string | undefined {
  return typeof v === 'string' && /^[A-Za-z]{3}$/.test(v) ? v.toUpperCase() : undefined;
}

/**
 * What one payment event adds to revenue, or undefined when it adds nothing. The refunded
 * event's amount is the refund's own amount: `refund.amount`, else `refund_amount`, else
 * `amount` (never the payment's cumulative refunded total).
 */
export function revenueOf(type: string, data: Record<string, unknown>): RevenueDelta | undefined {
  const refund = (data.refund ?? {}) as Record<string, unknown>;
  if (type === PAYMENT_SUCCEEDED) {
    const amount = minorUnits(data.amount);
    const currency = currencyOf(data.currency);
    return amount !== undefined && currency ? { currency, gross: amount, refunds: 0 } : undefined;
  }
  if (type === PAYMENT_REFUNDED) {
    const amount = minorUnits(refund.amount ?? data.refund_amount ?? data.amount);
    const currency = currencyOf(refund.currency ?? data.currency);
    return amount !== undefined && currency ? { currency, gross: 0, refunds: amount } : undefined;
  }
  return undefined;
}
