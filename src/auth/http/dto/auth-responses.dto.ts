import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { MAX_LISTED_SESSIONS } from '../../../contracts/auth/auth.dto.js';
import { apiDateTime, apiId } from '../../../platform/http/api-fields.js';

const IP = { type: String, nullable: true, maxLength: 45, example: '203.0.113.7' };
/** The gateway keeps the first 512 characters of User-Agent. */
const USER_AGENT = {
  type: String,
  nullable: true,
  maxLength: 512,
  example: 'Mozilla/5.0 (X11; Linux x86_64)',
};
const AUDIT_TYPES =
  'user.registered, user.invited, login.succeeded, login.failed, account.locked, ' +
  'token.refresh_reuse, session.revoked, logout, password.changed, ' +
  'password.reset_requested, password.reset, email.verified, identity.linked, mfa.*';

export class RegisteredUserResponse {
  @ApiProperty(apiId('usr', 'usr_01hx3k9v2m8q4r7t6y5w')) id: string;
  @ApiProperty({ example: 'user@example.com', format: 'email', maxLength: 254 }) email: string;
  @ApiProperty({ example: 'John Doe', maxLength: 100 }) name: string;
  @ApiProperty({ example: 'member', enum: ['member', 'admin'] }) role: string;
  @ApiProperty({ example: false }) email_verified: boolean;
  @ApiProperty(apiDateTime('2026-01-15T10:30:00.000Z')) created_at: string;
}

export class TokenPairResponse {
  @ApiProperty({
    example:
      'eyJhbGciOiJIUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiJ1c3JfMDFoeDNrOXYybThxNHI3dDZ5NXciLCJzaWQiOiJzZXNfMDFoeDNrYTBiMWMyZDNlNGY1ZzYiLCJyb2xlIjoibWVtYmVyIn0.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
    description: 'JWT (HS256), sent as `Authorization: Bearer <token>`.',
    maxLength: 4096,
    pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$',
  })
  access_token: string;

  @ApiProperty({
    example: 'rt_4f3Jp0b2t9xQm1sWcVh8yZkLrA6nEoUdGiT5qPwXjBf',
    description: 'Opaque; single use: each refresh returns a new one.',
    maxLength: 256,
  })
  refresh_token: string;

  @ApiProperty({ example: 3600, description: 'Seconds until the access token expires.' })
  expires_in: number;

  @ApiProperty({ example: 'Bearer', enum: ['Bearer'] }) token_type: 'Bearer';
}

export class SessionResponse {
  @ApiProperty(apiId('ses', 'ses_01hx3ka0b1c2d3e4f5g6')) id: string;
  @ApiProperty(apiDateTime('2026-01-15T10:30:00.000Z')) created_at: string;
  @ApiProperty(apiDateTime('2026-01-15T11:25:00.000Z')) last_used_at: string;
  @ApiProperty(IP) ip: string | null;
  @ApiProperty(USER_AGENT) user_agent: string | null;
  @ApiProperty({ example: true, description: 'The session of the token making this call.' })
  current: boolean;
  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    maxLength: 40,
    description:
      'The OAuth client (`cli_…`) the user signed in to; null for a first-party sign-in.',
  })
  client_id: string | null;
}

/** A list of sessions, newest first (register SessionResponse with ApiExtraModels). */
export const sessionList = () => ({
  type: 'array',
  maxItems: MAX_LISTED_SESSIONS,
  description: `The newest ${MAX_LISTED_SESSIONS} active sessions at most`,
  items: { $ref: getSchemaPath(SessionResponse) },
});

export class AuditEntryResponse {
  @ApiProperty(apiId('aud', 'aud_01hx3kb2c3d4e5f6g7h8')) id: string;
  @ApiProperty({
    example: 'login.succeeded',
    description: AUDIT_TYPES,
    maxLength: 64,
    pattern: '^[a-z_]+(\\.[a-z_]+)*$',
  })
  type: string;
  @ApiProperty(apiDateTime('2026-01-15T10:30:00.000Z')) created_at: string;
  @ApiProperty(IP) ip: string | null;
  @ApiProperty(USER_AGENT) user_agent: string | null;
  @ApiProperty({ ...apiId('ses', 'ses_01hx3ka0b1c2d3e4f5g6'), nullable: true })
  session_id: string | null;
  @ApiProperty({
    example: '7f6c1a2e-1b9d-4f7a-9a47-3c1f2b8d9e01',
    nullable: true,
    type: String,
    maxLength: 128,
  })
  request_id: string | null;
}

export class AuditPageResponse {
  @ApiProperty({ type: [AuditEntryResponse], maxItems: 100 }) items: AuditEntryResponse[];
  @ApiPropertyOptional({
    example: 'eyJ0IjoiMjAyNi0wMS0xNVQxMDozMDowMC4wMDBaIiwiaWQiOiJhdWRfMDFoeDNrIn0',
    nullable: true,
    type: String,
    maxLength: 300,
    pattern: '^[A-Za-z0-9_-]+$',
    description: 'Pass as `cursor` for the next (older) page; null on the last page.',
  })
  next_cursor: string | null;
}
