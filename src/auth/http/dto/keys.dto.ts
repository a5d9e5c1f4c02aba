import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const KID = 'mT1yH4bq9vT3cX2rZ0nW8kP5sL7dF6gJ4aB1eC9hQ0u';
const date = (example: string, description: string, nullable = false) =>
  ApiProperty({ example, description, format: 'date-time', maxLength: 30, type: String, nullable });
const strings = (example: string[], description: string, maxItems = 10) =>
  ApiProperty({
    example,
    description,
    type: 'array',
    items: { type: 'string', maxLength: 100 },
    maxItems,
  });
const url = (example: string, description: string) =>
  ApiProperty({ example, description, format: 'uri', maxLength: 2048 });

/** A public key (RFC 7517): EC P-256 for ES256, OKP Ed25519 for EdDSA. */
export class JwkResponse {
  @ApiProperty({ example: 'EC', enum: ['EC', 'OKP'] }) kty: string;
  @ApiProperty({ example: 'P-256', enum: ['P-256', 'Ed25519'] }) crv: string;
  @ApiProperty({ example: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', maxLength: 64 })
  x: string;
  @ApiPropertyOptional({
    example: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
    maxLength: 64,
    description: 'EC keys only.',
  })
  y?: string;
  @ApiProperty({ example: KID, maxLength: 64, description: 'RFC 7638 thumbprint (SHA-256).' })
  kid: string;
  @ApiProperty({ example: 'ES256', enum: ['ES256', 'EdDSA'] }) alg: string;
  @ApiProperty({ example: 'sig', enum: ['sig'] }) use: string;
}

export class JwksResponse {
  @ApiProperty({
    type: [JwkResponse],
    maxItems: 50,
    description:
      'Keys that sign or may have signed a token still valid: the next key (published before ' +
      'it signs), the active key and retired keys until their tokens have expired. Always ' +
      'empty with HS256: the shared secret is never published.',
  })
  keys: JwkResponse[];
}

export class OpenIdConfigurationResponse {
  @ApiProperty({
    example: 'https://id.example.com',
    maxLength: 2048,
    description:
      'JWT_ISSUER, the `iss` of every token (a URL for OpenID Connect clients; `platform` by default).',
  })
  issuer: string;
  @url('https://id.example.com/.well-known/jwks.json', 'The public signing keys.')
  jwks_uri: string;
  @url('https://id.example.com/api/v1/oauth/authorize', 'Authorization code flow, with PKCE.')
  authorization_endpoint: string;
  @url('https://id.example.com/api/v1/oauth/token', 'Token endpoint.') token_endpoint: string;
  @url('https://id.example.com/api/v1/oauth/revoke', 'RFC 7009 revocation.')
  revocation_endpoint: string;
  @url('https://id.example.com/api/v1/oauth/introspect', 'RFC 7662 introspection.')
  introspection_endpoint: string;
  @strings(['authorization_code', 'refresh_token', 'client_credentials'], 'Grant types.')
  grant_types_supported: string[];
  @strings(['code'], 'Response types.') response_types_supported: string[];
  @strings(['query'], 'Response modes.') response_modes_supported: string[];
  @strings(['public'], 'Subject identifier types.') subject_types_supported: string[];
  @strings(['S256'], 'PKCE methods (plain is refused).')
  code_challenge_methods_supported: string[];
  @strings(['client_secret_basic', 'client_secret_post', 'none'], 'Client authentication.')
  token_endpoint_auth_methods_supported: string[];
  @strings(['client_secret_basic', 'client_secret_post', 'none'], 'Client authentication.')
  revocation_endpoint_auth_methods_supported: string[];
  @strings(['client_secret_basic', 'client_secret_post'], 'Client authentication.')
  introspection_endpoint_auth_methods_supported: string[];
  @strings(['ES256'], 'JWT_ALGORITHM.') id_token_signing_alg_values_supported: string[];
  @strings(['openid', 'profile', 'email', 'offline_access'], 'Scopes.', 50)
  scopes_supported: string[];
  @strings(['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'email'], 'ID token claims.', 50)
  claims_supported: string[];
  @ApiProperty({ example: true, description: 'RFC 9207: authorization responses carry `iss`.' })
  authorization_response_iss_parameter_supported: boolean;
}

export class SigningKeyResponse {
  @ApiProperty({ example: KID, maxLength: 64 }) kid: string;
  @ApiProperty({ example: 'ES256', enum: ['ES256', 'EdDSA'] }) alg: string;
  @ApiProperty({
    example: 'next',
    enum: ['next', 'active', 'retired'],
    description:
      'next: published, not signing yet; active: signs new tokens; retired: published until ' +
      'every token it signed has expired.',
  })
  state: string;
  @date('2026-01-15T10:30:00.000Z', 'When the key was made.') created_at: string;
  @date('2026-01-15T11:30:00.000Z', 'When it starts (or started) signing.')
  activates_at: string;
  @date('2026-02-15T11:30:00.000Z', 'When it stops (or stopped) signing.', true)
  retires_at: string | null;
  @date('2026-02-15T12:30:05.000Z', 'When it leaves the JWKS.', true)
  published_until: string | null;
}

export class SigningKeyListResponse {
  @ApiProperty({ example: 'ES256', enum: ['HS256', 'ES256', 'EdDSA'] }) alg: string;
  @ApiProperty({
    example: 3600,
    format: 'int32',
    minimum: 1,
    maximum: 604800,
    description: 'JWT_KEY_PUBLISH_DELAY_S: seconds between publishing a key and signing with it.',
  })
  publish_delay_s: number;
  @ApiProperty({
    type: [SigningKeyResponse],
    maxItems: 50,
    description: 'Published keys, oldest first (none with HS256).',
  })
  keys: SigningKeyResponse[];
}

export class KeyRotationResponse {
  @ApiProperty({ type: SigningKeyResponse, description: 'The new key (state next).' })
  key: SigningKeyResponse;
  @ApiProperty({
    type: SigningKeyResponse,
    nullable: true,
    description: 'The key it replaces: it retires when the new key activates.',
  })
  previous: SigningKeyResponse | null;
}
