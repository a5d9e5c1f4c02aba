import {
  ApiProperty,
  ApiPropertyOptional,
  OmitType,
  PartialType,
  type ApiPropertyOptions,
} from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { OAUTH_GRANT_TYPES } from '../../../contracts/auth/oauth.dto.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

const CLIENT_ID = { example: 'cli_0mhx3k2a1b9q3x7c2v8k4p1z5n', maxLength: 40 };
const DATE = { example: '2026-01-15T10:30:00.000Z', format: 'date-time', maxLength: 30 };

const REDIRECT_URIS: ApiPropertyOptions = {
  type: 'array',
  items: { type: 'string', maxLength: 2000 },
  maxItems: 10,
  example: ['https://app.example.com/oauth/callback'],
  description:
    'Exact URIs the authorization endpoint may redirect to: https, or http on the loopback ' +
    'interface (localhost, 127.0.0.1, [::1]) for native apps; no fragment. Needed with ' +
    'authorization_code.',
};
const GRANT_TYPES: ApiPropertyOptions = {
  type: 'array',
  items: { type: 'string', enum: [...OAUTH_GRANT_TYPES] },
  maxItems: 3,
  example: ['authorization_code', 'refresh_token'],
  description:
    'client_credentials only for confidential clients; refresh_token comes with ' +
    'authorization_code.',
};
const SCOPES: ApiPropertyOptions = {
  type: 'array',
  items: { type: 'string', maxLength: 100 },
  maxItems: 50,
  example: ['openid', 'profile', 'email'],
  description:
    'The scopes the client may ask for (RFC 6749 §3.3 syntax). `openid` adds an ID token; ' +
    '`profile` lets its tokens read GET /users/me.',
};

export class CreateOAuthClientRequest {
  @ApiProperty({ example: 'Reporting dashboard', minLength: 1, maxLength: 100 })
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({
    enum: ['confidential', 'public'],
    example: 'confidential',
    description:
      'confidential: a server that keeps a secret (shown once in the answer). public: a ' +
      'browser or native app without a secret; it must use PKCE.',
  })
  @IsIn(['confidential', 'public'])
  type: 'confidential' | 'public';

  @ApiPropertyOptional(REDIRECT_URIS)
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(2000, { each: true })
  redirect_uris?: string[];

  @ApiProperty(GRANT_TYPES)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @IsIn(OAUTH_GRANT_TYPES, { each: true })
  grant_types: ('authorization_code' | 'client_credentials' | 'refresh_token')[];

  @ApiPropertyOptional(SCOPES)
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  scopes?: string[];
}

/** The same fields as registration, each optional; the type of a client never changes. */
export class UpdateOAuthClientRequest extends PartialType(
  OmitType(CreateOAuthClientRequest, ['type'] as const),
) {}

export class OAuthClientListQuery {
  @ApiPropertyOptional({ example: 50, minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ ...CLIENT_ID, description: 'next_cursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  cursor?: string;
}

export class OAuthClientResponse {
  @ApiProperty(CLIENT_ID) client_id: string;
  @ApiProperty({ example: 'Reporting dashboard', maxLength: 100 }) name: string;
  @ApiProperty({ enum: ['confidential', 'public'], example: 'confidential' })
  type: 'confidential' | 'public';
  @ApiProperty(REDIRECT_URIS) redirect_uris: string[];
  @ApiProperty(GRANT_TYPES) grant_types: string[];
  @ApiProperty(SCOPES) scopes: string[];
  @ApiProperty(DATE) created_at: string;
  @ApiProperty(DATE) updated_at: string;
  @ApiProperty({ ...DATE, nullable: true, type: String, example: null })
  secret_rotated_at: string | null;
}

export class OAuthClientWithSecretResponse extends OAuthClientResponse {
  @ApiPropertyOptional({
    example: 'cs_x4Jq0b2t9xQm1sWcVh8yZkLrA6nEoUdGiT5qPwXjBfk',
    maxLength: 100,
    description:
      'Confidential clients only. Shown this once: the platform keeps only its SHA-256 hash.',
  })
  client_secret?: string;
}

export class OAuthClientPageResponse {
  @ApiProperty({ type: [OAuthClientResponse], maxItems: 100 }) items: OAuthClientResponse[];
  @ApiProperty({ ...CLIENT_ID, nullable: true, type: String, description: 'null on the last page' })
  next_cursor: string | null;
}

export class OAuthTokenResponseDto {
  @ApiProperty({
    example:
      'eyJhbGciOiJIUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiJjbGlfMCJ9.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
    maxLength: 4096,
    description:
      'JWT access token (RFC 9068 claims: iss, sub, aud, exp, iat, jti, client_id, scope).',
  })
  access_token: string;
  @ApiProperty({ example: 'Bearer', enum: ['Bearer'] }) token_type: 'Bearer';
  @ApiProperty({ example: 3600, minimum: 1, maximum: 86400 }) expires_in: number;
  @ApiPropertyOptional({
    example: 'rt_4f3Jp0b2t9xQm1sWcVh8yZkLrA6nEoUdGiT5qPwXjBf',
    maxLength: 128,
    description: 'When the client may use refresh_token. Single use: each refresh rotates it.',
  })
  refresh_token?: string;
  @ApiProperty({ example: 'openid profile', maxLength: 5100 }) scope: string;
  @ApiPropertyOptional({
    example:
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c3JfMCJ9.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
    maxLength: 8192,
    description: 'OpenID Connect ID token, when the scope has openid.',
  })
  id_token?: string;
}

export class IntrospectionResponseDto {
  @ApiProperty({ example: true }) active: boolean;
  @ApiPropertyOptional({ example: 'openid profile', maxLength: 5100 }) scope?: string;
  @ApiPropertyOptional(CLIENT_ID) client_id?: string;
  @ApiPropertyOptional({ example: 'Bearer', enum: ['Bearer', 'refresh_token'] })
  token_type?: string;
  @ApiPropertyOptional({ example: 1768476600, minimum: 0, maximum: 99999999999 }) exp?: number;
  @ApiPropertyOptional({ example: 1768473000, minimum: 0, maximum: 99999999999 }) iat?: number;
  @ApiPropertyOptional({ example: 'usr_0mhx3k2a1b9q3x7c2v8k4p1z5n', maxLength: 40 }) sub?: string;
  @ApiPropertyOptional({ example: 'platform-api', maxLength: 200 }) aud?: string;
  @ApiPropertyOptional({ example: 'platform', maxLength: 200 }) iss?: string;
  @ApiPropertyOptional({ example: 'ZmVkY2JhOTg3NjU0', maxLength: 64 }) jti?: string;
  @ApiPropertyOptional({ example: 'ses_0mhx3k2a1b9q3x7c2v8k4p1z5n', maxLength: 40 }) sid?: string;
  @ApiPropertyOptional({ example: 1768473000, minimum: 0, maximum: 99999999999 })
  auth_time?: number;
  @ApiPropertyOptional({ example: 'aal1', maxLength: 10 }) acr?: string;
  @ApiPropertyOptional({
    example: ['pwd'],
    type: 'array',
    items: { type: 'string', maxLength: 10 },
    maxItems: 5,
  })
  amr?: string[];
}

/** RFC 6749 §5.2 error body. */
export class OAuthErrorResponse {
  @ApiProperty({
    example: 'invalid_grant',
    enum: [
      'invalid_request',
      'invalid_client',
      'invalid_grant',
      'unauthorized_client',
      'unsupported_grant_type',
      'invalid_scope',
      'unsupported_token_type',
    ],
  })
  error: string;
  @ApiProperty({
    example: 'The PKCE code_verifier does not match the challenge.',
    maxLength: 500,
  })
  error_description: string;
}

const param = (description: string, example: string, maxLength = 4096) => ({
  type: 'string',
  description,
  example,
  maxLength,
});

/** The form parameters of POST /oauth/token (application/x-www-form-urlencoded). */
export const TOKEN_REQUEST_SCHEMA = {
  type: 'object',
  required: ['grant_type'],
  properties: {
    grant_type: { type: 'string', enum: [...OAUTH_GRANT_TYPES], example: 'client_credentials' },
    client_id: param('With client_secret, or alone for a public client.', CLIENT_ID.example, 40),
    client_secret: param(
      'Or send client_id:client_secret as Authorization: Basic (not both).',
      'cs_x4Jq0b2t9xQm1sWcVh8yZkLrA6nEoUdGiT5qPwXjBfk',
      100,
    ),
    scope: param('Space-separated; at most what the client may ask for.', 'reports:read', 5100),
    code: param('authorization_code: the code from the redirect.', 'ac_Jp0b2t9xQm1sWcVh8yZkLr'),
    redirect_uri: param(
      'authorization_code: the same redirect_uri as in the authorization request.',
      'https://app.example.com/oauth/callback',
      2000,
    ),
    code_verifier: param(
      'authorization_code with PKCE: the verifier whose S256 hash was the code_challenge.',
      'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
      128,
    ),
    refresh_token: param(
      'refresh_token: the current refresh token.',
      'rt_4f3Jp0b2t9xQm1sWcVh8yZkLrA6nEoUdGiT5qPwXjBf',
      128,
    ),
  },
};

/** The form parameters of POST /oauth/revoke and /oauth/introspect. */
export const TOKEN_PARAM_SCHEMA = {
  type: 'object',
  required: ['token'],
  properties: {
    token: param(
      'An access token (JWT) or a refresh token.',
      'rt_4f3Jp0b2t9xQm1sWcVh8yZkLrA6nEoUdGiT5qPwXjBf',
    ),
    token_type_hint: {
      type: 'string',
      enum: ['access_token', 'refresh_token'],
      example: 'refresh_token',
    },
    client_id: TOKEN_REQUEST_SCHEMA.properties.client_id,
    client_secret: TOKEN_REQUEST_SCHEMA.properties.client_secret,
  },
};
