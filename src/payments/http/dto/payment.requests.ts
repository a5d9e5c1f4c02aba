import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  Max,
  Min,
  ValidateBy,
  type ValidationOptions,
} from 'class-validator';
import { PAYMENT_STATUS_VALUES } from '../../../contracts/payments/payment.dto.js';
import { ID_MAX_LENGTH, TextField } from '../../../platform/http/api-fields.js';

const METHODS = ['card', 'paypal', 'wire'] as const;
const STATUSES = PAYMENT_STATUS_VALUES;

/** Stripe's metadata rules: at most 50 keys, keys up to 40 characters, string values up to 500. */
function IsMetadata(options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isMetadata',
      validator: {
        validate: (value: unknown) =>
          !!value &&
          typeof value === 'object' &&
          !Array.isArray(value) &&
          Object.keys(value).length <= 50 &&
          Object.entries(value).every(
            ([k, v]) => k.length >= 1 && k.length <= 40 && typeof v === 'string' && v.length <= 500,
          ),
        defaultMessage: () =>
          'metadata holds at most 50 keys (1-40 characters) with string values up to 500 characters',
      },
    },
    options,
  );
}

export class CreatePaymentRequest {
  @ApiProperty({
    description:
      'Amount in integer minor units of the currency (its ISO 4217 exponent decides: JPY 0, EUR 2, KWD 3). 1050 EUR = €10.50.',
    example: 1050,
    minimum: 1,
    maximum: 99_999_999_999,
  })
  @IsInt()
  @Min(1)
  @Max(99_999_999_999)
  amount: number;

  @TextField({
    max: 3,
    pattern: /^[A-Z]{3}$/,
    patternMessage: 'currency must be a three-letter ISO 4217 code',
    description: 'ISO 4217 currency code (upper-cased before the check)',
    example: 'EUR',
  })
  @Transform(({ value }) => (typeof value === 'string' ? value.toUpperCase() : value))
  currency: string;

  @ApiProperty({ enum: METHODS, example: 'card' })
  @IsIn(METHODS)
  method: (typeof METHODS)[number];

  @TextField({ optional: true, max: 1000, example: 'Order #1042' })
  description?: string;

  @ApiPropertyOptional({
    description: 'Your key/value pairs (Stripe rules: ≤50 keys, keys ≤40 chars, values ≤500 chars)',
    example: { order_id: '1042' },
    type: 'object',
    maxProperties: 50,
    additionalProperties: { type: 'string', maxLength: 500 },
  })
  @IsOptional()
  @IsObject()
  @IsMetadata()
  metadata?: Record<string, string>;
}

export class CreateRefundRequest {
  @ApiPropertyOptional({
    description: 'Minor units to refund; default: everything not refunded yet',
    example: 500,
    minimum: 1,
    maximum: 99_999_999_999,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(99_999_999_999)
  amount?: number;

  @TextField({
    optional: true,
    max: 500,
    description:
      'Why (free text; duplicate, fraudulent and requested_by_customer are passed to Stripe as its reason)',
    example: 'requested_by_customer',
  })
  reason?: string;
}

export class ListPaymentsRequest {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20, example: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @TextField({
    optional: true,
    max: ID_MAX_LENGTH,
    pattern: /^pay_[0-9a-z]{10,40}$/,
    patternMessage: 'cursor must be a payment id',
    description: 'next_cursor of the previous page',
    example: 'pay_0mhx3k2a1b9f3k2a1b9f3k2a1b',
  })
  cursor?: string;

  @ApiPropertyOptional({ enum: STATUSES, example: 'succeeded' })
  @IsOptional()
  @IsIn(STATUSES)
  status?: (typeof STATUSES)[number];
}
