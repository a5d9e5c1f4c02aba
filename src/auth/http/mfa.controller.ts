import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type {
  MfaStatusDto,
  RecoveryCodesDto,
  TokenPairDto,
  TotpSetupDto,
} from '../../contracts/auth/auth.dto.js';
import { AuthClient } from '../../contracts/auth/auth.client.js';
import { Meta, Public } from '../../platform/http/auth.decorators.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';
import { ApiProblems } from './api-problems.js';
import { TokenPairResponse } from './dto/auth-responses.dto.js';
import {
  MfaReauthRequest,
  MfaStatusResponse,
  MfaVerifyRequest,
  RecoveryCodesResponse,
  TotpCodeRequest,
  TotpSetupResponse,
} from './dto/mfa.dto.js';

const REAUTH =
  'Needs proof of presence: a session signed in with the second factor (aal2), or `password`, ' +
  'or a current TOTP `code` in the body; otherwise 403 with type ' +
  '`https://platform.dev/problems/reauthentication-required`.';

@ApiTags('auth')
@Controller('auth/mfa')
export class MfaController {
  constructor(private readonly auth: AuthClient) {}

  @Get()
  @ApiBearerAuth('bearer')
  @ApiOperation({
    summary: 'Whether two-factor authentication is on, and recovery codes left',
    description: 'Never shows the secret or the recovery codes.',
  })
  @ApiOkResponse({ type: MfaStatusResponse })
  @ApiProblems(401)
  status(@Meta() meta: RpcMeta): Promise<MfaStatusDto> {
    return this.auth.mfaStatus(meta);
  }

  @Post('totp/setup')
  @HttpCode(200)
  @ApiBearerAuth('bearer')
  @ApiOperation({
    summary: 'Start enrolling an authenticator app (TOTP)',
    description:
      'Returns a new secret, its otpauth:// URL and a QR code. The factor stays pending (sign-in ' +
      'is unchanged) until activated; calling this again replaces a pending one. 409 when ' +
      'two-factor authentication is already on.',
  })
  @ApiOkResponse({ type: TotpSetupResponse })
  @ApiProblems(401, 409, 503)
  setup(@Meta() meta: RpcMeta): Promise<TotpSetupDto> {
    return this.auth.mfaTotpSetup(meta);
  }

  @Post('totp/activate')
  @HttpCode(200)
  @ApiBearerAuth('bearer')
  @ApiOperation({
    summary: 'Turn two-factor authentication on with a first code',
    description:
      'Answers 10 recovery codes, shown this once. From now on sign-in needs a second factor; ' +
      'a security mail is sent.',
  })
  @ApiOkResponse({ type: RecoveryCodesResponse })
  @ApiProblems(400, 401, 409)
  activate(@Body() body: TotpCodeRequest, @Meta() meta: RpcMeta): Promise<RecoveryCodesDto> {
    return this.auth.mfaTotpActivate(body.code, meta);
  }

  @Public()
  @Post('verify')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Second step of sign-in: mfa_token and a TOTP or recovery code',
    description:
      'Answers the normal token pair; its access token has `amr: ["pwd","otp"]` (or ' +
      '`["pwd","rc"]` with a recovery code) and `acr`/`aal` `aal2`. A TOTP code is accepted ' +
      'once per user, a recovery code once. Five wrong codes end the mfa_token (401 ' +
      '`invalid-mfa-token`: sign in again); a wrong code otherwise answers 401 ' +
      '`invalid-mfa-code` with `attempts_remaining`. Per-user limit: 429.',
  })
  @ApiOkResponse({ type: TokenPairResponse })
  @ApiProblems(400, 401, 429)
  verify(@Body() body: MfaVerifyRequest, @Meta() meta: RpcMeta): Promise<TokenPairDto> {
    return this.auth.mfaVerify(body, meta);
  }

  @Post('recovery-codes/regenerate')
  @HttpCode(200)
  @ApiBearerAuth('bearer')
  @ApiOperation({
    summary: 'Replace every recovery code by 10 new ones',
    description: REAUTH,
  })
  @ApiOkResponse({ type: RecoveryCodesResponse })
  @ApiProblems(400, 401, 403, 409)
  regenerate(@Body() body: MfaReauthRequest, @Meta() meta: RpcMeta): Promise<RecoveryCodesDto> {
    return this.auth.mfaRegenerateRecoveryCodes(body, meta);
  }

  @Post('totp/disable')
  @HttpCode(204)
  @ApiBearerAuth('bearer')
  @ApiOperation({
    summary: 'Turn two-factor authentication off',
    description: `${REAUTH} Removes the authenticator and the recovery codes; a security mail is sent.`,
  })
  @ApiNoContentResponse({ description: 'Turned off' })
  @ApiProblems(400, 401, 403, 409)
  async disable(@Body() body: MfaReauthRequest, @Meta() meta: RpcMeta): Promise<void> {
    await this.auth.mfaTotpDisable(body, meta);
  }
}
