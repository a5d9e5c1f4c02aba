import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray } from 'class-validator';

/** One event (documentation of the shape; each event is checked by the analytics part). */
export class IngestEventDto {
  @ApiPropertyOptional({
    description:
      'Your id for the event (1-128 of A-Z a-z 0-9 . _ : @ -). Sending it again is a duplicate, never counted twice.',
    example: 'web_2f6c1a9e-0d7b-4c55-9f0e-3a1f0e6b7d21',
  })
  event_id?: string;

  @ApiProperty({
    description:
      'Event name, 1-200 characters. Names starting with auth., users., payments., analytics. or gateway. are reserved for platform events.',
    example: 'Checkout Started',
  })
  name!: string;

  @ApiPropertyOptional({
    description:
      'The user it is about. A signed-in caller may only send their own (default: the caller).',
    example: 'usr_0mh8c0a1b2x7k3p9q4r5s6t7',
  })
  user_id?: string;

  @ApiPropertyOptional({
    description: 'Device or visitor id before sign-in.',
    example: 'anon_8f14e45f',
  })
  anonymous_id?: string;

  @ApiPropertyOptional({
    description:
      'When it happened, ISO 8601 with offset; at most 7 days back and 1 hour ahead. Default: when received.',
    example: '2026-11-25T09:41:00+01:00',
  })
  timestamp?: string;

  @ApiPropertyOptional({
    description: 'Free JSON object, at most 32 KB.',
    example: { plan: 'pro', cart_value: 4900 },
    type: 'object',
    additionalProperties: true,
  })
  properties?: Record<string, unknown>;
}

export class IngestBatchDto {
  @ApiProperty({
    type: [IngestEventDto],
    description:
      'At most 500 events (1 MB per request). Each is accepted, a duplicate, or rejected on its own.',
    example: [
      {
        event_id: 'web_0001',
        name: 'Checkout Started',
        anonymous_id: 'anon_8f14e45f',
        properties: { plan: 'pro' },
      },
      {
        event_id: 'web_0002',
        name: 'Order Completed',
        user_id: 'usr_0mh8c0a1b2x7k3p9q4r5s6t7',
        timestamp: '2026-11-25T09:41:00Z',
      },
    ],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500, { message: 'a batch holds at most 500 events' })
  events!: unknown[];
}

/** Why one event was rejected: the field at fault (empty for the event itself) and the reason. */
export class IngestFieldErrorDto {
  @ApiProperty({ example: 'timestamp', maxLength: 100 })
  field!: string;

  @ApiProperty({ example: 'timestamp is more than 7 days in the past', maxLength: 300 })
  message!: string;
}

export class IngestRejectionDto {
  @ApiProperty({ example: 1, description: 'Position of the event in the batch' })
  index!: number;

  @ApiProperty({ type: [IngestFieldErrorDto] })
  errors!: IngestFieldErrorDto[];
}

export class IngestResultDto {
  @ApiProperty({ example: 498, description: 'Events stored now' })
  accepted!: number;

  @ApiProperty({
    example: 1,
    description: 'Events whose event_id was seen before (not stored again)',
  })
  duplicates!: number;

  @ApiProperty({ type: [IngestRejectionDto] })
  rejected!: IngestRejectionDto[];
}
