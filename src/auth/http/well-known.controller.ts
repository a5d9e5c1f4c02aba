import { Controller, Get, Header, Logger, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { PublicJwk } from '../../contracts/auth/jwt.js';
import {
  openIdConfiguration,
  type OpenIdConfiguration,
} from '../../contracts/auth/openid-metadata.js';
import { TokenVerifier } from '../../contracts/auth/token-verifier.js';
import { AppConfig } from '../../platform/config/config.js';
import { Public } from '../../platform/http/auth.decorators.js';
import { JwksResponse, OpenIdConfigurationResponse } from './dto/keys.dto.js';

/**
 * Discovery for relying parties, at the root (outside /api/v1): the public signing keys and
 * the OpenID Provider metadata. Both are served by the gateway from what it already holds
 * (its key cache and the configuration): no call to auth per request.
 */
@ApiTags('auth')
@Public()
@Controller('.well-known')
export class WellKnownController {
  private readonly discovery: OpenIdConfiguration;

  constructor(
    private readonly tokens: TokenVerifier,
    config: AppConfig,
  ) {
    this.discovery = openIdConfiguration(config);
    if (this.tokens.alg !== 'HS256' && !/^https?:\/\//.test(this.discovery.issuer)) {
      new Logger('WellKnown').warn(
        `JWT_ISSUER "${this.discovery.issuer}" is not a URL: OpenID Connect clients expect the ` +
          'issuer (the iss of tokens) to be the URL serving /.well-known/openid-configuration; ' +
          'set JWT_ISSUER to PUBLIC_URL',
      );
    }
  }

  @Get('jwks.json')
  @ApiOperation({
    summary: 'Public keys that verify tokens (JWKS)',
    description:
      'RFC 7517 key set. A new key appears here JWT_KEY_PUBLISH_DELAY_S before it signs; a ' +
      'retired key stays until every token it signed has expired. Cacheable (Cache-Control ' +
      'max-age); fetch again when a token names an unknown `kid`. With HS256 it is always ' +
      '`{"keys":[]}`: the shared secret is never published.',
  })
  @ApiOkResponse({ type: JwksResponse })
  async jwks(@Res({ passthrough: true }) reply: FastifyReply): Promise<{ keys: PublicJwk[] }> {
    const maxAge = Math.max(1, Math.floor(this.tokens.refreshMs / 1000));
    reply.header('cache-control', `public, max-age=${maxAge}`);
    return this.tokens.jwks();
  }

  @Get('openid-configuration')
  @Header('cache-control', 'public, max-age=3600')
  @ApiOperation({
    summary: 'OpenID Provider metadata (discovery)',
    description:
      'OpenID Connect Discovery 1.0 / RFC 8414. `issuer` is JWT_ISSUER, equal to the `iss` of ' +
      'every token; endpoint URLs are built on PUBLIC_URL.',
  })
  @ApiOkResponse({ type: OpenIdConfigurationResponse })
  openIdConfiguration(): OpenIdConfiguration {
    return this.discovery;
  }
}
