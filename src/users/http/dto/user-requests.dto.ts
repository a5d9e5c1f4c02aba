import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

const ROLES = ['member', 'admin'];

/** `PATCH /users/me`: these four fields only (anything else, `role` included, is a 400). */
export class UpdateMeDto {
  @ApiPropertyOptional({ example: 'Ada King', minLength: 1, maxLength: 100 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'en-GB', description: 'BCP 47' })
  @IsOptional()
  @IsString()
  @MaxLength(35)
  locale?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'Europe/London',
    description: 'IANA time-zone name',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timezone?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'https://cdn.example.com/avatars/ada.png',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  avatar_url?: string | null;
}

/** `DELETE /users/me`. */
export class DeleteMeDto {
  @ApiPropertyOptional({
    example: 'correct horse battery staple',
    description: 'Your password; optional when you signed in less than 5 minutes ago',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
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
  @ApiPropertyOptional({ type: String, nullable: true, example: 'de-DE' })
  locale?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Europe/Berlin' })
  timezone?: string | null;

  @ApiPropertyOptional({ enum: ['light', 'dark', 'system'], nullable: true, example: 'dark' })
  theme?: string | null;

  @ApiPropertyOptional({ type: NotificationsPatchDto, nullable: true })
  notifications?: NotificationsPatchDto | null;

  @ApiPropertyOptional({
    description:
      'A JSON object merged into the stored one (null members are removed; null resets it to {}); at most 16 KB',
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

  @ApiPropertyOptional({
    description: 'next_cursor of the previous page',
    example: 'djE6dXNyXzBtaHgzazJhMWI5cTN4N2MydjhrNHAxejVu',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({
    description: 'Exact email (case-insensitive)',
    example: 'ada@example.com',
  })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ enum: ROLES, example: 'admin' })
  @IsOptional()
  @IsIn(ROLES)
  role?: 'member' | 'admin';

  @ApiPropertyOptional({ description: 'Substring of the email or name', example: 'lovelace' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}

/** `POST /users` (admin): the user gets an invitation mail to set a password. */
export class CreateUserDto {
  @ApiProperty({ example: 'grace@example.com' })
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'Grace Hopper', minLength: 1, maxLength: 100 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name: string;

  @ApiPropertyOptional({ enum: ROLES, default: 'member', example: 'admin' })
  @IsOptional()
  @IsIn(ROLES)
  role?: 'member' | 'admin';
}

/** `PATCH /users/{user_id}` (admin). */
export class AdminUpdateUserDto {
  @ApiPropertyOptional({ example: 'Grace B. Hopper', minLength: 1, maxLength: 100 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
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
