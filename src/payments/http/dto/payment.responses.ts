import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  MAX_LEDGER_LINES,
  PAYMENT_STATUS_VALUES,
} from '../../../contracts/payments/payment.dto.js';
import { apiCurrency, apiDateTime, apiId } from '../../../platform/http/api-fields.js';

/** Swagger shapes of the answers (the runtime types live in src/contracts/payments). */

const PAYMENT_ID = apiId('pay', 'pay_0mhx3k2a1b9f3k2a1b9f3k2a1b');
const AT = apiDateTime('2026-11-25T03:00:00.000Z');
const STATUSES = PAYMENT_STATUS_VALUES;
/** ISO 11649 creditor reference: RF, two check digits, up to 21 characters. */
const RF_REFERENCE = { maxLength: 25, pattern: '^RF[0-9]{2}[0-9A-Z]{1,21}$' };
/** IBAN without spaces (ISO 20022 IBAN2007Identifier). */
const IBAN = { maxLength: 34, pattern: '^[A-Z]{2}[0-9]{2}[a-zA-Z0-9]{1,30}$' };
/** ISO 20022 Max140Text (names of account holders). */
const NAME = { maxLength: 140 };
const METADATA = {
  type: 'object',
  maxProperties: 50,
  additionalProperties: { type: 'string', maxLength: 500 },
} as const;

export class NextActionResponse {
  @ApiProperty({
    enum: ['stripe_client_secret', 'redirect', 'wire_instructions'],
    example: 'stripe_client_secret',
  })
  type: string;
  @ApiPropertyOptional({
    description: 'stripe_client_secret: confirm with Stripe.js',
    example: 'pi_3Q_secret_abc',
    maxLength: 500,
  })
  client_secret?: string;
  @ApiPropertyOptional({
    description: 'redirect: PayPal approval page',
    example: 'https://www.paypal.com/checkoutnow?token=5O190127TN364715T',
    format: 'uri',
    maxLength: 2048,
  })
  url?: string;
  @ApiPropertyOptional({
    description: 'wire_instructions: ISO 11649 RF creditor reference',
    example: 'RF18539007547034',
    ...RF_REFERENCE,
  })
  reference?: string;
  @ApiPropertyOptional({ example: 'Platform Payments Ltd', ...NAME })
  beneficiary?: string;
  @ApiPropertyOptional({ example: 'DE89370400440532013000', ...IBAN })
  iban?: string;
  @ApiPropertyOptional({
    example: 'COBADEFFXXX',
    maxLength: 11,
    pattern: '^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$',
  })
  bic?: string;
  @ApiPropertyOptional({ example: 1050 })
  amount?: number;
  @ApiPropertyOptional(apiCurrency())
  currency?: string;
}

export class FailureResponse {
  @ApiProperty({ example: 'card_declined', maxLength: 100 })
  code: string;
  @ApiProperty({ example: 'Your card was declined.', maxLength: 500 })
  message: string;
}

export class PaymentResponse {
  @ApiProperty(PAYMENT_ID)
  id: string;
  @ApiProperty(apiId('usr', 'usr_0mhx3k2a1bq8w0e9r8t7y6u5i4'))
  user_id: string;
  @ApiProperty({ enum: STATUSES, example: 'requires_action' })
  status: string;
  @ApiProperty({ example: 1050, description: 'minor units' })
  amount: number;
  @ApiProperty(apiCurrency())
  currency: string;
  @ApiProperty({ enum: ['card', 'paypal', 'wire'], example: 'card' })
  method: string;
  @ApiProperty({ nullable: true, example: 'Order #1042', type: String, maxLength: 1000 })
  description: string | null;
  @ApiProperty({ ...METADATA, example: { order_id: '1042' } })
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
  @ApiProperty(AT)
  created_at: string;
  @ApiProperty(AT)
  updated_at: string;
}

export class PaymentPageResponse {
  @ApiProperty({ type: [PaymentResponse], maxItems: 100, description: 'At most `limit`' })
  data: PaymentResponse[];
  @ApiProperty({ ...PAYMENT_ID, nullable: true })
  next_cursor: string | null;
  @ApiProperty({ example: false })
  has_more: boolean;
}

export class PayoutResponse {
  @ApiProperty({ example: 'wire_payout', enum: ['wire_payout'] })
  type: string;
  @ApiProperty({ example: 500 })
  amount: number;
  @ApiProperty(apiCurrency())
  currency: string;
  @ApiProperty({ example: 'RF712348231', ...RF_REFERENCE })
  reference: string;
  @ApiProperty({ nullable: true, example: 'Erika Mustermann', type: String, ...NAME })
  beneficiary: string | null;
  @ApiProperty({ nullable: true, example: 'DE02120300000000202051', type: String, ...IBAN })
  iban: string | null;
}

export class RefundResponse {
  @ApiProperty(apiId('rfd', 'rfd_0mhx3k2a1b9f3k2a1b9f3k2a1b'))
  id: string;
  @ApiProperty(PAYMENT_ID)
  payment_id: string;
  @ApiProperty({ example: 500 })
  amount: number;
  @ApiProperty(apiCurrency())
  currency: string;
  @ApiProperty({ nullable: true, example: 'requested_by_customer', type: String, maxLength: 500 })
  reason: string | null;
  @ApiProperty({ enum: ['succeeded', 'pending'], example: 'succeeded' })
  status: string;
  @ApiProperty({
    type: PayoutResponse,
    nullable: true,
    description: 'wire refunds: the transfer to make back',
  })
  payout: PayoutResponse | null;
  @ApiProperty({ enum: STATUSES, example: 'partially_refunded' })
  payment_status: string;
  @ApiProperty({ example: 500 })
  amount_refunded: number;
  @ApiProperty(AT)
  created_at: string;
}

export class LedgerLineResponse {
  @ApiProperty(apiId('jrn', 'jrn_0mhx3k2a1b9f3k2a1b9f3k2a1b'))
  entry_id: string;
  @ApiProperty({ example: 'payment_captured', maxLength: 64, pattern: '^[a-z_]+$' })
  kind: string;
  @ApiProperty({ example: 'assets:stripe', maxLength: 64, pattern: '^[a-z_]+:[a-z_]+$' })
  account: string;
  @ApiProperty({ example: 1050 })
  debit: number;
  @ApiProperty({ example: 0 })
  credit: number;
  @ApiProperty(apiCurrency())
  currency: string;
  @ApiProperty(AT)
  created_at: string;
}

export class TotalsResponse {
  @ApiProperty({ example: 1050 })
  debit: number;
  @ApiProperty({ example: 1050 })
  credit: number;
}

/** Totals per currency: at most one per ISO 4217 code. */
const TOTALS = {
  type: 'object',
  maxProperties: 300,
  additionalProperties: { $ref: '#/components/schemas/TotalsResponse' },
} as const;

export class LedgerResponse {
  @ApiProperty(PAYMENT_ID)
  payment_id: string;
  @ApiProperty({
    type: [LedgerLineResponse],
    maxItems: MAX_LEDGER_LINES,
    description: `The first ${MAX_LEDGER_LINES} lines in booking order (totals cover every line)`,
  })
  lines: LedgerLineResponse[];
  @ApiProperty({ ...TOTALS, example: { EUR: { debit: 1050, credit: 1050 } } })
  totals: Record<string, TotalsResponse>;
  @ApiProperty({ example: true })
  balanced: boolean;
}

export class AccountBalanceResponse {
  @ApiProperty({ example: 'assets:stripe', maxLength: 64, pattern: '^[a-z_]+:[a-z_]+$' })
  account: string;
  @ApiProperty(apiCurrency())
  currency: string;
  @ApiProperty({ example: 1050 })
  debit: number;
  @ApiProperty({ example: 0 })
  credit: number;
  @ApiProperty({ example: 1050, description: 'debit - credit' })
  balance: number;
}

export class TrialBalanceResponse {
  @ApiProperty({
    type: [AccountBalanceResponse],
    maxItems: 3000,
    description: 'One per account and currency (a fixed chart of accounts, ISO 4217 currencies)',
  })
  accounts: AccountBalanceResponse[];
  @ApiProperty({ ...TOTALS, example: { EUR: { debit: 2100, credit: 2100 } } })
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
  @ApiProperty({
    example: '4f1c0d9e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e',
    description: 'Digest identifying the bank entry (the same entry is never booked twice)',
    maxLength: 40,
    pattern: '^[0-9a-f]{40}$',
  })
  entry_key: string;
  @ApiProperty({ example: 1050 })
  amount: number;
  @ApiProperty(apiCurrency())
  currency: string;
  @ApiProperty({ nullable: true, example: 'RF18539007547034', type: String, ...RF_REFERENCE })
  reference: string | null;
  @ApiProperty({ nullable: true, example: 'Erika Mustermann', type: String, ...NAME })
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
  @ApiProperty({ ...PAYMENT_ID, nullable: true })
  payment_id: string | null;
  @ApiProperty({
    example: 0,
    description: 'received minus due: negative still due, positive excess',
  })
  difference: number;
  @ApiProperty({ nullable: true, enum: STATUSES, example: 'succeeded' })
  payment_status: string | null;
}

export class ReconciliationReportResponse {
  @ApiProperty(apiId('stm', 'stm_0mhx3k2a1b9f3k2a1b9f3k2a1b'))
  statement_id: string;
  @ApiProperty({
    nullable: true,
    example: 'MSG-2026-11-25',
    type: String,
    maxLength: 35,
    description: 'GrpHdr/MsgId of the statement (ISO 20022 Max35Text)',
  })
  message_id: string | null;
  @ApiProperty({ nullable: true, example: 'DE89370400440532013000', type: String, ...IBAN })
  account_iban: string | null;
  @ApiProperty({
    type: [ReconciliationLineResponse],
    maxItems: 100_000,
    description: 'One per booked credit (a statement is at most BODY_LIMIT_BYTES of XML)',
  })
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
    maxProperties: 20,
    additionalProperties: {
      type: 'integer',
      format: 'int32',
      minimum: 0,
      maximum: 2147483647,
    },
  })
  summary: Record<string, number>;
}

export class RecheckResponse {
  @ApiProperty({ example: 3 })
  checked: number;
  @ApiProperty({ example: 1 })
  changed: number;
}
