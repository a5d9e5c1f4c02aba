import type { PaymentStatus } from './payment-state.js';
import { wireReceived, type JournalLine } from './ledger.js';

/** What became of one bank credit. */
export type CreditOutcome =
  | 'matched'
  | 'underpaid'
  | 'overpaid'
  | 'unknown'
  | 'currency_mismatch'
  | 'already_settled'
  | 'duplicate';

export interface OpenWirePayment {
  amount: number;
  currency: string;
  status: PaymentStatus;
  /** Received by earlier credits and held while the payment is incomplete. */
  amountReceived: number;
}

export interface CreditDecision {
  outcome: CreditOutcome;
  /** The payment's new status, when it changes. */
  newStatus?: PaymentStatus;
  /** Total received for the payment after this credit. */
  amountReceived?: number;
  /** Positive when more than due arrived (held as unapplied), negative when still due. */
  difference: number;
  journal: JournalLine[];
}

/**
 * Applies a bank credit to the wire payment it was matched to (or to none): an exact total
 * succeeds the payment, less keeps it open and holds the money, more succeeds it and holds the
 * excess. Money that matches nothing open is held as unapplied for a person to sort out.
 */
export function decideCredit(
  credit: { amount: number; currency: string },
  payment: OpenWirePayment | undefined,
): CreditDecision {
  const hold = (outcome: CreditOutcome): CreditDecision => ({
    outcome,
    difference: credit.amount,
    journal: wireReceived({
      received: credit.amount,
      currency: credit.currency,
      recognised: 0,
      releasedFromUnapplied: 0,
    }),
  });
  if (!payment) return hold('unknown');
  if (payment.currency !== credit.currency) return hold('currency_mismatch');
  if (payment.status !== 'requires_action' && payment.status !== 'processing') {
    return hold('already_settled');
  }
  const total = payment.amountReceived + credit.amount;
  if (total < payment.amount) {
    return {
      outcome: 'underpaid',
      amountReceived: total,
      difference: total - payment.amount,
      journal: wireReceived({
        received: credit.amount,
        currency: credit.currency,
        recognised: 0,
        releasedFromUnapplied: 0,
      }),
    };
  }
  return {
    outcome: total === payment.amount ? 'matched' : 'overpaid',
    newStatus: 'succeeded',
    amountReceived: total,
    difference: total - payment.amount,
    journal: wireReceived({
      received: credit.amount,
      currency: credit.currency,
      recognised: payment.amount,
      releasedFromUnapplied: payment.amountReceived,
    }),
  };
}
