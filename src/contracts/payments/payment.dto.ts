/** Shapes that cross the transport between the gateway and the payments part. */
/** Every status a payment can be in (the enum of the API's schemas and filters). */
export const PAYMENT_STATUS_VALUES = [
  'requires_action',
  'processing',
  'succeeded',
  'failed',
  'canceled',
  'partially_refunded',
  'refunded',
] as const;

export type PaymentStatusDto = (typeof PAYMENT_STATUS_VALUES)[number];

export type PaymentMethodDto = 'card' | 'paypal' | 'wire';

export type NextActionDto =
  | { type: 'stripe_client_secret'; client_secret: string }
  | { type: 'redirect'; url: string }
  | {
      type: 'wire_instructions';
      reference: string;
      beneficiary: string;
      iban: string;
      bic: string;
      amount: number;
      currency: string;
    };

export interface PaymentDto {
  id: string;
  user_id: string;
  status: PaymentStatusDto;
  amount: number;
  currency: string;
  method: PaymentMethodDto;
  description: string | null;
  metadata: Record<string, string>;
  amount_refunded: number;
  /** Wire only: received so far by bank credits. */
  amount_received: number;
  next_action: NextActionDto | null;
  failure: { code: string; message: string } | null;
  created_at: string;
  updated_at: string;
}

export interface RefundDto {
  id: string;
  payment_id: string;
  amount: number;
  currency: string;
  reason: string | null;
  status: 'succeeded' | 'pending';
  /** Wire refunds: the bank transfer to make back to the payer. */
  payout: {
    type: 'wire_payout';
    amount: number;
    currency: string;
    reference: string;
    beneficiary: string | null;
    iban: string | null;
  } | null;
  /** The payment after the refund. */
  payment_status: PaymentStatusDto;
  amount_refunded: number;
  created_at: string;
}

export interface CreatePaymentCommand {
  idempotency_key: string;
  amount: number;
  currency: string;
  method: PaymentMethodDto;
  description?: string;
  metadata?: Record<string, string>;
}

export interface CreateRefundCommand {
  payment_id: string;
  idempotency_key: string;
  amount?: number;
  reason?: string;
}

export interface ListPaymentsQuery {
  limit?: number;
  cursor?: string;
  status?: PaymentStatusDto;
}

export interface PaymentPage {
  data: PaymentDto[];
  /** Pass as `cursor` for the next page; null on the last one. */
  next_cursor: string | null;
  has_more: boolean;
}

/** What an idempotent call answered: the first answer again (`replayed`) or a new one. */
export interface IdempotentResult<T> {
  status: number;
  body: T;
  replayed: boolean;
}

export interface LedgerLineDto {
  entry_id: string;
  kind: string;
  account: string;
  debit: number;
  credit: number;
  currency: string;
  created_at: string;
}

/** `LedgerDto.lines` holds at most this many lines (a payment has a handful). */
export const MAX_LEDGER_LINES = 1000;

export interface LedgerDto {
  payment_id: string;
  /** The first MAX_LEDGER_LINES lines in booking order. */
  lines: LedgerLineDto[];
  /** Sums per currency over every line; `balanced` is true when every currency's debits equal its credits. */
  totals: Record<string, { debit: number; credit: number }>;
  balanced: boolean;
}

export interface TrialBalanceDto {
  accounts: { account: string; currency: string; debit: number; credit: number; balance: number }[];
  totals: Record<string, { debit: number; credit: number }>;
  balanced: boolean;
}

export interface WebhookAck {
  received: true;
  duplicate: boolean;
  /** applied | ignored (out of order / no change) | unmatched (no payment) | unhandled type */
  outcome: string;
}

export interface ReconciliationLineDto {
  entry_key: string;
  amount: number;
  currency: string;
  reference: string | null;
  debtor_name: string | null;
  outcome:
    | 'matched'
    | 'underpaid'
    | 'overpaid'
    | 'unknown'
    | 'currency_mismatch'
    | 'already_settled'
    | 'duplicate';
  /** How the credit was matched: by RF reference, by unique open amount, or not at all. */
  matched_by: 'reference' | 'amount' | null;
  payment_id: string | null;
  /** Total received minus the amount due (negative: still due; positive: excess held). */
  difference: number;
  payment_status: PaymentStatusDto | null;
}

export interface ReconciliationReport {
  statement_id: string;
  message_id: string | null;
  account_iban: string | null;
  lines: ReconciliationLineDto[];
  summary: Record<ReconciliationLineDto['outcome'], number> & { skipped_debits_or_pending: number };
}

/** `data` of payments.payment.succeeded.v1 / failed.v1. */
export interface PaymentEventData {
  payment_id: string;
  user_id: string;
  amount: number;
  currency: string;
  method: PaymentMethodDto;
  status: PaymentStatusDto;
  failure_code?: string;
}

/** `data` of payments.payment.refunded.v1. */
export interface PaymentRefundedEventData extends PaymentEventData {
  refund_id: string;
  refund_amount: number;
  amount_refunded: number;
}
