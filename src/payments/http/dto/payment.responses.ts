import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Swagger shapes of the answers (the runtime types live in src/contracts/payments). */
export class NextActionResponse {
  @ApiProperty({
    enum: ['stripe_client_secret', 'redirect', 'wire_instructions'],
    example: 'stripe_client_secret',
  })
  type: string;
  @ApiPropertyOptional({
    description: 'stripe_client_secret: confirm with Stripe.js',
    example: 'pi_3Q_secret_abc',
  })
  client_secret?: string;
  @ApiPropertyOptional({
    description: 'redirect: PayPal approval page',
    example: 'https://www.paypal.com/checkoutnow?token=5O190127TN364715T',
  })
  url?: string;
  @ApiPropertyOptional({
    description: 'wire_instructions: ISO 11649 RF creditor reference',
    example: 'RF18539007547034',
  })
  reference?: string;
  @ApiPropertyOptional({ example: 'Platform Payments Ltd' })
  beneficiary?: string;
  @ApiPropertyOptional({ example: 'DE89370400440532013000' })
  iban?: string;
  @ApiPropertyOptional({ example: 'COBADEFFXXX' })
  bic?: string;
  @ApiPropertyOptional({ example: 1050 })
  amount?: number;
  @ApiPropertyOptional({ example: 'EUR' })
  currency?: string;
}

export class FailureResponse {
  @ApiProperty({ example: 'card_declined' })
  code: string;
  @ApiProperty({ example: 'Your card was declined.' })
  message: string;
}

export class PaymentResponse {
  @ApiProperty({ example: 'pay_0mhx3k2a1b9f3k2a1b9f3k2a1b' })
  id: string;
  @ApiProperty({ example: 'usr_0mhx3k2a1bq8w0e9r8t7y6u5i4' })
  user_id: string;
  @ApiProperty({
    enum: [
      'requires_action',
      'processing',
      'succeeded',
      'failed',
      'canceled',
      'partially_refunded',
      'refunded',
    ],
    example: 'requires_action',
  })
  status: string;
  @ApiProperty({ example: 1050, description: 'minor units' })
  amount: number;
  @ApiProperty({ example: 'EUR' })
  currency: string;
  @ApiProperty({ enum: ['card', 'paypal', 'wire'], example: 'card' })
  method: string;
  @ApiProperty({ nullable: true, example: 'Order #1042', type: String })
  description: string | null;
  @ApiProperty({
    example: { order_id: '1042' },
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  metadata: Record<string, string>;
  @ApiProperty({ example: 0 })
  amount_refunded: number;
  @ApiProperty({ example: 0, description: 'wire: received so far by bank credits' })
  amount_received: number;
  @ApiProperty({
    type: NextActionResponse,
    nullable: true,
    description: 'what the payer does next (only while requires_action)',
  })
  next_action: NextActionResponse | null;
  @ApiProperty({ type: FailureResponse, nullable: true })
  failure: FailureResponse | null;
  @ApiProperty({ example: '2026-11-25T03:00:00.000Z' })
  created_at: string;
  @ApiProperty({ example: '2026-11-25T03:00:00.000Z' })
  updated_at: string;
}

export class PaymentPageResponse {
  @ApiProperty({ type: [PaymentResponse] })
  data: PaymentResponse[];
  @ApiProperty({ nullable: true, example: 'pay_0mhx3k2a1b9f3k2a1b9f3k2a1b', type: String })
  next_cursor: string | null;
  @ApiProperty({ example: false })
  has_more: boolean;
}

export class PayoutResponse {
  @ApiProperty({ example: 'wire_payout' })
  type: string;
  @ApiProperty({ example: 500 })
  amount: number;
  @ApiProperty({ example: 'EUR' })
  currency: string;
  @ApiProperty({ example: 'RF712348231' })
  reference: string;
  @ApiProperty({ nullable: true, example: 'Erika Mustermann', type: String })
  beneficiary: string | null;
  @ApiProperty({ nullable: true, example: 'DE02120300000000202051', type: String })
  iban: string | null;
}

export class RefundResponse {
  @ApiProperty({ example: 'rfd_0mhx3k2a1b9f3k2a1b9f3k2a1b' })
  id: string;
  @ApiProperty({ example: 'pay_0mhx3k2a1b9f3k2a1b9f3k2a1b' })
  payment_id: string;
  @ApiProperty({ example: 500 })
  amount: number;
  @ApiProperty({ example: 'EUR' })
  currency: string;
  @ApiProperty({ nullable: true, example: 'requested_by_customer', type: String })
  reason: string | null;
  @ApiProperty({ enum: ['succeeded', 'pending'], example: 'succeeded' })
  status: string;
  @ApiProperty({
    type: PayoutResponse,
    nullable: true,
    description: 'wire refunds: the transfer to make back',
  })
  payout: PayoutResponse | null;
  @ApiProperty({ example: 'partially_refunded' })
  payment_status: string;
  @ApiProperty({ example: 500 })
  amount_refunded: number;
  @ApiProperty({ example: '2026-11-25T03:00:00.000Z' })
  created_at: string;
}

export class LedgerLineResponse {
  @ApiProperty({ example: 'jrn_0mhx3k2a1b9f3k2a1b9f3k2a1b' })
  entry_id: string;
  @ApiProperty({ example: 'payment_captured' })
  kind: string;
  @ApiProperty({ example: 'assets:stripe' })
  account: string;
  @ApiProperty({ example: 1050 })
  debit: number;
  @ApiProperty({ example: 0 })
  credit: number;
  @ApiProperty({ example: 'EUR' })
  currency: string;
  @ApiProperty({ example: '2026-11-25T03:00:00.000Z' })
  created_at: string;
}

export class TotalsResponse {
  @ApiProperty({ example: 1050 })
  debit: number;
  @ApiProperty({ example: 1050 })
  credit: number;
}

export class LedgerResponse {
  @ApiProperty({ example: 'pay_0mhx3k2a1b9f3k2a1b9f3k2a1b' })
  payment_id: string;
  @ApiProperty({ type: [LedgerLineResponse] })
  lines: LedgerLineResponse[];
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/TotalsResponse' },
    example: { EUR: { debit: 1050, credit: 1050 } },
  })
  totals: Record<string, TotalsResponse>;
  @ApiProperty({ example: true })
  balanced: boolean;
}

export class AccountBalanceResponse {
  @ApiProperty({ example: 'assets:stripe' })
  account: string;
  @ApiProperty({ example: 'EUR' })
  currency: string;
  @ApiProperty({ example: 1050 })
  debit: number;
  @ApiProperty({ example: 0 })
  credit: number;
  @ApiProperty({ example: 1050, description: 'debit - credit' })
  balance: number;
}

export class TrialBalanceResponse {
  @ApiProperty({ type: [AccountBalanceResponse] })
  accounts: AccountBalanceResponse[];
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/TotalsResponse' },
    example: { EUR: { debit: 2100, credit: 2100 } },
  })
  totals: Record<string, TotalsResponse>;
  @ApiProperty({ example: true })
  balanced: boolean;
}

export class WebhookAckResponse {
  @ApiProperty({ example: true })
  received: boolean;
  @ApiProperty({ example: false, description: 'true when this event id was already processed' })
  duplicate: boolean;
  @ApiProperty({
    example: 'applied',
    enum: ['applied', 'ignored', 'unmatched', 'unhandled', 'duplicate'],
  })
  outcome: string;
}

export class ReconciliationLineResponse {
  @ApiProperty({ example: '4f1c…' })
  entry_key: string;
  @ApiProperty({ example: 1050 })
  amount: number;
  @ApiProperty({ example: 'EUR' })
  currency: string;
  @ApiProperty({ nullable: true, example: 'RF18539007547034', type: String })
  reference: string | null;
  @ApiProperty({ nullable: true, example: 'Erika Mustermann', type: String })
  debtor_name: string | null;
  @ApiProperty({
    enum: [
      'matched',
      'underpaid',
      'overpaid',
      'unknown',
      'currency_mismatch',
      'already_settled',
      'duplicate',
    ],
    example: 'matched',
  })
  outcome: string;
  @ApiProperty({ enum: ['reference', 'amount'], nullable: true, example: 'reference' })
  matched_by: string | null;
  @ApiProperty({ nullable: true, example: 'pay_0mhx3k2a1b9f3k2a1b9f3k2a1b', type: String })
  payment_id: string | null;
  @ApiProperty({
    example: 0,
    description: 'received minus due: negative still due, positive excess',
  })
  difference: number;
  @ApiProperty({ nullable: true, example: 'succeeded', type: String })
  payment_status: string | null;
}

export class ReconciliationReportResponse {
  @ApiProperty({ example: 'stm_0mhx3k2a1b9f3k2a1b9f3k2a1b' })
  statement_id: string;
  @ApiProperty({ nullable: true, example: 'MSG-2026-11-25', type: String })
  message_id: string | null;
  @ApiProperty({ nullable: true, example: 'DE89370400440532013000', type: String })
  account_iban: string | null;
  @ApiProperty({ type: [ReconciliationLineResponse] })
  lines: ReconciliationLineResponse[];
  @ApiProperty({
    example: {
      matched: 1,
      underpaid: 1,
      overpaid: 1,
      unknown: 1,
      currency_mismatch: 0,
      already_settled: 0,
      duplicate: 0,
      skipped_debits_or_pending: 0,
    },
    type: 'object',
    additionalProperties: { type: 'integer' },
  })
  summary: Record<string, number>;
}

export class RecheckResponse {
  @ApiProperty({ example: 3 })
  checked: number;
  @ApiProperty({ example: 1 })
  changed: number;
}

export class ProblemResponse {
  @ApiProperty({ example: 'https://platform.dev/problems/idempotency-key-reused' })
  type: string;
  @ApiProperty({ example: 'Unprocessable Content' })
  title: string;
  @ApiProperty({ example: 422 })
  status: number;
  @ApiPropertyOptional({
    example: 'This Idempotency-Key was already used with a different request.',
  })
  detail?: string;
  @ApiPropertyOptional({ example: '/api/v1/payments' })
  instance?: string;
  @ApiPropertyOptional({ example: '6f1c2d9e-1b0c-4a51-9d1e-2f1b7c1a0e55' })
  request_id?: string;
}
