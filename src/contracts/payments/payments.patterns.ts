/** Message patterns of the payments part (`payments.<noun>.<verb>`) and events it publishes. */
export const PaymentsPatterns = {
  /** `CreatePaymentCommand` -> `IdempotentResult<PaymentDto>` (201, or the replayed first answer). */
  create: 'payments.payment.create',
  /** `{ id }` -> `PaymentDto`; 404 for another member's payment. */
  get: 'payments.payment.get',
  /** `ListPaymentsQuery` -> `PaymentPage` (own payments; admins see all). */
  list: 'payments.payment.list',
  /** `{ id }` -> `PaymentDto`: capture an approved PayPal order. */
  capture: 'payments.payment.capture',
  /** `{ id }` -> `PaymentDto`. */
  cancel: 'payments.payment.cancel',
  /** `CreateRefundCommand` -> `IdempotentResult<RefundDto>` (admin). */
  refund: 'payments.refund.create',
  /** `{ id }` -> `LedgerDto`: the journal lines of one payment. */
  ledger: 'payments.ledger.get',
  /** `{}` -> `TrialBalanceDto` (admin): every account, debits and credits per currency. */
  trialBalance: 'payments.ledger.trial-balance',
  /** `{ payload_base64, signature }` -> `WebhookAck` (Stripe-Signature checked here). */
  stripeWebhook: 'payments.webhook.stripe',
  /** `{ payload_base64, headers }` -> `WebhookAck` (verified with PayPal). */
  paypalWebhook: 'payments.webhook.paypal',
  /** `{ xml }` -> `ReconciliationReport` (admin): import a camt.053 statement. */
  importStatement: 'payments.statement.import',
  /** `{}` -> `{ checked, changed }` (admin): re-check payments stuck in processing now. */
  recheck: 'payments.processing.recheck',
  /** `{ user_id }` -> `{ payments: PaymentDto[], refunds: RefundDto[] }` for a data export. */
  exportUser: 'payments.user.export',
  /** `{ user_id }` -> `{ pseudonymised }`: drop free text; amounts stay (bookkeeping law). */
  eraseUser: 'payments.user.erase',
} as const;

/** Durable events, sent through the payments outbox (see `src/contracts/events.ts`). */
export const PaymentsEvents = {
  succeeded: 'payments.payment.succeeded.v1',
  failed: 'payments.payment.failed.v1',
  refunded: 'payments.payment.refunded.v1',
} as const;
