import { Injectable } from '@nestjs/common';
import { RpcClient } from '../../platform/transport/rpc-client.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';
import { AuthPatterns } from './auth.patterns.js';
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
} from './oauth.dto.js';

/** Typed client of the auth part's OAuth 2.0 authorization server. */
@Injectable()
export class OAuthServerClient {
  constructor(private readonly rpc: RpcClient) {}

  createClient(cmd: CreateOAuthClientCommand, meta: RpcMeta): Promise<OAuthClientWithSecretDto> {
    return this.rpc.send(AuthPatterns.oauthClientCreate, cmd, meta);
  }

  listClients(
    query: { limit?: number; cursor?: string },
    meta: RpcMeta,
  ): Promise<OAuthClientPageDto> {
    return this.rpc.send(AuthPatterns.oauthClientList, query, meta);
  }

  getClient(clientId: string, meta: RpcMeta): Promise<OAuthClientDto> {
    return this.rpc.send(AuthPatterns.oauthClientGet, { client_id: clientId }, meta);
  }

  updateClient(
    clientId: string,
    changes: UpdateOAuthClientCommand,
    meta: RpcMeta,
  ): Promise<OAuthClientDto> {
    return this.rpc.send(AuthPatterns.oauthClientUpdate, { client_id: clientId, changes }, meta);
  }

  deleteClient(clientId: string, meta: RpcMeta): Promise<void> {
    return this.rpc.send(AuthPatterns.oauthClientDelete, { client_id: clientId }, meta);
  }

  rotateSecret(clientId: string, meta: RpcMeta): Promise<OAuthClientWithSecretDto> {
    return this.rpc.send(AuthPatterns.oauthClientRotateSecret, { client_id: clientId }, meta);
  }

  token(req: ClientRequest, meta: RpcMeta): Promise<OAuthTokenResponse> {
    // The authorization_code grant may ask the users part about the user: allow some room.
    return this.rpc.send(AuthPatterns.oauthToken, req, meta, { timeoutMs: 15_000 });
  }

  revoke(req: ClientRequest, meta: RpcMeta): Promise<void> {
    return this.rpc.send(AuthPatterns.oauthRevoke, req, meta);
  }

  introspect(req: ClientRequest, meta: RpcMeta): Promise<IntrospectionResponse> {
    return this.rpc.send(AuthPatterns.oauthIntrospect, req, meta);
  }

  authorize(cmd: AuthorizeCommand, meta: RpcMeta): Promise<AuthorizeView> {
    return this.rpc.send(AuthPatterns.oauthAuthorize, cmd, meta);
  }

  authorizeStep(cmd: AuthorizeCommand, meta: RpcMeta): Promise<AuthorizeView> {
    // Sign-in hashes a password (argon2) and asks the users part: as POST /auth/login.
    return this.rpc.send(AuthPatterns.oauthAuthorizeStep, cmd, meta, { timeoutMs: 15_000 });
  }
}
