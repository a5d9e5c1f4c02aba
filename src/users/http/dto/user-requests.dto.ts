import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { TextField } from '../../../platform/http/api-fields.js';

const ROLES = ['member', 'admin'];

// The users part's rules (src/users/domain/user.rules.ts) check the content; these bound it.
const NAME = { min: 1, max: 100 };
const EMAIL = { max: 254, format: 'email' };
const LOCALE = { max: 35, description: 'BCP 47 language tag' };
const TIMEZONE = { max: 64, description: 'IANA time-zone name' };

/** `PATCH /users/me`: these four fields only (anything else, `role` included, is a 400). */
export class UpdateMeDto {
  @TextField({ ...NAME, optional: true, example: 'Ada King' })
  name?: string;

  @TextField({ ...LOCALE, optional: true, nullable: true, example: 'en-GB' })
  locale?: string | null;

  @TextField({ ...TIMEZONE, optional: true, nullable: true, example: 'Europe/London' })
  timezone?: string | null;

  @TextField({
    optional: true,
    nullable: true,
    max: 2048,
    format: 'uri',
    description: 'An https or http URL',
    example: 'https://cdn.example.com/avatars/ada.png',
  })
  avatar_url?: string | null;
}

/** `DELETE /users/me`. */
export class DeleteMeDto {
  @TextField({
    optional: true,
    min: 1,
    max: 1024,
    example: 'correct horse battery staple',
    description: 'Your password; optional when you signed in less than 5 minutes ago',
  })
  password?: string;
}

class NotificationsPatchDto {
  @ApiPropertyOptional({ example: true, description: 'Always on; false is rejected' })
  security?: boolean;

  @ApiPropertyOptional({ type: Boolean, nullable: true, example: false })
  product?: boolean | null;

  @ApiPropertyOptional({ type: Boolean, nullable: true, example: true })
  marketing?: boolean | null;
}

/** `PATCH /users/me/preferences`: a JSON Merge Patch (RFC 7396); `null` resets a setting. */
export class PreferencesPatchDto {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: LOCALE.max,
    description: LOCALE.description,
    example: 'de-DE',
  })
  locale?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: TIMEZONE.max,
    description: TIMEZONE.description,
    example: 'Europe/Berlin',
  })
  timezone?: string | null;

  @ApiPropertyOptional({
    enum: ['light', 'dark', 'system', null],
    nullable: true,
    example: 'dark',
    description: '`null` resets it to `system`',
  })
  theme?: string | null;

  @ApiPropertyOptional({ type: NotificationsPatchDto, nullable: true })
  notifications?: NotificationsPatchDto | null;

  @ApiPropertyOptional({
    description:
      'A JSON object merged into the stored one (null members are removed); `null` clears it; at most 16 KB',
    type: 'object',
    additionalProperties: true,
    nullable: true,
    example: { dashboard: { pinned: ['revenue'] }, beta: null },
  })
  custom?: Record<string, unknown> | null;
}

/** `GET /users` query. */
export class ListUsersQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20, example: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @TextField({
    optional: true,
    max: 200,
    description: 'next_cursor of the previous page',
    example: 'djE6dXNyXzBtaHgzazJhMWI5cTN4N2MydjhrNHAxejVu',
  })
  cursor?: string;

  @TextField({
    optional: true,
    max: EMAIL.max,
    description: 'Exact email (case-insensitive)',
    example: 'ada@example.com',
  })
  email?: string;

  @ApiPropertyOptional({ enum: ROLES, example: 'admin' })
  @IsOptional()
  @IsIn(ROLES)
  role?: 'member' | 'admin';

  @TextField({
    optional: true,
    max: 100,
    description: 'Substring of the email or name',
    example: 'lovelace',
  })
  q?: string;
}

/** `POST /users` (admin): the user gets an invitation mail to set a password. */
export class CreateUserDto {
  @TextField({ ...EMAIL, example: 'grace@example.com' })
  @IsEmail()
  email: string;

  @TextField({ ...NAME, example: 'Grace Hopper' })
  name: string;

  @ApiPropertyOptional({ enum: ROLES, default: 'member', example: 'admin' })
  @IsOptional()
  @IsIn(ROLES)
  role?: 'member' | 'admin';
}

/** `PATCH /users/{user_id}` (admin). */
export class AdminUpdateUserDto {
  @TextField({ ...NAME, optional: true, example: 'Grace B. Hopper' })
  name?: string;

  @ApiPropertyOptional({ enum: ROLES, example: 'admin' })
  @IsOptional()
  @IsIn(ROLES)
  role?: 'member' | 'admin';

  @ApiPropertyOptional({ example: true, description: 'true signs the user out everywhere' })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}
