import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class RegisteredUserResponse {
  @ApiProperty({ example: 'usr_01hx3k9v2m8q4r7t6y5w' }) id: string;
  @ApiProperty({ example: 'user@example.com' }) email: string;
  @ApiProperty({ example: 'John Doe' }) name: string;
  @ApiProperty({ example: 'member', enum: ['member', 'admin'] }) role: string;
  @ApiProperty({ example: false }) email_verified: boolean;
  @ApiProperty({ example: '2026-01-15T10:30:00.000Z', format: 'date-time' }) created_at: string;
}

export class TokenPairResponse {
  @ApiProperty({
    example:
      'eyJhbGciOiJIUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiJ1c3JfMDFoeDNrOXYybThxNHI3dDZ5NXciLCJzaWQiOiJzZXNfMDFoeDNrYTBiMWMyZDNlNGY1ZzYiLCJyb2xlIjoibWVtYmVyIn0.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
    description: 'JWT (HS256), sent as `Authorization: Bearer <token>`.',
  })
  access_token: string;

  @ApiProperty({
    example: 'rt_4f3Jp0b2t9xQm1sWcVh8yZkLrA6nEoUdGiT5qPwXjBf',
    description: 'Opaque; single use: each refresh returns a new one.',
  })
  refresh_token: string;

  @ApiProperty({ example: 3600, description: 'Seconds until the access token expires.' })
  expires_in: number;

  @ApiProperty({ example: 'Bearer', enum: ['Bearer'] }) token_type: 'Bearer';
}

export class SessionResponse {
  @ApiProperty({ example: 'ses_01hx3ka0b1c2d3e4f5g6' }) id: string;
  @ApiProperty({ example: '2026-01-15T10:30:00.000Z', format: 'date-time' }) created_at: string;
  @ApiProperty({ example: '2026-01-15T11:25:00.000Z', format: 'date-time' })
  last_used_at: string;
  @ApiProperty({ example: '203.0.113.7', nullable: true, type: String }) ip: string | null;
  @ApiProperty({ example: 'Mozilla/5.0 (X11; Linux x86_64)', nullable: true, type: String })
  user_agent: string | null;
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

export class AuditEntryResponse {
  @ApiProperty({ example: 'aud_01hx3kb2c3d4e5f6g7h8' }) id: string;
  @ApiProperty({
    example: 'login.succeeded',
    description:
      'user.registered, user.invited, login.succeeded, login.failed, account.locked, ' +
      'token.refresh_reuse, session.revoked, logout, password.changed, ' +
      'password.reset_requested, password.reset, email.verified, identity.linked',
  })
  type: string;
  @ApiProperty({ example: '2026-01-15T10:30:00.000Z', format: 'date-time' }) created_at: string;
  @ApiProperty({ example: '203.0.113.7', nullable: true, type: String }) ip: string | null;
  @ApiProperty({ example: 'Mozilla/5.0 (X11; Linux x86_64)', nullable: true, type: String })
  user_agent: string | null;
  @ApiProperty({ example: 'ses_01hx3ka0b1c2d3e4f5g6', nullable: true, type: String })
  session_id: string | null;
  @ApiProperty({ example: '7f6c1a2e-1b9d-4f7a-9a47-3c1f2b8d9e01', nullable: true, type: String })
  request_id: string | null;
}

export class AuditPageResponse {
  @ApiProperty({ type: [AuditEntryResponse] }) items: AuditEntryResponse[];
  @ApiPropertyOptional({
    example: 'eyJ0IjoiMjAyNi0wMS0xNVQxMDozMDowMC4wMDBaIiwiaWQiOiJhdWRfMDFoeDNrIn0',
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the next (older) page; null on the last page.',
  })
  next_cursor: string | null;
}

class FieldErrorDto {
  @ApiProperty({ example: 'password' }) field: string;
  @ApiProperty({ example: 'is too common: choose a password that is not widely used' })
  message: string;
}

/** RFC 9457 problem details (application/problem+json). */
export class ProblemResponse {
  @ApiProperty({ example: 'https://platform.dev/problems/invalid-credentials' }) type: string;
  @ApiProperty({ example: 'Unauthorized' }) title: string;
  @ApiProperty({ example: 401 }) status: number;
  @ApiProperty({ example: 'The email or password is incorrect.' }) detail: string;
  @ApiProperty({ example: '/api/v1/auth/login' }) instance: string;
  @ApiProperty({ example: '7f6c1a2e-1b9d-4f7a-9a47-3c1f2b8d9e01' }) request_id: string;
  @ApiPropertyOptional({ type: [FieldErrorDto] }) errors?: FieldErrorDto[];
  @ApiPropertyOptional({ example: 30, description: 'With 429: seconds to wait.' })
  retry_after?: number;
}
