import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { parseCookie, stringifySetCookie } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LoginResultDto } from '../../contracts/auth/auth.dto.js';
import { AuthClient } from '../../contracts/auth/auth.client.js';
import { AppConfig } from '../../platform/config/config.js';
import { ProblemException } from '../../platform/errors/problem.js';
import { Meta, Public } from '../../platform/http/auth.decorators.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';
import { ApiLoginResult } from './api-login-result.js';
import { ApiProblems } from './api-problems.js';
import { SocialExchangeRequest, SocialStartQuery } from './dto/social-login.dto.js';

/** Binds a started sign-in to the browser that started it (login CSRF). */
const BINDING_COOKIE = 'oauth_binding';
const COOKIE_PATH = '/api/v1/auth/oauth';
const PROVIDER = /^[a-z][a-z0-9]{0,30}$/;
/** The callback parameters of RFC 6749 / RFC 9207 that the auth part reads; others are ignored. */
const CALLBACK_PARAMS = ['code', 'state', 'iss', 'error', 'error_description', 'error_uri'];
const PARAM_MAX = 4096;

const PROVIDER_PARAM = {
  name: 'provider',
  description: 'A name listed in OAUTH_PROVIDERS (e.g. google, github)',
  schema: { type: 'string', pattern: PROVIDER.source, maxLength: 31, example: 'google' },
} as const;

const LOCATION = (description: string) => ({
  Location: { description, schema: { type: 'string', format: 'uri', maxLength: 8192 } },
});

/** Same answer as the auth part gives for a well-formed name it does not know. */
const providerNotFound = () =>
  new ProblemException(404, 'unknown-provider', 'No sign-in provider has this name.');

@ApiTags('auth')
@Controller('auth/oauth')
export class SocialLoginController {
  private readonly secureCookie: boolean;

  constructor(
    private readonly auth: AuthClient,
    config: AppConfig,
  ) {
    this.secureCookie = config.publicUrl.startsWith('https:');
  }

  @Public()
  @Post('exchange')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Finish a social sign-in: trade the one-time code for tokens',
    description:
      'The code FRONTEND_URL received (single use, 60 s) becomes the same answer as POST ' +
      '/auth/login: a token pair whose access token says `amr: ["fed"]`, `aal1`; or, with ' +
      'two-factor authentication on, `{mfa_required, mfa_token, expires_in}` to finish with ' +
      'POST /auth/mfa/verify. 401 for an unknown, expired or used code.',
  })
  @ApiLoginResult()
  @ApiProblems(400, 401, 429)
  exchange(@Body() body: SocialExchangeRequest, @Meta() meta: RpcMeta): Promise<LoginResultDto> {
    return this.auth.socialExchange(body.code, meta);
  }

  @Public()
  @Get(':provider')
  @ApiOperation({
    summary: 'Start a social sign-in (open in the browser)',
    description:
      'Redirects to the provider with `state`, `nonce` and a PKCE S256 challenge, and sets an ' +
      'HttpOnly cookie that binds the sign-in to this browser (10 minutes). The provider then ' +
      'returns to `/auth/oauth/{provider}/callback`.',
  })
  @ApiParam(PROVIDER_PARAM)
  @ApiResponse({
    status: 302,
    description: "To the provider's authorization page",
    headers: {
      ...LOCATION("The provider's authorization URL"),
      'Set-Cookie': {
        description: '`oauth_binding` (HttpOnly, SameSite=Lax, Secure over https)',
        schema: { type: 'string', maxLength: 512 },
      },
    },
  })
  @ApiProblems(400, 404, 429, 503)
  @ApiResponse({
    status: 502,
    description: 'The provider cannot be reached (discovery failed)',
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  })
  async start(
    @Param('provider') provider: string,
    @Query() query: SocialStartQuery,
    @Meta() meta: RpcMeta,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (!PROVIDER.test(provider)) throw providerNotFound();
    const started = await this.auth.socialStart({ provider, return_to: query.return_to }, meta);
    reply.header('set-cookie', this.cookie(started.binding, started.expires_in));
    this.redirect(reply, started.authorization_url);
  }

  @Public()
  @Get(':provider/callback')
  @ApiOperation({
    summary: "The provider's return (not called directly)",
    description:
      'Checks `state` against the sign-in this browser started (cookie), redeems the code, ' +
      'and signs the user in: an identity already linked, or an account with the same email ' +
      'when both the provider and the account have verified it, or a new account. Redirects ' +
      'to FRONTEND_URL with `?code=` (for POST /auth/oauth/exchange; plus `return_to` when ' +
      'given) or `?error=` (`invalid_state`, `access_denied`, `provider_error`, ' +
      '`email_required`, `email_not_verified`, `account_email_unverified`, `account_disabled`).',
  })
  @ApiParam(PROVIDER_PARAM)
  @ApiQuery({ name: 'code', required: false, schema: { type: 'string', maxLength: PARAM_MAX } })
  @ApiQuery({ name: 'state', required: false, schema: { type: 'string', maxLength: PARAM_MAX } })
  @ApiQuery({ name: 'error', required: false, schema: { type: 'string', maxLength: PARAM_MAX } })
  @ApiResponse({
    status: 302,
    description: 'To FRONTEND_URL with `code` or `error`',
    headers: LOCATION('FRONTEND_URL?code=… or FRONTEND_URL?error=…'),
  })
  @ApiProblems(404, 429, 503)
  async callback(
    @Param('provider') provider: string,
    @Req() req: FastifyRequest,
    @Meta() meta: RpcMeta,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (!PROVIDER.test(provider)) throw providerNotFound();
    const query = (req.query ?? {}) as Record<string, unknown>;
    const params: Record<string, string> = {};
    for (const name of CALLBACK_PARAMS) {
      const v = query[name];
      // A repeated or oversized parameter is dropped: the checks then refuse the callback.
      if (typeof v === 'string' && v.length <= PARAM_MAX) params[name] = v;
    }
    const cookies = parseCookie(req.headers.cookie ?? '');
    const { location } = await this.auth.socialCallback(
      { provider, params, binding: cookies[BINDING_COOKIE] },
      meta,
    );
    reply.header('set-cookie', this.cookie('', 0));
    this.redirect(reply, location);
  }

  private cookie(value: string, maxAge: number): string {
    return stringifySetCookie({
      name: BINDING_COOKIE,
      value,
      path: COOKIE_PATH,
      httpOnly: true,
      secure: this.secureCookie,
      sameSite: 'lax',
      maxAge,
    });
  }

  private redirect(reply: FastifyReply, location: string): void {
    reply.header('cache-control', 'no-store').code(302).header('location', location).send();
  }
}
