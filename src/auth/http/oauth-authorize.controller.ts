import { applyDecorators, Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import type { AuthorizeView } from '../../contracts/auth/oauth.dto.js';
import { OAuthServerClient } from '../../contracts/auth/oauth.client.js';
import { ProblemException } from '../../platform/errors/problem.js';
import { PROBLEM_REF } from '../../platform/http/api-problems.js';
import { Meta, Public } from '../../platform/http/auth.decorators.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';
import { renderPage } from './oauth-pages.js';
import { FORM, paramsOf } from './oauth-request.js';

const COOKIE = 'oauth_browser';
const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;
const HTML = { 'text/html': { schema: { type: 'string', maxLength: 20000 } } };
const PROBLEM = {
  'application/problem+json': { schema: { $ref: PROBLEM_REF } },
};

/**
 * The browser's binding to its authorization requests: a random HttpOnly cookie, so a form
 * posted from another browser (login CSRF with someone else's request) is refused.
 */
function browserOf(req: FastifyRequest, reply: FastifyReply): string {
  const header = req.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    const value = rest.join('=');
    if (name === COOKIE && COOKIE_VALUE.test(value)) return value;
  }
  const value = randomBytes(32).toString('base64url');
  const secure = req.protocol === 'https' ? '; Secure' : '';
  reply.header(
    'set-cookie',
    `${COOKIE}=${value}; Path=/api/v1/oauth/authorize; Max-Age=86400; HttpOnly; SameSite=Lax${secure}`,
  );
  return value;
}

/** Answers a view: a 302 to the client, or an HTML page under its own strict CSP. */
function send(reply: FastifyReply, view: AuthorizeView): FastifyReply {
  reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
  if (view.kind === 'redirect') return reply.status(302).header('location', view.location).send();
  const { html, csp } = renderPage(view);
  if (view.retry_after) reply.header('retry-after', String(view.retry_after));
  return reply
    .status(view.status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', csp)
    .header('x-frame-options', 'DENY')
    .send(html);
}

/**
 * Asks the auth part for the view (with this browser's binding cookie) and answers it; a
 * failure of the platform (part down, timeout) is an error page rather than JSON.
 */
async function answer(
  req: FastifyRequest,
  reply: FastifyReply,
  view: (browser: string) => Promise<AuthorizeView>,
): Promise<FastifyReply> {
  try {
    return send(reply, await view(browserOf(req, reply)));
  } catch (err) {
    const status = err instanceof ProblemException ? err.getStatus() : 500;
    if (status < 500) throw err;
    return send(reply, {
      kind: 'page',
      page: 'error',
      status,
      message: 'Sign-in is unavailable right now. Try again in a moment.',
    });
  }
}

const QUERY: [string, string, string][] = [
  ['response_type', 'code', 'Must be `code`.'],
  ['client_id', 'cli_0mhx3k2a1b9q3x7c2v8k4p1z5n', 'A registered client.'],
  [
    'redirect_uri',
    'https://app.example.com/oauth/callback',
    'One of the client’s redirect URIs, exactly (optional when it registered only one).',
  ],
  ['scope', 'openid profile', 'Space-separated; default: every scope the client may ask for.'],
  ['state', 'af0ifjsldkj', 'Returned unchanged with the answer (CSRF protection of the client).'],
  [
    'code_challenge',
    'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    'PKCE (RFC 7636): BASE64URL(SHA256(code_verifier)); required for public clients.',
  ],
  ['code_challenge_method', 'S256', 'Must be `S256` (`plain` is refused).'],
  ['nonce', 'n-0S6_WzA2Mj', 'OpenID Connect: copied into the ID token.'],
  ['prompt', 'login', '`none` answers login_required (no sign-in is remembered).'],
];

const ApiAuthorizationQuery = () =>
  applyDecorators(
    ...QUERY.map(([name, example, description]) =>
      ApiQuery({
        name,
        required: name === 'response_type' || name === 'client_id',
        description,
        example,
        schema: { type: 'string', maxLength: name === 'state' ? 1024 : 2000 },
      }),
    ),
  );

@ApiTags('oauth')
@Controller('oauth/authorize')
export class OAuthAuthorizeController {
  constructor(private readonly oauth: OAuthServerClient) {}

  @Public()
  @Get()
  @ApiOperation({
    summary: 'Authorization endpoint (RFC 6749 §4.1): sign-in and consent page',
    description:
      'For a browser. Checks the request, then shows a sign-in page (password, then the ' +
      'second factor when the user has one) and a consent page listing the client and scopes; ' +
      'the answer is a 302 to redirect_uri with `code` (single use, 60 s), `state` and `iss`. ' +
      'Errors about anything but the client and redirect URI are sent there too (`error`, ' +
      '`error_description`, `state`); an unknown client or redirect URI shows an error page ' +
      'and never redirects.',
  })
  @ApiAuthorizationQuery()
  @ApiProduces('text/html')
  @ApiResponse({ status: 200, description: 'The sign-in page', content: HTML })
  @ApiResponse({ status: 302, description: 'Back to the client with an `error` and `state`' })
  @ApiResponse({
    status: 400,
    description: 'Unknown client or redirect URI: an error page (never a redirect)',
    content: { ...HTML, ...PROBLEM },
  })
  async start(
    @Query() query: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @Meta() meta: RpcMeta,
  ): Promise<FastifyReply> {
    return answer(req, reply, (browser) =>
      this.oauth.authorize({ params: paramsOf(query), browser }, meta),
    );
  }

  @Public()
  @Post()
  @ApiOperation({
    summary: 'Submit a step of the sign-in and consent page',
    description:
      'The page’s own form (CSRF token bound to the authorization request and this ' +
      'browser’s cookie): `step=login` with email and password, `step=mfa` with a TOTP or ' +
      'recovery code, `step=consent` with `decision=allow|deny`. Answers the next page, or a ' +
      '302 to the client. Counted in the sign-in rate limit.',
  })
  @ApiConsumes(FORM)
  @ApiBody({
    schema: {
      type: 'object',
      required: ['request', 'csrf', 'step'],
      properties: {
        request: { type: 'string', maxLength: 128, example: 'ar_Jp0b2t9xQm1sWcVh8yZkLrA6nEoUdGi' },
        csrf: { type: 'string', maxLength: 128, example: 'x9qrtA6nEoUdGiT5qPwXjBfk7m2p' },
        step: { type: 'string', enum: ['login', 'mfa', 'consent'], example: 'login' },
        email: { type: 'string', maxLength: 254, example: 'user@example.com' },
        password: { type: 'string', maxLength: 1024, example: 'SecurePass123!' },
        code: { type: 'string', maxLength: 64, example: '123456' },
        decision: { type: 'string', enum: ['allow', 'deny'], example: 'allow' },
      },
    },
  })
  @ApiProduces('text/html')
  @ApiResponse({ status: 200, description: 'The next page', content: HTML })
  @ApiResponse({ status: 302, description: 'Back to the client with `code` or `error`' })
  @ApiResponse({
    status: 400,
    description: 'Expired or unknown request: an error page',
    content: { ...HTML, ...PROBLEM },
  })
  @ApiResponse({
    status: 401,
    description: 'Wrong password or code: the page again',
    content: HTML,
  })
  @ApiResponse({ status: 403, description: 'Form not from this browser', content: HTML })
  @ApiResponse({
    status: 429,
    description: 'Too many attempts: the page again, with Retry-After',
    content: { ...HTML, ...PROBLEM },
  })
  async step(
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @Meta() meta: RpcMeta,
  ): Promise<FastifyReply> {
    return answer(req, reply, (browser) =>
      this.oauth.authorizeStep({ params: paramsOf(body), browser }, meta),
    );
  }
}
