import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthClient } from '../../contracts/auth/auth.client.js';
import type { KeyRotationDto, SigningKeyListDto } from '../../contracts/auth/keys.dto.js';
import { Meta, Roles } from '../../platform/http/auth.decorators.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';
import { ApiProblems } from './api-problems.js';
import { KeyRotationResponse, SigningKeyListResponse } from './dto/keys.dto.js';

/** Admins see the token signing keys and rotate them (ES256 / EdDSA). */
@ApiTags('auth')
@ApiBearerAuth('bearer')
@Roles('admin')
@Controller('auth/keys')
export class KeysController {
  constructor(private readonly auth: AuthClient) {}

  @Get()
  @ApiOperation({
    summary: 'Token signing keys and their states (admin)',
    description:
      'The published keys with their lifecycle: next (published, not signing yet), active ' +
      '(signing), retired (published until every token it signed has expired). Never a ' +
      'private key. Empty with HS256.',
  })
  @ApiOkResponse({ type: SigningKeyListResponse })
  @ApiProblems(401, 403, 503)
  list(@Meta() meta: RpcMeta): Promise<SigningKeyListDto> {
    return this.auth.listKeys(meta);
  }

  @Post('rotate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rotate the token signing key (admin)',
    description:
      'Publishes a new key at once; it starts signing after JWT_KEY_PUBLISH_DELAY_S, when the ' +
      'current key retires. Tokens the old key signed stay valid until they expire. 409 while ' +
      'a rotation is pending, and with HS256 (rotate JWT_SECRET instead). Same as ' +
      '`npm run keys:rotate`.',
  })
  @ApiOkResponse({ type: KeyRotationResponse })
  @ApiProblems(401, 403, 409, 503)
  rotate(@Meta() meta: RpcMeta): Promise<KeyRotationDto> {
    return this.auth.rotateKeys(meta);
  }
}
