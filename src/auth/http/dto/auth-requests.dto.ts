import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsEmail,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

const trimLower = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** Checked in full (length in characters, common list, not the email) by the auth part. */
const PASSWORD_DOC = {
  minLength: 8,
  maxLength: 128,
  description:
    '8 to 128 characters, never truncated; refused when among the 10,000 most common ' +
    'passwords or equal to the email.',
};

export class RegisterRequest {
  @ApiProperty({ example: 'user@example.com', description: 'Trimmed and lower-cased.' })
  @Transform(trimLower)
  @IsEmail({}, { message: 'must be a valid email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'SecurePass123!', ...PASSWORD_DOC })
  @IsString()
  @MaxLength(1024)
  password: string;

  @ApiProperty({ example: 'John Doe', minLength: 1, maxLength: 100 })
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  name: string;
}

export class LoginRequest {
  @ApiProperty({ example: 'user@example.com' })
  @Transform(trimLower)
  @IsEmail({}, { message: 'must be a valid email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'SecurePass123!' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  password: string;
}

export class RefreshRequest {
  @ApiProperty({
    example: 'rt_4f3Jp0b2t9xQm1sWcVh8yZkLrA6nEoUdGiT5qPwXjBf',
    description: 'The refresh token from the last login or refresh.',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  refresh_token: string;
}

export class ChangePasswordRequest {
  @ApiProperty({ example: 'SecurePass123!' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  current_password: string;

  @ApiProperty({ example: 'EvenMoreSecure456?', ...PASSWORD_DOC })
  @IsString()
  @MaxLength(1024)
  new_password: string;
}

export class ForgotPasswordRequest {
  @ApiProperty({ example: 'user@example.com' })
  @Transform(trimLower)
  @IsEmail({}, { message: 'must be a valid email address' })
  @MaxLength(254)
  email: string;
}

export class ResetPasswordRequest {
  @ApiProperty({
    example: 'prt_Xb8kq2N1v0sLr7YwTz3cJm5hPdGa9uEoFiQe4KtWnRy',
    description: 'The token from the reset (or invitation) mail.',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  token: string;

  @ApiProperty({ example: 'EvenMoreSecure456?', ...PASSWORD_DOC })
  @IsString()
  @MaxLength(1024)
  password: string;
}

export class VerifyEmailRequest {
  @ApiProperty({
    example: 'evt_Qm3Lr8sT1vXb0kN2wYz7cJ5hPdGa9uEoFiAe4KtWnRy',
    description: 'The token from the verification mail.',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  token: string;
}

export class AuditQuery {
  @ApiPropertyOptional({ example: 20, minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'next_cursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  cursor?: string;
}
