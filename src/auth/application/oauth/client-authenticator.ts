import { Injectable } from '@nestjs/common';
import { invalidClient, oauthError } from '../../../contracts/auth/oauth-errors.js';
import type { BasicCredentials } from '../../../contracts/auth/oauth.dto.js';
import { matchesHash } from '../../domain/opaque-token.js';
import type { OAuthClientEntity } from '../../persistence/auth.entities.js';
import { ClientRegistry } from './client-registry.js';

export interface CallingClient {
  client: OAuthClientEntity;
  /** True when the client proved its identity with its secret (a confidential client). */
  authenticated: boolean;
}

/**
 * Client authentication at the token, revocation and introspection endpoints (RFC 6749
 * §2.3.1): `Authorization: Basic` or `client_id` + `client_secret` in the body, never both.
 * A public client only names itself with `client_id` (it has no secret).
 */
@Injectable()
export class ClientAuthenticator {
  constructor(private readonly registry: ClientRegistry) {}

  async identify(
    basic: BasicCredentials | undefined,
    params: Record<string, string>,
  ): Promise<CallingClient> {
    if (basic && params.client_secret !== undefined) {
      throw oauthError('invalid_request', 'Use one client authentication method, not two.');
    }
    if (basic && params.client_id !== undefined && params.client_id !== basic.client_id) {
      throw oauthError('invalid_request', 'client_id differs from the authenticated client.');
    }
    const id = basic?.client_id ?? params.client_id;
    const secret = basic?.client_secret ?? params.client_secret;
    if (!id) throw invalidClient('The client is not identified (Basic or client_id).');
    const client = await this.registry.find(id);
    if (!client) throw invalidClient();
    if (client.type === 'public') {
      // A secret from a client that has none is a misconfiguration: refuse rather than ignore.
      if (secret !== undefined) throw invalidClient();
      return { client, authenticated: false };
    }
    if (secret === undefined || !client.secretHash || !matchesHash(secret, client.secretHash)) {
      throw invalidClient();
    }
    return { client, authenticated: true };
  }

  /** Like identify, but only a client that authenticated with its secret passes. */
  async authenticate(
    basic: BasicCredentials | undefined,
    params: Record<string, string>,
  ): Promise<CallingClient> {
    const caller = await this.identify(basic, params);
    if (!caller.authenticated) throw invalidClient('This endpoint needs an authenticated client.');
    return caller;
  }
}
