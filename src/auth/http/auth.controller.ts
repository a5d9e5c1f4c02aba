import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type {
  AuditPageDto,
  LoginResultDto,
  RegisteredUserDto,
  SessionDto,
  TokenPairDto,
} from '../../contracts/auth/auth.dto.js';
import { AuthClient } from '../../contracts/auth/auth.client.js';
import { hasPrefix } from '../../contracts/common/ids.js';
import { notFound } from '../../platform/errors/problem.js';
import { ApiIdParam } from '../../platform/http/api-fields.js';
import { Meta, Public } from '../../platform/http/auth.decorators.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';
import { ApiLoginResult } from './api-login-result.js';
import { ApiProblems } from './api-problems.js';
import {
  AuditQuery,
  ChangePasswordRequest,
  ForgotPasswordRequest,
  LoginRequest,
  RefreshRequest,
  RegisterRequest,
  ResetPasswordRequest,
  VerifyEmailRequest,
} from './dto/auth-requests.dto.js';
import {
  AuditPageResponse,
  RegisteredUserResponse,
  SessionResponse,
  TokenPairResponse,
  sessionList,
} from './dto/auth-responses.dto.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthClient) {}

  @Public()
  @Post('register')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create an account',
    description:
      'Creates the user (role `member`) and sends a verification mail. Any field besides ' +
      'email, password and name is rejected.',
  })
  @ApiCreatedResponse({ type: RegisteredUserResponse })
  @ApiProblems(400, 409, 503)
  register(@Body() body: RegisterRequest, @Meta() meta: RpcMeta): Promise<RegisteredUserDto> {
    return this.auth.register(body, meta);
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign in with email and password',
    description:
      'Unknown email, wrong password and disabled account all get the same 401. After ' +
      'repeated failures the account is locked for a growing while (429 with Retry-After). ' +
      'With two-factor authentication on, the answer is `{mfa_required, mfa_token, ' +
      'expires_in}` and no tokens: finish with POST /auth/mfa/verify.',
  })
  @ApiLoginResult()
  @ApiProblems(400, 401, 429)
  login(@Body() body: LoginRequest, @Meta() meta: RpcMeta): Promise<LoginResultDto> {
    return this.auth.login(body, meta);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Exchange a refresh token for a new pair',
    description:
      'Rotation: the refresh token is single use. The same token presented again within the ' +
      'grace window (REFRESH_REUSE_GRACE_S) returns the same new pair; after it, the session ' +
      'is revoked as stolen.',
  })
  @ApiOkResponse({ type: TokenPairResponse })
  @ApiProblems(400, 401)
  refresh(@Body() body: RefreshRequest, @Meta() meta: RpcMeta): Promise<TokenPairDto> {
    return this.auth.refresh(body.refresh_token, meta);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth('bearer')
  @ApiOperation({
    summary: 'End the current session (its access tokens stop working at once)',
    description: 'Revokes the session of the access token; its refresh token stops working too.',
  })
  @ApiNoContentResponse({ description: 'Signed out' })
  @ApiProblems(401)
  async logout(@Meta() meta: RpcMeta): Promise<void> {
    await this.auth.logout(meta);
  }

  @Get('sessions')
  @ApiBearerAuth('bearer')
  @ApiOperation({
    summary: "The caller's active sessions",
    description:
      'Newest first, with the IP and user agent each started from; `current` marks this one.',
  })
  @ApiExtraModels(SessionResponse)
  @ApiOkResponse({ schema: sessionList() })
  @ApiProblems(401)
  sessions(@Meta() meta: RpcMeta): Promise<SessionDto[]> {
    return this.auth.listSessions(meta);
  }

  @Delete('sessions/:id')
  @HttpCode(204)
  @ApiBearerAuth('bearer')
  @ApiOperation({
    summary: 'Revoke one of your sessions',
    description:
      "Its access and refresh tokens stop working at once. Another user's session answers 404.",
  })
  @ApiIdParam('id', 'ses', 'ses_01hx3ka0b1c2d3e4f5g6')
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiProblems(401, 404)
  async revokeSession(@Param('id') id: string, @Meta() meta: RpcMeta): Promise<void> {
    if (!hasPrefix(id, 'ses')) throw notFound('Session');
    await this.auth.revokeSession(id, meta);
  }

  @Delete('sessions')
  @HttpCode(204)
  @ApiBearerAuth('bearer')
  @ApiOperation({
    summary: 'Revoke every session except the current one',
    description: 'Signs you out on every other device; this session stays signed in.',
  })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiProblems(401)
  async revokeOthers(@Meta() meta: RpcMeta): Promise<void> {
    await this.auth.revokeOtherSessions(meta);
  }

  @Post('password/change')
  @HttpCode(204)
  @ApiBearerAuth('bearer')
  @ApiOperation({
    summary: 'Change your password (your other sessions are signed out)',
    description:
      'Needs the current password; the new one follows the same rules as at sign-up. A security mail is sent.',
  })
  @ApiNoContentResponse({ description: 'Changed' })
  @ApiProblems(400, 401, 429)
  async changePassword(@Body() body: ChangePasswordRequest, @Meta() meta: RpcMeta): Promise<void> {
    await this.auth.changePassword(body, meta);
  }

  @Public()
  @Post('password/forgot')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Mail a password reset link',
    description: 'Always 202, whether or not the email has an account.',
  })
  @ApiAcceptedResponse({ description: 'Accepted' })
  @ApiProblems(400)
  async forgotPassword(@Body() body: ForgotPasswordRequest, @Meta() meta: RpcMeta): Promise<void> {
    await this.auth.forgotPassword(body.email, meta);
  }

  @Public()
  @Post('password/reset')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Set a new password with a reset or invitation token',
    description: 'The token works once and expires (1 hour for resets); every session ends.',
  })
  @ApiNoContentResponse({ description: 'Password set' })
  @ApiProblems(400)
  async resetPassword(@Body() body: ResetPasswordRequest, @Meta() meta: RpcMeta): Promise<void> {
    await this.auth.resetPassword(body, meta);
  }

  @Public()
  @Post('email/verify')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Confirm an email address with the token from the mail',
    description: 'The token works once and expires; an unknown or used token answers 400.',
  })
  @ApiNoContentResponse({ description: 'Verified' })
  @ApiProblems(400)
  async verifyEmail(@Body() body: VerifyEmailRequest, @Meta() meta: RpcMeta): Promise<void> {
    await this.auth.verifyEmail(body.token, meta);
  }

  @Post('email/resend')
  @HttpCode(202)
  @ApiBearerAuth('bearer')
  @ApiOperation({
    summary: 'Send the verification mail again',
    description: 'Answers 202 even when the address is already verified (then no mail is sent).',
  })
  @ApiAcceptedResponse({ description: 'Accepted' })
  @ApiProblems(401)
  async resendVerification(@Meta() meta: RpcMeta): Promise<void> {
    await this.auth.resendVerification(meta);
  }

  @Get('audit')
  @ApiBearerAuth('bearer')
  @ApiOperation({
    summary: 'Your security events, newest first (cursor pagination)',
    description:
      'Sign-ins, failures, lockouts, password and two-factor changes, with IP and user agent.',
  })
  @ApiOkResponse({ type: AuditPageResponse })
  @ApiProblems(400, 401)
  audit(@Query() query: AuditQuery, @Meta() meta: RpcMeta): Promise<AuditPageDto> {
    return this.auth.listAudit({ limit: query.limit, cursor: query.cursor }, meta);
  }
}
