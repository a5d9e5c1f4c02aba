import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray } from 'class-validator';

// The limits below are the analytics part's rules (src/analytics/domain/event-rules.ts).
const ID = { maxLength: 128, pattern: '^[A-Za-z0-9._:@-]{1,128}$' };
const MAX_EVENTS = 500;
/** Up to 10 unknown fields, then one error per known field. */
const MAX_EVENT_ERRORS = 16;

/** One event (documentation of the shape; each event is checked by the analytics part). */
export class IngestEventDto {
  @ApiPropertyOptional({
    description:
      'Your id for the event (1-128 of A-Z a-z 0-9 . _ : @ -). Sending it again is a duplicate, never counted twice.',
    example: 'web_2f6c1a9e-0d7b-4c55-9f0e-3a1f0e6b7d21',
    ...ID,
  })
  event_id?: string;

  @ApiProperty({
    description:
      'Event name, 1-200 characters. Names starting with auth., users., payments., analytics. or gateway. are reserved for platform events.',
    example: 'Checkout Started',
    minLength: 1,
    maxLength: 200,
  })
  name!: string;

  @ApiPropertyOptional({
    description:
      'The user it is about. A signed-in caller may only send their own (default: the caller).',
    example: 'usr_0mh8c0a1b2x7k3p9q4r5s6t7',
    ...ID,
  })
  user_id?: string;

  @ApiPropertyOptional({
    description: 'Device or visitor id before sign-in.',
    example: 'anon_8f14e45f',
    ...ID,
  })
  anonymous_id?: string;

  @ApiPropertyOptional({
    description:
      'When it happened, ISO 8601 with offset; at most 7 days back and 1 hour ahead. Default: when received.',
    example: '2026-11-25T09:41:00+01:00',
    maxLength: 35,
    pattern:
      '^\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?([Zz]|[+-]\\d{2}:\\d{2})$',
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
    minItems: 1,
    maxItems: MAX_EVENTS,
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
  @ArrayMaxSize(MAX_EVENTS, { message: 'a batch holds at most 500 events' })
  events!: unknown[];
}

export class EventErrorDto {
  @ApiProperty({
    example: 'timestamp',
    maxLength: 64,
    description:
      'The field (an unknown one cut to 64 characters); empty when the event is not an object',
  })
  field!: string;

  @ApiProperty({ example: 'timestamp is more than 7 days in the past', maxLength: 200 })
  message!: string;
}

export class IngestRejectionDto {
  @ApiProperty({ example: 1, description: 'Position of the event in the batch' })
  index!: number;

  @ApiProperty({
    type: [EventErrorDto],
    maxItems: MAX_EVENT_ERRORS,
    description: 'Why: up to 10 unknown fields, then one error per field at fault',
  })
  errors!: EventErrorDto[];
}

export class IngestResultDto {
  @ApiProperty({ example: 498, description: 'Events stored now' })
  accepted!: number;

  @ApiProperty({
    example: 1,
    description: 'Events whose event_id was seen before (not stored again)',
  })
  duplicates!: number;

  @ApiProperty({ type: [IngestRejectionDto], maxItems: MAX_EVENTS })
  rejected!: IngestRejectionDto[];
}
