import { Injectable } from '@nestjs/common';
import { oauthError, oauthErrorOf } from '../../../contracts/auth/oauth-errors.js';
import {
  OAUTH_GRANT_TYPES,
  type ClientRequest,
  type OAuthGrantType,
  type OAuthTokenResponse,
} from '../../../contracts/auth/oauth.dto.js';
import { ProblemException } from '../../../platform/errors/problem.js';
import { MetricsService } from '../../../platform/metrics/metrics.service.js';
import type { RpcMeta } from '../../../platform/transport/rpc-meta.js';
import { formatScope, parseScope, scopesOutside, USER_SCOPES } from '../../domain/oauth/scope.js';
import type { OAuthClientEntity } from '../../persistence/auth.entities.js';
import { RefreshUseCase } from '../refresh.use-case.js';
import { TokenIssuer } from '../token-issuer.js';
import { AuthorizationCodeGrant } from './authorization-code.grant.js';
import { ClientAuthenticator } from './client-authenticator.js';
import { singleParams } from './oauth-params.js';

/**
 * The token endpoint (RFC 6749 §3.2): client authentication, then the grant. Errors are
 * OAuth errors (§5.2), answered by the gateway as `{error, error_description}`.
 */
@Injectable()
export class TokenEndpointUseCase {
  private readonly outcomes;

  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly codes: AuthorizationCodeGrant,
    private readonly refreshes: RefreshUseCase,
    private readonly issuer: TokenIssuer,
    metrics: MetricsService,
  ) {
    this.outcomes = metrics.counter(
      'auth_oauth_tokens_total',
      'Token endpoint requests by grant type and outcome (issued or the OAuth error code)',
      ['grant', 'outcome'] as const,
    );
  }

  async token(req: ClientRequest, meta: RpcMeta): Promise<OAuthTokenResponse> {
    const p = singleParams(req?.params);
    const grant = OAUTH_GRANT_TYPES.includes(p.grant_type as OAuthGrantType)
      ? (p.grant_type as OAuthGrantType)
      : 'other';
    try {
      if (!p.grant_type) throw oauthError('invalid_request', 'grant_type is required.');
      const { client } = await this.clients.identify(req?.basic, p);
      if (grant === 'other') {
        throw oauthError('unsupported_grant_type', 'This grant type is not supported.');
      }
      if (!client.grantTypes.includes(grant)) {
        throw oauthError('unauthorized_client', `This client may not use the ${grant} grant.`);
      }
      const answer =
        grant === 'authorization_code'
          ? await this.codes.exchange(client, p, meta)
          : grant === 'client_credentials'
            ? await this.clientCredentials(client, p)
            : await this.refresh(client, p, meta);
      this.outcomes.labels(grant, 'issued').inc();
      return answer;
    } catch (err) {
      const code = err instanceof ProblemException ? oauthErrorOf(err.problem) : undefined;
      this.outcomes.labels(grant, code ?? 'error').inc();
      throw err;
    }
  }

  /** RFC 6749 §4.4: a confidential client acting for itself; no refresh token. */
  private async clientCredentials(
    client: OAuthClientEntity,
    p: Record<string, string>,
  ): Promise<OAuthTokenResponse> {
    const requested = parseScope(p.scope);
    if (!requested) throw oauthError('invalid_scope', 'The scope parameter is malformed.');
    if (scopesOutside(requested, client.scopes).length) {
      throw oauthError('invalid_scope', 'The scope exceeds what this client may ask for.');
    }
    if (requested.some((s) => USER_SCOPES.includes(s))) {
      throw oauthError(
        'invalid_scope',
        'openid and offline_access need a user (authorization_code).',
      );
    }
    const scope = requested.length
      ? requested
      : client.scopes.filter((s) => !USER_SCOPES.includes(s));
    const access = await this.issuer.issueForClient(client.id, formatScope(scope));
    return {
      access_token: access.token,
      token_type: 'Bearer',
      expires_in: access.expiresIn,
      scope: formatScope(scope),
    };
  }

  /** RFC 6749 §6, with rotation and reuse detection as for first-party sessions. */
  private async refresh(
    client: OAuthClientEntity,
    p: Record<string, string>,
    meta: RpcMeta,
  ): Promise<OAuthTokenResponse> {
    if (!p.refresh_token) throw oauthError('invalid_request', 'refresh_token is required.');
    const scope = parseScope(p.scope);
    if (!scope) throw oauthError('invalid_scope', 'The scope parameter is malformed.');
    try {
      const pair = await this.refreshes.refresh(p.refresh_token, meta, {
        clientId: client.id,
        scope,
      });
      return {
        access_token: pair.access_token,
        token_type: 'Bearer',
        expires_in: pair.expires_in,
        refresh_token: pair.refresh_token,
        scope: pair.scope ?? '',
      };
    } catch (err) {
      if (err instanceof ProblemException && err.getStatus() === 401) {
        throw oauthError('invalid_grant', 'The refresh token is invalid, expired or revoked.');
      }
      throw err;
    }
  }
}
