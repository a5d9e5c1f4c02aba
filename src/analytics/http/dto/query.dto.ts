import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { TextField } from '../../../platform/http/api-fields.js';

const FROM = {
  max: 40,
  description:
    'Start (inclusive). A date (`2026-03-29`) or date-time without offset is wall-clock time in `timezone`; with an offset it is that instant. Buckets are whole: the first one starts at or before it.',
  example: '2026-03-28',
};
const TO = { max: 40, description: 'End (exclusive), same forms as from.', example: '2026-03-31' };
const TZ = {
  optional: true,
  max: 64,
  description: 'IANA time zone the buckets are aligned in (default UTC).',
  example: 'Europe/Berlin',
};
/** Event names: 1 to 200 characters (the same rule as ingestion). */
const NAME_MAX = 200;

export class RangeQueryDto {
  @TextField(FROM)
  from!: string;

  @TextField(TO)
  to!: string;

  @ApiPropertyOptional({ enum: ['hour', 'day', 'week', 'month'], default: 'day', example: 'day' })
  @IsOptional()
  @IsIn(['hour', 'day', 'week', 'month'])
  interval?: 'hour' | 'day' | 'week' | 'month';

  @TextField(TZ)
  timezone?: string;
}

export class EventMetricsQueryDto extends RangeQueryDto {
  @TextField({
    optional: true,
    max: NAME_MAX,
    description: 'Event name (default: every event)',
    example: 'Checkout Started',
  })
  name?: string;

  @TextField({
    optional: true,
    max: 75,
    pattern: /^properties\.[A-Za-z0-9_$:.-]{1,64}$/,
    patternMessage: 'group_by must be properties.<key>',
    description: 'Split by one property; the top `limit` values by count, the rest in `other`.',
    example: 'properties.plan',
  })
  group_by?: string;

  @ApiPropertyOptional({
    description: 'Top-N groups (1-100)',
    default: 10,
    example: 5,
    minimum: 1,
    maximum: 100,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class ActiveUsersQueryDto extends RangeQueryDto {}

export class RevenueQueryDto extends RangeQueryDto {
  @TextField({
    optional: true,
    max: 3,
    pattern: /^[A-Za-z]{3}$/,
    patternMessage: 'currency must be an ISO 4217 code such as EUR',
    description: 'ISO 4217 currency (default: every currency seen)',
    example: 'EUR',
  })
  currency?: string;
}

export class FunnelDto {
  @ApiProperty({
    description: '2 to 10 event names, in order',
    example: ['Product Viewed', 'Checkout Started', 'Order Completed'],
    type: 'array',
    items: { type: 'string', minLength: 1, maxLength: NAME_MAX },
    minItems: 2,
    maxItems: 10,
  })
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(NAME_MAX, { each: true })
  steps!: string[];

  @ApiProperty({
    description: 'Every later step must happen within this many seconds of the first step',
    example: 86400,
    minimum: 1,
    maximum: 31622400,
  })
  @IsInt()
  @Min(1)
  @Max(31622400)
  window_seconds!: number;

  @TextField({
    ...FROM,
    description: 'First steps from (inclusive)',
    example: '2026-11-18T00:00:00Z',
  })
  from!: string;

  @TextField({
    ...TO,
    description: 'First steps until (exclusive); later steps may follow within the window',
    example: '2026-11-25T00:00:00Z',
  })
  to!: string;

  @TextField({ ...TZ, description: 'Zone for from/to given without offset (default UTC)' })
  timezone?: string;
}

export class RetentionQueryDto {
  @ApiProperty({
    enum: ['signup'],
    example: 'signup',
    description: 'Cohorts by first signup (platform registration or a tracked "Signed Up")',
  })
  @IsIn(['signup'])
  cohort!: 'signup';

  @ApiPropertyOptional({ enum: ['day', 'week', 'month'], default: 'week', example: 'week' })
  @IsOptional()
  @IsIn(['day', 'week', 'month'])
  interval?: 'day' | 'week' | 'month';

  @TextField({ ...FROM, description: 'Cohorts from (whole buckets)', example: '2026-10-01' })
  from!: string;

  @TextField({ ...TO, description: 'Cohorts until (exclusive)', example: '2026-11-26' })
  to!: string;

  @TextField(TZ)
  timezone?: string;
}
