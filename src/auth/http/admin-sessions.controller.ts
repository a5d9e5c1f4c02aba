import { Controller, Delete, Get, HttpCode, Param } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { AuthClient } from '../../contracts/auth/auth.client.js';
import type { SessionDto } from '../../contracts/auth/auth.dto.js';
import { hasPrefix } from '../../contracts/common/ids.js';
import { notFound } from '../../platform/errors/problem.js';
import { Meta, Roles } from '../../platform/http/auth.decorators.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';
import { ApiProblems } from './api-problems.js';
import { SessionResponse } from './dto/auth-responses.dto.js';

/** Admins see and end any user's sessions (e.g. a stolen device, an offboarding). */
@ApiTags('auth')
@ApiBearerAuth('bearer')
@Roles('admin')
@Controller('auth/admin/users/:userId/sessions')
export class AdminSessionsController {
  constructor(private readonly auth: AuthClient) {}

  @Get()
  @ApiOperation({ summary: "A user's active sessions (admin)" })
  @ApiParam({ name: 'userId', example: 'usr_01hx3k9v2m8q4r7t6y5w' })
  @ApiOkResponse({ type: [SessionResponse] })
  @ApiProblems(401, 403, 404)
  list(@Param('userId') userId: string, @Meta() meta: RpcMeta): Promise<SessionDto[]> {
    if (!hasPrefix(userId, 'usr')) throw notFound('User');
    return this.auth.listUserSessions(userId, meta);
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign a user out everywhere (admin)' })
  @ApiParam({ name: 'userId', example: 'usr_01hx3k9v2m8q4r7t6y5w' })
  @ApiNoContentResponse({ description: 'Every session revoked' })
  @ApiProblems(401, 403, 404)
  async revokeAll(@Param('userId') userId: string, @Meta() meta: RpcMeta): Promise<void> {
    if (!hasPrefix(userId, 'usr')) throw notFound('User');
    await this.auth.revokeUserSessions(userId, meta);
  }
}
