import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type {
  OAuthClientDto,
  OAuthClientPageDto,
  OAuthClientWithSecretDto,
} from '../../contracts/auth/oauth.dto.js';
import { OAuthServerClient } from '../../contracts/auth/oauth.client.js';
import { hasPrefix } from '../../contracts/common/ids.js';
import { notFound } from '../../platform/errors/problem.js';
import { Meta, Roles } from '../../platform/http/auth.decorators.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';
import { ApiProblems } from './api-problems.js';
import {
  CreateOAuthClientRequest,
  OAuthClientListQuery,
  OAuthClientPageResponse,
  OAuthClientResponse,
  OAuthClientWithSecretResponse,
  UpdateOAuthClientRequest,
} from './dto/oauth.dto.js';

const CLIENT_ID = {
  name: 'client_id',
  example: 'cli_0mhx3k2a1b9q3x7c2v8k4p1z5n',
  schema: { type: 'string', maxLength: 40 },
} as const;

/** The registry of OAuth clients, for admins. */
@ApiTags('oauth')
@ApiBearerAuth('bearer')
@Roles('admin')
@Controller('oauth/clients')
export class OAuthClientsController {
  constructor(private readonly oauth: OAuthServerClient) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Register an OAuth client (admin)',
    description:
      'Answers the client with `client_id` (`cli_…`) and, for a confidential client, its ' +
      '`client_secret`: shown this once, only its hash is kept.',
  })
  @ApiCreatedResponse({ type: OAuthClientWithSecretResponse })
  @ApiProblems(400, 401, 403)
  create(
    @Body() body: CreateOAuthClientRequest,
    @Meta() meta: RpcMeta,
  ): Promise<OAuthClientWithSecretDto> {
    return this.oauth.createClient(body, meta);
  }

  @Get()
  @ApiOperation({
    summary: 'List OAuth clients, oldest first (admin)',
    description: "Cursor-paginated; a client's type says whether it has a secret, never shown.",
  })
  @ApiOkResponse({ type: OAuthClientPageResponse })
  @ApiProblems(400, 401, 403)
  list(@Query() query: OAuthClientListQuery, @Meta() meta: RpcMeta): Promise<OAuthClientPageDto> {
    return this.oauth.listClients({ limit: query.limit, cursor: query.cursor }, meta);
  }

  @Get(':client_id')
  @ApiOperation({
    summary: 'An OAuth client (admin)',
    description: 'Its redirect URIs, allowed scopes and grant types; never its secret.',
  })
  @ApiParam(CLIENT_ID)
  @ApiOkResponse({ type: OAuthClientResponse })
  @ApiProblems(401, 403, 404)
  get(@Param('client_id') clientId: string, @Meta() meta: RpcMeta): Promise<OAuthClientDto> {
    if (!hasPrefix(clientId, 'cli')) throw notFound('Client');
    return this.oauth.getClient(clientId, meta);
  }

  @Patch(':client_id')
  @ApiOperation({
    summary: 'Change an OAuth client (admin)',
    description:
      'Only the fields sent change. Tokens already issued keep the scopes they were granted.',
  })
  @ApiParam(CLIENT_ID)
  @ApiOkResponse({ type: OAuthClientResponse })
  @ApiProblems(400, 401, 403, 404)
  update(
    @Param('client_id') clientId: string,
    @Body() body: UpdateOAuthClientRequest,
    @Meta() meta: RpcMeta,
  ): Promise<OAuthClientDto> {
    if (!hasPrefix(clientId, 'cli')) throw notFound('Client');
    return this.oauth.updateClient(clientId, body, meta);
  }

  @Delete(':client_id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete an OAuth client (admin)',
    description:
      'The sessions users opened for it are revoked and its tokens refused from the next request.',
  })
  @ApiParam(CLIENT_ID)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(401, 403, 404)
  async remove(@Param('client_id') clientId: string, @Meta() meta: RpcMeta): Promise<void> {
    if (!hasPrefix(clientId, 'cli')) throw notFound('Client');
    await this.oauth.deleteClient(clientId, meta);
  }

  @Post(':client_id/secret')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rotate the secret of an OAuth client (admin)',
    description:
      'Answers a new `client_secret`, shown this once; the old secret stops working at once. ' +
      '409 for a public client.',
  })
  @ApiParam(CLIENT_ID)
  @ApiOkResponse({ type: OAuthClientWithSecretResponse })
  @ApiProblems(401, 403, 404, 409)
  rotate(
    @Param('client_id') clientId: string,
    @Meta() meta: RpcMeta,
  ): Promise<OAuthClientWithSecretDto> {
    if (!hasPrefix(clientId, 'cli')) throw notFound('Client');
    return this.oauth.rotateSecret(clientId, meta);
  }
}
