import { ApiProperty } from '@nestjs/swagger';
import { TextField } from '../../../platform/http/api-fields.js';

/** A 6-digit TOTP code; surrounding spaces (from copy and paste) are allowed. */
const TOTP_CODE = /^\s*\d{6}\s*$/;

export class TotpCodeRequest {
  @TextField({
    max: 20,
    pattern: TOTP_CODE,
    patternMessage: 'must be 6 digits',
    example: '123456',
    description: 'The current 6-digit code of the authenticator.',
  })
  code: string;
}

export class MfaVerifyRequest {
  @TextField({
    min: 1,
    max: 200,
    example: 'mfa_Xq3v9LmT0bN2pR7sK4wY8zA1cE5gH6jU',
    description: 'From the login answer; single use, expires after 5 minutes.',
  })
  mfa_token: string;

  @TextField({
    optional: true,
    max: 20,
    example: '123456',
    description: 'A TOTP code (or send recovery_code).',
  })
  code?: string;

  @TextField({
    optional: true,
    max: 40,
    example: 'k7m2p-x9qrt',
    description: 'One of the recovery codes, instead of `code`; each works once.',
  })
  recovery_code?: string;
}

export class MfaReauthRequest {
  @TextField({
    optional: true,
    max: 1024,
    example: 'SecurePass123!',
    description: 'Your password (not needed with an aal2 session or a `code`).',
  })
  password?: string;

  @TextField({
    optional: true,
    max: 20,
    example: '123456',
    description: 'A current TOTP code (not needed with an aal2 session or a `password`).',
  })
  code?: string;
}

export class MfaChallengeResponse {
  @ApiProperty({ example: true, enum: [true] }) mfa_required: true;
  @ApiProperty({ example: 'mfa_Xq3v9LmT0bN2pR7sK4wY8zA1cE5gH6jU', maxLength: 200 })
  mfa_token: string;
  @ApiProperty({ example: 300, description: 'Seconds until the mfa_token expires.' })
  expires_in: number;
}

export class TotpSetupResponse {
  @ApiProperty({
    example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
    description: 'Base32, for manual entry.',
    maxLength: 128,
    pattern: '^[A-Z2-7]+=*$',
  })
  secret: string;

  @ApiProperty({
    example:
      'otpauth://totp/platform:user%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=platform',
    maxLength: 1024,
    pattern: '^otpauth://totp/',
  })
  otpauth_url: string;

  @ApiProperty({
    example: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA…',
    description: 'PNG QR code of otpauth_url.',
    maxLength: 65536,
    pattern: '^data:image/png;base64,',
  })
  qr_code: string;
}

export class RecoveryCodesResponse {
  @ApiProperty({
    example: ['k7m2p-x9qrt', 'a3f8d-h2jkw'],
    description: '10 single-use codes. Shown only now: the platform keeps only their hashes.',
    type: 'array',
    items: { type: 'string', maxLength: 40 },
    maxItems: 10,
  })
  recovery_codes: string[];
}

export class MfaStatusResponse {
  @ApiProperty({ example: true }) totp_enabled: boolean;
  @ApiProperty({ example: 9 }) recovery_codes_remaining: number;
}
