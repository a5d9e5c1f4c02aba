import { Controller, Delete, Get, HttpCode, Param } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiExtraModels,
  ApiTags,
} from '@nestjs/swagger';
import { AuthClient } from '../../contracts/auth/auth.client.js';
import type { SessionDto } from '../../contracts/auth/auth.dto.js';
import { hasPrefix } from '../../contracts/common/ids.js';
import { notFound } from '../../platform/errors/problem.js';
import { ApiIdParam } from '../../platform/http/api-fields.js';
import { Meta, Roles } from '../../platform/http/auth.decorators.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';
import { ApiProblems } from './api-problems.js';
import { SessionResponse, sessionList } from './dto/auth-responses.dto.js';

/** Admins see and end any user's sessions (e.g. a stolen device, an offboarding). */
@ApiTags('auth')
@ApiBearerAuth('bearer')
@Roles('admin')
@Controller('auth/admin/users/:userId/sessions')
export class AdminSessionsController {
  constructor(private readonly auth: AuthClient) {}

  @Get()
  @ApiOperation({
    summary: "A user's active sessions (admin)",
    description: 'Newest first, as the user sees them (without `current`).',
  })
  @ApiIdParam('userId', 'usr', 'usr_01hx3k9v2m8q4r7t6y5w')
  @ApiExtraModels(SessionResponse)
  @ApiOkResponse({ schema: sessionList() })
  @ApiProblems(401, 403, 404)
  list(@Param('userId') userId: string, @Meta() meta: RpcMeta): Promise<SessionDto[]> {
    if (!hasPrefix(userId, 'usr')) throw notFound('User');
    return this.auth.listUserSessions(userId, meta);
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Sign a user out everywhere (admin)',
    description:
      'Revokes every session of the user; their access and refresh tokens stop working at once.',
  })
  @ApiIdParam('userId', 'usr', 'usr_01hx3k9v2m8q4r7t6y5w')
  @ApiNoContentResponse({ description: 'Every session revoked' })
  @ApiProblems(401, 403, 404)
  async revokeAll(@Param('userId') userId: string, @Meta() meta: RpcMeta): Promise<void> {
    if (!hasPrefix(userId, 'usr')) throw notFound('User');
    await this.auth.revokeUserSessions(userId, meta);
  }
}
