import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class SeriesPointDto {
  @ApiProperty({
    example: '2026-03-29T00:00:00+01:00',
    description: 'Bucket start, with the zone offset',
  })
  bucket_start!: string;

  @ApiProperty({ example: 42 })
  count!: number;
}

export class GroupDto {
  @ApiProperty({ example: 'pro', nullable: true, type: String })
  value!: string | null;

  @ApiProperty({ example: 40 })
  total!: number;

  @ApiProperty({ type: [SeriesPointDto] })
  series!: SeriesPointDto[];
}

export class OtherGroupDto {
  @ApiProperty({ example: 2 })
  total!: number;

  @ApiProperty({ type: [SeriesPointDto] })
  series!: SeriesPointDto[];
}

export class EventMetricsDto {
  @ApiProperty({ example: 'Checkout Started', nullable: true, type: String })
  name!: string | null;

  @ApiProperty({ example: 'day', enum: ['hour', 'day', 'week', 'month'] })
  interval!: string;

  @ApiProperty({ example: 'Europe/Berlin' })
  timezone!: string;

  @ApiProperty({ example: '2026-03-28T00:00:00+01:00' })
  from!: string;

  @ApiProperty({ example: '2026-03-31T00:00:00+02:00' })
  to!: string;

  @ApiProperty({ example: 42 })
  total!: number;

  @ApiProperty({
    type: [SeriesPointDto],
    example: [
      { bucket_start: '2026-03-28T00:00:00+01:00', count: 10 },
      { bucket_start: '2026-03-29T00:00:00+01:00', count: 23 },
      { bucket_start: '2026-03-30T00:00:00+02:00', count: 9 },
    ],
  })
  series!: SeriesPointDto[];

  @ApiPropertyOptional({ example: 'properties.plan' })
  group_by?: string;

  @ApiPropertyOptional({ type: [GroupDto] })
  groups?: GroupDto[];

  @ApiPropertyOptional({ type: OtherGroupDto })
  other?: OtherGroupDto;
}

export class ActiveUsersDto {
  @ApiProperty({ example: 'day' })
  interval!: string;

  @ApiProperty({ example: 'Asia/Tehran' })
  timezone!: string;

  @ApiProperty({ example: '2026-11-20T00:00:00+03:30' })
  from!: string;

  @ApiProperty({ example: '2026-11-22T00:00:00+03:30' })
  to!: string;

  @ApiProperty({
    type: [SeriesPointDto],
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
  @ApiProperty({ example: '2026-11-24T00:00:00Z' })
  bucket_start!: string;

  @ApiProperty({
    example: { EUR: { gross: 12900, refunds: 2500, net: 10400 } },
    description: 'Per ISO 4217 currency, minor units',
  })
  currencies!: Record<string, MoneyDto>;
}

export class RevenueDto {
  @ApiProperty({ example: 'day' })
  interval!: string;

  @ApiProperty({ example: 'UTC' })
  timezone!: string;

  @ApiProperty({ example: '2026-11-24T00:00:00Z' })
  from!: string;

  @ApiProperty({ example: '2026-11-25T00:00:00Z' })
  to!: string;

  @ApiProperty({ example: { EUR: { gross: 12900, refunds: 2500, net: 10400 } } })
  totals!: Record<string, MoneyDto>;

  @ApiProperty({ type: [RevenueBucketDto] })
  series!: RevenueBucketDto[];
}

export class FunnelStepDto {
  @ApiProperty({ example: 'Checkout Started' })
  name!: string;

  @ApiProperty({ example: 40 })
  users!: number;

  @ApiProperty({ example: 0.4, nullable: true, type: Number, description: 'Of the first step' })
  conversion!: number | null;

  @ApiProperty({ example: 0.8, nullable: true, type: Number, description: 'Of the previous step' })
  step_conversion!: number | null;
}

export class FunnelResultDto {
  @ApiProperty({ example: '2026-11-18T00:00:00Z' })
  from!: string;

  @ApiProperty({ example: '2026-11-25T00:00:00Z' })
  to!: string;

  @ApiProperty({ example: 86400 })
  window_seconds!: number;

  @ApiProperty({
    type: [FunnelStepDto],
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
  @ApiProperty({ example: '2026-11-16T00:00:00Z' })
  cohort_start!: string;

  @ApiProperty({ example: 50 })
  users!: number;

  @ApiProperty({
    example: [50, 21, 12],
    description: 'Users active in period k after signup (k = 0: the signup period)',
  })
  retained!: number[];

  @ApiProperty({ example: [1, 0.42, 0.24], type: [Number] })
  rates!: (number | null)[];
}

export class RetentionResultDto {
  @ApiProperty({ example: 'signup' })
  cohort!: string;

  @ApiProperty({ example: 'week' })
  interval!: string;

  @ApiProperty({ example: 'UTC' })
  timezone!: string;

  @ApiProperty({ example: '2026-11-16T00:00:00Z' })
  from!: string;

  @ApiProperty({ example: '2026-11-30T00:00:00Z' })
  to!: string;

  @ApiProperty({ type: [RetentionCohortDto] })
  cohorts!: RetentionCohortDto[];
}
