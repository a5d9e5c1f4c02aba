import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { apiDateTime, apiId } from '../../../platform/http/api-fields.js';

const USER_ID = 'usr_0mhx3k2a1b9q3x7c2v8k4p1z5n';
const CREATED = '2026-11-25T02:13:05.120Z';
const LOCALE = { type: String, nullable: true, maxLength: 35, description: 'BCP 47' };
const TIMEZONE = { type: String, nullable: true, maxLength: 64, description: 'IANA' };

/** `GET /users/{user_id}`: the seed's shape. */
export class PublicUserDto {
  @ApiProperty(apiId('usr', USER_ID))
  id: string;

  @ApiProperty({ example: 'ada@example.com', format: 'email', maxLength: 254 })
  email: string;

  @ApiProperty({ example: 'Ada Lovelace', maxLength: 100 })
  name: string;

  @ApiProperty(apiDateTime(CREATED))
  created_at: string;

  @ApiProperty({ enum: ['member', 'admin'], example: 'member' })
  role: 'member' | 'admin';
}

/** `GET /users/me`: the caller's profile. */
export class ProfileDto extends PublicUserDto {
  @ApiProperty({ example: true })
  email_verified: boolean;

  @ApiProperty({ ...LOCALE, example: 'en-GB' })
  locale: string | null;

  @ApiProperty({ ...TIMEZONE, example: 'Europe/London' })
  timezone: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    format: 'uri',
    maxLength: 2048,
    example: 'https://cdn.example.com/avatars/ada.png',
  })
  avatar_url: string | null;

  @ApiProperty(apiDateTime('2026-11-25T02:20:41.001Z'))
  updated_at: string;
}

/** What admins see of a user. */
export class AdminUserDto extends ProfileDto {
  @ApiProperty({ example: false, description: 'true when disabled or deleted' })
  disabled: boolean;

  @ApiProperty({
    ...apiDateTime(CREATED),
    nullable: true,
    example: null,
    description: 'When deletion was requested; the data is erased USER_RETENTION_DAYS later',
  })
  deleted_at: string | null;
}

export class UserPageDto {
  @ApiProperty({ type: [AdminUserDto], maxItems: 100, description: 'At most `limit`' })
  data: AdminUserDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    maxLength: 200,
    example: 'djE6dXNyXzBtaHgzazJhMWI5cTN4N2MydjhrNHAxejVu',
    description: 'Pass as `cursor` for the next page; null on the last page',
  })
  next_cursor: string | null;
}

export class NotificationsDto {
  @ApiProperty({ example: true, description: 'Always on: security mail cannot be turned off' })
  security: boolean;

  @ApiProperty({ example: true })
  product: boolean;

  @ApiProperty({ example: false })
  marketing: boolean;
}

export class PreferencesDto {
  @ApiProperty({ ...LOCALE, example: 'de-DE' })
  locale: string | null;

  @ApiProperty({ ...TIMEZONE, example: 'Europe/Berlin' })
  timezone: string | null;

  @ApiProperty({ enum: ['light', 'dark', 'system'], example: 'dark' })
  theme: 'light' | 'dark' | 'system';

  @ApiProperty({ type: NotificationsDto })
  notifications: NotificationsDto;

  @ApiProperty({
    description: 'A free JSON object for clients, at most 16 KB',
    type: 'object',
    additionalProperties: true,
    example: { dashboard: { pinned: ['revenue', 'signups'] } },
  })
  custom: Record<string, unknown>;
}

export class UserExportDto {
  @ApiProperty({ example: 'platform.user-export.v1', enum: ['platform.user-export.v1'] })
  format: string;

  @ApiProperty(apiDateTime('2026-11-25T03:00:00.000Z'))
  exported_at: string;

  @ApiProperty(apiId('usr', USER_ID))
  user_id: string;

  @ApiProperty({ type: AdminUserDto })
  profile: AdminUserDto;

  @ApiProperty({ type: PreferencesDto })
  preferences: PreferencesDto;

  @ApiPropertyOptional({
    description:
      'From the auth part: credentials metadata, sessions, security audit and two-factor state ' +
      '(never the TOTP secret or recovery codes)',
    example: {
      sessions: [{ id: 'ses_0mhx3k2a1b9q3x7c2v8k4p1z5n', created_at: CREATED, ip: '203.0.113.7' }],
      audit: [{ type: 'login.succeeded', at: CREATED }],
      mfa: {
        totp: { status: 'active', created_at: CREATED, activated_at: CREATED },
        recovery_codes: [{ created_at: CREATED, used_at: null }],
      },
    },
  })
  auth: unknown;

  @ApiPropertyOptional({
    description: 'From the payments part: payments and refunds',
    example: {
      payments: [{ id: 'pay_0mhx3k2a1b9q3x7c2v8k4p1z5n', amount: 1999, currency: 'EUR' }],
    },
  })
  payments: unknown;

  @ApiPropertyOptional({
    description: 'From the analytics part: events about the user',
    example: { events: [{ name: 'signup', timestamp: CREATED }] },
  })
  analytics: unknown;
}
