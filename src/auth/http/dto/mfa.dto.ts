import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class TotpCodeRequest {
  @ApiProperty({
    example: '123456',
    description: 'The current 6-digit code of the authenticator.',
    maxLength: 20,
  })
  @IsString()
  @Matches(/^\s*\d{6}\s*$/, { message: 'must be 6 digits' })
  code: string;
}

export class MfaVerifyRequest {
  @ApiProperty({
    example: 'mfa_Xq3v9LmT0bN2pR7sK4wY8zA1cE5gH6jU',
    description: 'From the login answer; single use, expires after 5 minutes.',
    maxLength: 200,
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  mfa_token: string;

  @ApiPropertyOptional({
    example: '123456',
    description: 'A TOTP code (or send recovery_code).',
    maxLength: 20,
  })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  code?: string;

  @ApiPropertyOptional({
    example: 'k7m2p-x9qrt',
    description: 'One of the recovery codes, instead of `code`; each works once.',
    maxLength: 40,
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  recovery_code?: string;
}

export class MfaReauthRequest {
  @ApiPropertyOptional({
    example: 'SecurePass123!',
    description: 'Your password (not needed with an aal2 session or a `code`).',
    maxLength: 1024,
  })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  password?: string;

  @ApiPropertyOptional({
    example: '123456',
    description: 'A current TOTP code (not needed with an aal2 session or a `password`).',
    maxLength: 20,
  })
  @IsOptional()
  @IsString()
  @MaxLength(20)
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
  })
  secret: string;

  @ApiProperty({
    example:
      'otpauth://totp/platform:user%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=platform',
    maxLength: 1024,
  })
  otpauth_url: string;

  @ApiProperty({
    example: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA…',
    description: 'PNG QR code of otpauth_url.',
    maxLength: 65536,
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
