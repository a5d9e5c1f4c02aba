import { Body, Controller, HttpCode, Post, Req, Res, UseFilters } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IntrospectionResponse, OAuthTokenResponse } from '../../contracts/auth/oauth.dto.js';
import { OAuthServerClient } from '../../contracts/auth/oauth.client.js';
import { Meta, Public } from '../../platform/http/auth.decorators.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';
import {
  IntrospectionResponseDto,
  OAuthErrorResponse,
  OAuthTokenResponseDto,
  TOKEN_PARAM_SCHEMA,
  TOKEN_REQUEST_SCHEMA,
} from './dto/oauth.dto.js';
import { noStore, OAuthErrorFilter } from './oauth-error.filter.js';
import { clientRequestOf, FORM } from './oauth-request.js';

const CLIENT_AUTH =
  'Client authentication (RFC 6749 §2.3.1): `Authorization: Basic base64(client_id:client_secret)` ' +
  'or `client_id` and `client_secret` in the body, never both; a public client sends only ' +
  '`client_id`.';

/** Documents the RFC 6749 §5.2 error answers (application/json, not problem+json). */
function OAuthErrors(...statuses: (400 | 401)[]) {
  const text = {
    400: 'invalid_request, invalid_grant, unauthorized_client, unsupported_grant_type or invalid_scope',
    401: 'invalid_client (with `WWW-Authenticate: Basic`)',
  };
  return (target: object, key: string | symbol, descriptor: PropertyDescriptor) => {
    ApiExtraModels(OAuthErrorResponse)(target, key, descriptor);
    for (const status of statuses) {
      ApiResponse({
        status,
        description: `RFC 6749 §5.2 error: ${text[status]}`,
        content: { 'application/json': { schema: { $ref: getSchemaPath(OAuthErrorResponse) } } },
      })(target, key, descriptor);
    }
  };
}

/**
 * The OAuth 2.0 endpoints called by clients (form-encoded, client authentication instead of
 * a user's bearer token): token (RFC 6749), revocation (RFC 7009), introspection (RFC 7662).
 */
@ApiTags('oauth')
@Controller('oauth')
@UseFilters(OAuthErrorFilter)
export class OAuthTokenController {
  constructor(private readonly oauth: OAuthServerClient) {}

  @Public()
  @Post('token')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Token endpoint (RFC 6749): client_credentials, authorization_code, refresh_token',
    description:
      `${CLIENT_AUTH} authorization_code needs the code's redirect_uri and, when the ` +
      'authorization used PKCE (always for public clients), the S256 code_verifier; a code ' +
      'works once within 60 s, and presenting it again revokes the tokens it gave. ' +
      'refresh_token rotates the refresh token (a rotated one presented after the grace window ' +
      'revokes the session). With the openid scope the answer has an ID token. Errors are ' +
      '`{error, error_description}` (RFC 6749 §5.2); answers carry `Cache-Control: no-store`.',
  })
  @ApiConsumes(FORM)
  @ApiBody({ schema: TOKEN_REQUEST_SCHEMA })
  @ApiOkResponse({ type: OAuthTokenResponseDto })
  @OAuthErrors(400, 401)
  token(
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Meta() meta: RpcMeta,
  ): Promise<OAuthTokenResponse> {
    noStore(reply);
    return this.oauth.token(clientRequestOf(req, body), meta);
  }

  @Public()
  @Post('revoke')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Revoke a token (RFC 7009)',
    description:
      `${CLIENT_AUTH} A refresh token ends its whole grant (the session and its access ` +
      'tokens); an access token is refused from the next request. 200 also for an unknown ' +
      'or expired token; 400 unauthorized_client for a token issued to another client.',
  })
  @ApiConsumes(FORM)
  @ApiBody({ schema: TOKEN_PARAM_SCHEMA })
  @ApiOkResponse({ description: 'Revoked, or nothing to revoke (empty body)' })
  @OAuthErrors(400, 401)
  async revoke(
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Meta() meta: RpcMeta,
  ): Promise<void> {
    noStore(reply);
    await this.oauth.revoke(clientRequestOf(req, body), meta);
  }

  @Public()
  @Post('introspect')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Introspect a token (RFC 7662), for authenticated clients',
    description:
      `${CLIENT_AUTH} Only confidential clients (with their secret). An access token is ` +
      'active while it is valid, its session is live and it was not revoked; a refresh token ' +
      'only for the client it was issued to. Anything else is `{"active": false}`.',
  })
  @ApiConsumes(FORM)
  @ApiBody({ schema: TOKEN_PARAM_SCHEMA })
  @ApiOkResponse({ type: IntrospectionResponseDto })
  @OAuthErrors(400, 401)
  introspect(
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Meta() meta: RpcMeta,
  ): Promise<IntrospectionResponse> {
    noStore(reply);
    return this.oauth.introspect(clientRequestOf(req, body), meta);
  }
}
