import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class SocialStartQuery {
  @ApiPropertyOptional({
    example: '/settings/security',
    description:
      'A path on the frontend to go back to afterwards; handed back as `return_to` next to ' +
      '`code` on FRONTEND_URL. Only `/…` paths (never another site).',
    maxLength: 512,
  })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  @Matches(/^\/(?![/\\])[^\s\\]*$/, { message: 'must be a path such as /settings' })
  return_to?: string;
}

export class SocialExchangeRequest {
  @ApiProperty({
    example: 'soc_Jf0b2t9xQm1sWcVh8yZkLrA6nEoUdGiT5qPwXjBf4',
    description: 'The `code` FRONTEND_URL received; single use, expires after 60 seconds.',
    maxLength: 200,
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  code: string;
}
