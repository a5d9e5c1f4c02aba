import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiIdParam } from '../../platform/http/api-fields.js';
import { Meta, Roles } from '../../platform/http/index.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';
import { UsersClient } from '../../contracts/users/users.client.js';
import type { AdminUserView, PublicUserView, UserPage } from '../../contracts/users/user.views.js';
import { AdminUpdateUserDto, CreateUserDto, ListUsersQueryDto } from './dto/user-requests.dto.js';
import { AdminUserDto, PublicUserDto, UserPageDto } from './dto/user-responses.dto.js';
import { ApiProblems } from '../../platform/http/api-problems.js';

const USER_ID_PARAM = ApiIdParam(
  'user_id',
  'usr',
  'usr_0mhx3k2a1b9q3x7c2v8k4p1z5n',
  'A user id (usr_…)',
);

/** Reading a user by id (self or admin) and the admin API. */
@ApiTags('users')
@ApiBearerAuth('bearer')
@Controller('users')
export class UsersAdminController {
  constructor(private readonly users: UsersClient) {}

  @Get()
  @Roles('admin')
  @ApiOperation({
    summary: 'List users (admin)',
    description:
      'Cursor-paginated in a stable order (by id, which follows creation time). Filters: exact `email`, `role`, and `q` (substring of email or name).',
  })
  @ApiOkResponse({ type: UserPageDto })
  @ApiProblems(400, 401, 403)
  list(@Query() query: ListUsersQueryDto, @Meta() meta: RpcMeta): Promise<UserPage> {
    return this.users.list({ ...query }, meta);
  }

  @Post()
  @Roles('admin')
  @ApiOperation({
    summary: 'Create a user (admin)',
    description:
      'Creates the account with the given role and sends an invitation mail whose link sets the password.',
  })
  @ApiBody({
    type: CreateUserDto,
    examples: {
      member: { value: { email: 'grace@example.com', name: 'Grace Hopper' } },
      admin: { value: { email: 'ops@example.com', name: 'Ops', role: 'admin' } },
    },
  })
  @ApiCreatedResponse({ type: AdminUserDto })
  @ApiProblems(400, 401, 403, 409, 503)
  create(@Body() body: CreateUserDto, @Meta() meta: RpcMeta): Promise<AdminUserView> {
    return this.users.adminCreate({ ...body }, meta);
  }

  @Get(':user_id')
  @ApiOperation({
    summary: 'Read a user',
    description:
      'A member may read only themself: any other id answers 404, exactly as an unknown one. Admins read anyone.',
  })
  @USER_ID_PARAM
  @ApiOkResponse({ type: PublicUserDto })
  @ApiProblems(401, 404)
  read(@Param('user_id') id: string, @Meta() meta: RpcMeta): Promise<PublicUserView> {
    return this.users.read(id, meta);
  }

  @Patch(':user_id')
  @Roles('admin')
  @ApiOperation({
    summary: 'Change a user (admin)',
    description:
      '`name`, `role`, `disabled`. Changing the role or disabling revokes every session of the user at once. The last active admin cannot be demoted or disabled (409).',
  })
  @USER_ID_PARAM
  @ApiBody({
    type: AdminUpdateUserDto,
    examples: {
      promote: { value: { role: 'admin' } },
      disable: { value: { disabled: true } },
      rename: { value: { name: 'Grace B. Hopper' } },
    },
  })
  @ApiOkResponse({ type: AdminUserDto })
  @ApiProblems(400, 401, 403, 404, 409, 503)
  update(
    @Param('user_id') id: string,
    @Body() body: AdminUpdateUserDto,
    @Meta() meta: RpcMeta,
  ): Promise<AdminUserView> {
    return this.users.adminUpdate(id, { ...body }, meta);
  }

  @Delete(':user_id')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a user (admin)',
    description:
      'Disables the account and revokes its sessions at once; personal data is erased after USER_RETENTION_DAYS.',
  })
  @USER_ID_PARAM
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(401, 403, 404, 409, 503)
  async remove(@Param('user_id') id: string, @Meta() meta: RpcMeta): Promise<void> {
    await this.users.delete(id, meta);
  }
}
