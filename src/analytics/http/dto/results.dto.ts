import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ANALYTICS_MAX_BUCKETS_CEILING } from '../../../platform/config/schema/analytics.env.js';
import { apiDateTime } from '../../../platform/http/api-fields.js';

/** A series never holds more buckets than ANALYTICS_MAX_BUCKETS allows. */
const MAX_BUCKETS = ANALYTICS_MAX_BUCKETS_CEILING;
const INTERVALS = ['hour', 'day', 'week', 'month'];
const TIMEZONE = { maxLength: 64, description: 'IANA time zone' };
const COUNT = {
  type: 'integer',
  format: 'int64',
  minimum: 0,
  maximum: Number.MAX_SAFE_INTEGER,
} as const;

export class SeriesPointDto {
  @ApiProperty({
    ...apiDateTime('2026-03-29T00:00:00+01:00'),
    description: 'Bucket start, with the zone offset',
  })
  bucket_start!: string;

  @ApiProperty({ example: 42 })
  count!: number;
}

export class GroupDto {
  @ApiProperty({
    example: 'pro',
    nullable: true,
    type: String,
    maxLength: 32768,
    description: 'The property as text (null: events without it); properties are at most 32 KB',
  })
  value!: string | null;

  @ApiProperty({ example: 40 })
  total!: number;

  @ApiProperty({ type: [SeriesPointDto], maxItems: MAX_BUCKETS })
  series!: SeriesPointDto[];
}

export class OtherGroupDto {
  @ApiProperty({ example: 2 })
  total!: number;

  @ApiProperty({ type: [SeriesPointDto], maxItems: MAX_BUCKETS })
  series!: SeriesPointDto[];
}

export class EventMetricsDto {
  @ApiProperty({ example: 'Checkout Started', nullable: true, type: String, maxLength: 200 })
  name!: string | null;

  @ApiProperty({ example: 'day', enum: INTERVALS })
  interval!: string;

  @ApiProperty({ ...TIMEZONE, example: 'Europe/Berlin' })
  timezone!: string;

  @ApiProperty(apiDateTime('2026-03-28T00:00:00+01:00'))
  from!: string;

  @ApiProperty(apiDateTime('2026-03-31T00:00:00+02:00'))
  to!: string;

  @ApiProperty({ example: 42 })
  total!: number;

  @ApiProperty({
    type: [SeriesPointDto],
    maxItems: MAX_BUCKETS,
    example: [
      { bucket_start: '2026-03-28T00:00:00+01:00', count: 10 },
      { bucket_start: '2026-03-29T00:00:00+01:00', count: 23 },
      { bucket_start: '2026-03-30T00:00:00+02:00', count: 9 },
    ],
  })
  series!: SeriesPointDto[];

  @ApiPropertyOptional({
    example: 'properties.plan',
    maxLength: 75,
    pattern: '^properties\\.[A-Za-z0-9_$:.-]{1,64}$',
  })
  group_by?: string;

  @ApiPropertyOptional({ type: [GroupDto], maxItems: 100, description: 'The top `limit` groups' })
  groups?: GroupDto[];

  @ApiPropertyOptional({ type: OtherGroupDto })
  other?: OtherGroupDto;
}

export class ActiveUsersDto {
  @ApiProperty({ example: 'day', enum: INTERVALS })
  interval!: string;

  @ApiProperty({ ...TIMEZONE, example: 'Asia/Tehran' })
  timezone!: string;

  @ApiProperty(apiDateTime('2026-11-20T00:00:00+03:30'))
  from!: string;

  @ApiProperty(apiDateTime('2026-11-22T00:00:00+03:30'))
  to!: string;

  @ApiProperty({
    type: [SeriesPointDto],
    maxItems: MAX_BUCKETS,
    example: [
      { bucket_start: '2026-11-20T00:00:00+03:30', count: 120 },
      { bucket_start: '2026-11-21T00:00:00+03:30', count: 131 },
    ],
  })
  series!: SeriesPointDto[];
}

export class MoneyDto {
  @ApiProperty({ example: 12900, description: 'Minor units' })
  gross!: number;

  @ApiProperty({ example: 2500 })
  refunds!: number;

  @ApiProperty({ example: 10400 })
  net!: number;
}

export class RevenueBucketDto {
  @ApiProperty(apiDateTime('2026-11-24T00:00:00Z'))
  bucket_start!: string;

  @ApiProperty({
    example: { EUR: { gross: 12900, refunds: 2500, net: 10400 } },
    description: 'Per ISO 4217 currency, minor units',
  })
  currencies!: Record<string, MoneyDto>;
}

export class RevenueDto {
  @ApiProperty({ example: 'day', enum: INTERVALS })
  interval!: string;

  @ApiProperty({ ...TIMEZONE, example: 'UTC' })
  timezone!: string;

  @ApiProperty(apiDateTime('2026-11-24T00:00:00Z'))
  from!: string;

  @ApiProperty(apiDateTime('2026-11-25T00:00:00Z'))
  to!: string;

  @ApiProperty({ example: { EUR: { gross: 12900, refunds: 2500, net: 10400 } } })
  totals!: Record<string, MoneyDto>;

  @ApiProperty({ type: [RevenueBucketDto], maxItems: MAX_BUCKETS })
  series!: RevenueBucketDto[];
}

export class FunnelStepDto {
  @ApiProperty({ example: 'Checkout Started', maxLength: 200 })
  name!: string;

  @ApiProperty({ example: 40 })
  users!: number;

  @ApiProperty({ example: 0.4, nullable: true, type: Number, description: 'Of the first step' })
  conversion!: number | null;

  @ApiProperty({ example: 0.8, nullable: true, type: Number, description: 'Of the previous step' })
  step_conversion!: number | null;
}

export class FunnelResultDto {
  @ApiProperty(apiDateTime('2026-11-18T00:00:00Z'))
  from!: string;

  @ApiProperty(apiDateTime('2026-11-25T00:00:00Z'))
  to!: string;

  @ApiProperty({ example: 86400 })
  window_seconds!: number;

  @ApiProperty({
    type: [FunnelStepDto],
    maxItems: 10,
    example: [
      { name: 'Product Viewed', users: 100, conversion: 1, step_conversion: 1 },
      { name: 'Checkout Started', users: 40, conversion: 0.4, step_conversion: 0.4 },
      { name: 'Order Completed', users: 30, conversion: 0.3, step_conversion: 0.75 },
    ],
  })
  steps!: FunnelStepDto[];

  @ApiProperty({ example: 0.3, nullable: true, type: Number })
  conversion!: number | null;
}

export class RetentionCohortDto {
  @ApiProperty(apiDateTime('2026-11-16T00:00:00Z'))
  cohort_start!: string;

  @ApiProperty({ example: 50 })
  users!: number;

  @ApiProperty({
    type: 'array',
    items: COUNT,
    maxItems: MAX_BUCKETS,
    example: [50, 21, 12],
    description: 'Users active in period k after signup (k = 0: the signup period)',
  })
  retained!: number[];

  @ApiProperty({
    type: 'array',
    items: { type: 'number', minimum: 0, nullable: true },
    maxItems: MAX_BUCKETS,
    example: [1, 0.42, 0.24],
    description: 'retained[k] / users, to 4 decimals; null for a cohort without users',
  })
  rates!: (number | null)[];
}

export class RetentionResultDto {
  @ApiProperty({ example: 'signup', enum: ['signup'] })
  cohort!: string;

  @ApiProperty({ example: 'week', enum: ['day', 'week', 'month'] })
  interval!: string;

  @ApiProperty({ ...TIMEZONE, example: 'UTC' })
  timezone!: string;

  @ApiProperty(apiDateTime('2026-11-16T00:00:00Z'))
  from!: string;

  @ApiProperty(apiDateTime('2026-11-30T00:00:00Z'))
  to!: string;

  @ApiProperty({ type: [RetentionCohortDto], maxItems: MAX_BUCKETS })
  cohorts!: RetentionCohortDto[];
}
