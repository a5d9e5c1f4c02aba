import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsEmail, IsInt, IsOptional, Max, Min } from 'class-validator';
import { TextField } from '../../../platform/http/api-fields.js';

const trimLower = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** RFC 5321: an address is at most 254 characters. */
const EMAIL = { max: 254, format: 'email' };

/** A new password: the auth part checks the rest (common list, not the email). */
const NEW_PASSWORD = {
  min: 8,
  max: 128,
  lengthMessage: 'must be between 8 and 128 characters',
  description:
    '8 to 128 characters, never truncated; refused when among the 10,000 most common ' +
    'passwords or equal to the email.',
};

/**
 * A password to check against the stored hash. Wider than a new password: the bootstrap
 * admin's ADMIN_PASSWORD is not held to the policy, and a wrong password answers 401.
 */
const CURRENT_PASSWORD = { min: 1, max: 1024 };

/** Opaque tokens the auth part issues (prefix, `_`, base64url). */
const TOKEN = { min: 1, max: 256 };

export class RegisterRequest {
  @TextField({ ...EMAIL, example: 'user@example.com', description: 'Trimmed and lower-cased.' })
  @Transform(trimLower)
  @IsEmail({}, { message: 'must be a valid email address' })
  email: string;

  @TextField({ ...NEW_PASSWORD, example: 'SecurePass123!' })
  password: string;

  @TextField({ min: 1, max: 100, example: 'John Doe' })
  @Transform(trim)
  name: string;
}

export class LoginRequest {
  @TextField({ ...EMAIL, example: 'user@example.com' })
  @Transform(trimLower)
  @IsEmail({}, { message: 'must be a valid email address' })
  email: string;

  @TextField({ ...CURRENT_PASSWORD, example: 'SecurePass123!' })
  password: string;
}

export class RefreshRequest {
  @TextField({
    min: 1,
    max: 4096,
    example: 'rt_4f3Jp0b2t9xQm1sWcVh8yZkLrA6nEoUdGiT5qPwXjBf',
    description: 'The refresh token from the last login or refresh.',
  })
  refresh_token: string;
}

export class ChangePasswordRequest {
  @TextField({ ...CURRENT_PASSWORD, example: 'SecurePass123!' })
  current_password: string;

  @TextField({ ...NEW_PASSWORD, example: 'EvenMoreSecure456?' })
  new_password: string;
}

export class ForgotPasswordRequest {
  @TextField({ ...EMAIL, example: 'user@example.com' })
  @Transform(trimLower)
  @IsEmail({}, { message: 'must be a valid email address' })
  email: string;
}

export class ResetPasswordRequest {
  @TextField({
    ...TOKEN,
    example: 'prt_Xb8kq2N1v0sLr7YwTz3cJm5hPdGa9uEoFiQe4KtWnRy',
    description: 'The token from the reset (or invitation) mail.',
  })
  token: string;

  @TextField({ ...NEW_PASSWORD, example: 'EvenMoreSecure456?' })
  password: string;
}

export class VerifyEmailRequest {
  @TextField({
    ...TOKEN,
    example: 'evt_Qm3Lr8sT1vXb0kN2wYz7cJ5hPdGa9uEoFiAe4KtWnRy',
    description: 'The token from the verification mail.',
  })
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

  @TextField({ optional: true, max: 300, description: 'next_cursor of the previous page' })
  cursor?: string;
}
