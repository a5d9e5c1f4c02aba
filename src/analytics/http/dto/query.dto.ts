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
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

const FROM = {
  description:
    'Start (inclusive). A date (`2026-03-29`) or date-time without offset is wall-clock time in `timezone`; with an offset it is that instant. Buckets are whole: the first one starts at or before it.',
  example: '2026-03-28',
};
const TO = { description: 'End (exclusive), same forms as from.', example: '2026-03-31' };
const TZ = {
  description: 'IANA time zone the buckets are aligned in (default UTC).',
  example: 'Europe/Berlin',
};

export class RangeQueryDto {
  @ApiProperty(FROM)
  @IsString()
  @MaxLength(40)
  from!: string;

  @ApiProperty(TO)
  @IsString()
  @MaxLength(40)
  to!: string;

  @ApiPropertyOptional({ enum: ['hour', 'day', 'week', 'month'], default: 'day', example: 'day' })
  @IsOptional()
  @IsIn(['hour', 'day', 'week', 'month'])
  interval?: 'hour' | 'day' | 'week' | 'month';

  @ApiPropertyOptional(TZ)
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timezone?: string;
}

export class EventMetricsQueryDto extends RangeQueryDto {
  @ApiPropertyOptional({
    description: 'Event name (default: every event)',
    example: 'Checkout Started',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({
    description: 'Split by one property; the top `limit` values by count, the rest in `other`.',
    example: 'properties.plan',
  })
  @IsOptional()
  @Matches(/^properties\.[A-Za-z0-9_$:.-]{1,64}$/, { message: 'group_by must be properties.<key>' })
  group_by?: string;

  @ApiPropertyOptional({ description: 'Top-N groups (1-100)', default: 10, example: 5 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class ActiveUsersQueryDto extends RangeQueryDto {}

export class RevenueQueryDto extends RangeQueryDto {
  @ApiPropertyOptional({
    description: 'ISO 4217 currency (default: every currency seen)',
    example: 'EUR',
  })
  @IsOptional()
  @Matches(/^[A-Za-z]{3}$/, { message: 'currency must be an ISO 4217 code such as EUR' })
  currency?: string;
}

export class FunnelDto {
  @ApiProperty({
    description: '2 to 10 event names, in order',
    example: ['Product Viewed', 'Checkout Started', 'Order Completed'],
  })
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  steps!: string[];

  @ApiProperty({
    description: 'Every later step must happen within this many seconds of the first step',
    example: 86400,
  })
  @IsInt()
  @Min(1)
  @Max(31622400)
  window_seconds!: number;

  @ApiProperty({
    ...FROM,
    description: 'First steps from (inclusive)',
    example: '2026-11-18T00:00:00Z',
  })
  @IsString()
  @MaxLength(40)
  from!: string;

  @ApiProperty({
    ...TO,
    description: 'First steps until (exclusive); later steps may follow within the window',
    example: '2026-11-25T00:00:00Z',
  })
  @IsString()
  @MaxLength(40)
  to!: string;

  @ApiPropertyOptional({
    ...TZ,
    description: 'Zone for from/to given without offset (default UTC)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
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

  @ApiProperty({ ...FROM, description: 'Cohorts from (whole buckets)', example: '2026-10-01' })
  @IsString()
  @MaxLength(40)
  from!: string;

  @ApiProperty({ ...TO, description: 'Cohorts until (exclusive)', example: '2026-11-26' })
  @IsString()
  @MaxLength(40)
  to!: string;

  @ApiPropertyOptional(TZ)
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timezone?: string;
}
