import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { AuthPatterns } from '../../contracts/auth/auth.patterns.js';
import type {
  AuthorizeCommand,
  AuthorizeView,
  ClientRequest,
  CreateOAuthClientCommand,
  IntrospectionResponse,
  OAuthClientDto,
  OAuthClientPageDto,
  OAuthClientWithSecretDto,
  OAuthTokenResponse,
  UpdateOAuthClientCommand,
} from '../../contracts/auth/oauth.dto.js';
import { Rpc, type RpcEnvelope } from '../../platform/transport/index.js';
import { AuthorizeUseCase } from '../application/oauth/authorize.use-case.js';
import { ClientRegistry } from '../application/oauth/client-registry.js';
import { IntrospectionUseCase } from '../application/oauth/introspection.use-case.js';
import { RevocationUseCase } from '../application/oauth/revocation.use-case.js';
import { TokenEndpointUseCase } from '../application/oauth/token-endpoint.use-case.js';

type ClientIdData = { client_id: string };

/** The OAuth 2.0 authorization server's messages. */
@Controller()
export class OAuthRpcController {
  constructor(
    private readonly registry: ClientRegistry,
    private readonly tokens: TokenEndpointUseCase,
    private readonly revocation: RevocationUseCase,
    private readonly introspection: IntrospectionUseCase,
    private readonly authorization: AuthorizeUseCase,
  ) {}

  @Rpc(AuthPatterns.oauthClientCreate)
  create(
    @Payload() { meta, data }: RpcEnvelope<CreateOAuthClientCommand>,
  ): Promise<OAuthClientWithSecretDto> {
    return this.registry.create(data, meta);
  }

  @Rpc(AuthPatterns.oauthClientList)
  list(
    @Payload() { meta, data }: RpcEnvelope<{ limit?: number; cursor?: string }>,
  ): Promise<OAuthClientPageDto> {
    return this.registry.list(data ?? {}, meta);
  }

  @Rpc(AuthPatterns.oauthClientGet)
  get(@Payload() { meta, data }: RpcEnvelope<ClientIdData>): Promise<OAuthClientDto> {
    return this.registry.get(String(data?.client_id), meta);
  }

  @Rpc(AuthPatterns.oauthClientUpdate)
  update(
    @Payload()
    { meta, data }: RpcEnvelope<ClientIdData & { changes: UpdateOAuthClientCommand }>,
  ): Promise<OAuthClientDto> {
    return this.registry.update(String(data?.client_id), data?.changes ?? {}, meta);
  }

  @Rpc(AuthPatterns.oauthClientDelete)
  async remove(@Payload() { meta, data }: RpcEnvelope<ClientIdData>): Promise<void> {
    await this.registry.remove(String(data?.client_id), meta);
  }

  @Rpc(AuthPatterns.oauthClientRotateSecret)
  rotate(@Payload() { meta, data }: RpcEnvelope<ClientIdData>): Promise<OAuthClientWithSecretDto> {
    return this.registry.rotateSecret(String(data?.client_id), meta);
  }

  @Rpc(AuthPatterns.oauthToken)
  token(@Payload() { meta, data }: RpcEnvelope<ClientRequest>): Promise<OAuthTokenResponse> {
    return this.tokens.token(data, meta);
  }

  @Rpc(AuthPatterns.oauthRevoke)
  async revoke(@Payload() { meta, data }: RpcEnvelope<ClientRequest>): Promise<void> {
    await this.revocation.revoke(data, meta);
  }

  @Rpc(AuthPatterns.oauthIntrospect)
  introspect(@Payload() { data }: RpcEnvelope<ClientRequest>): Promise<IntrospectionResponse> {
    return this.introspection.introspect(data);
  }

  @Rpc(AuthPatterns.oauthAuthorize)
  authorize(@Payload() { data }: RpcEnvelope<AuthorizeCommand>): Promise<AuthorizeView> {
    return this.authorization.start(data);
  }

  @Rpc(AuthPatterns.oauthAuthorizeStep)
  authorizeStep(@Payload() { meta, data }: RpcEnvelope<AuthorizeCommand>): Promise<AuthorizeView> {
    return this.authorization.step(data, meta);
  }
}
