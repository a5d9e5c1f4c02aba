import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { oauthError } from '../../../contracts/auth/oauth-errors.js';
import type { OAuthTokenResponse } from '../../../contracts/auth/oauth.dto.js';
import type { UserDto } from '../../../contracts/users/user.dto.js';
import type { RpcMeta } from '../../../platform/transport/rpc-meta.js';
import { verifierMatches } from '../../domain/oauth/pkce.js';
import { parseScope } from '../../domain/oauth/scope.js';
import { hashToken } from '../../domain/opaque-token.js';
import { OAuthCodeEntity, type OAuthClientEntity } from '../../persistence/auth.entities.js';
import { rowsOf, SessionService } from '../session.service.js';
import { AuditLog } from '../audit-log.js';
import { AuthSettings } from '../auth-settings.js';
import { SignInService } from '../sign-in.service.js';
import { UserDirectory } from '../user-directory.js';
import { IdTokens } from './id-tokens.js';

type Claim =
  | { kind: 'invalid'; why: string }
  | { kind: 'reuse'; revoked: string[] }
  | { kind: 'claimed'; code: OAuthCodeEntity; user: UserDto };

/** `session_id` of a code replayed before its first exchange finished: that one must fail. */
const REPLAYED = 'replayed';

const invalidGrant = (why: string) => oauthError('invalid_grant', why);

/**
 * The authorization_code grant (RFC 6749 §4.1.3, PKCE RFC 7636 §4.6). A code works once: the
 * exchange claims it under a row lock and checks it, then signs the user in like any other
 * sign-in (SignInService: a real session, listed with their others, ended by logout and
 * revocation, checked by the gateway on every request) for this client. The same code
 * presented again revokes that session (§4.1.2), so the tokens of the first exchange stop
 * working too; a failed check burns the code as well.
 */
@Injectable()
export class AuthorizationCodeGrant {
  constructor(
    private readonly ds: DataSource,
    private readonly sessions: SessionService,
    private readonly signIn: SignInService,
    private readonly idTokens: IdTokens,
    private readonly directory: UserDirectory,
    private readonly audit: AuditLog,
    private readonly settings: AuthSettings,
  ) {}

  async exchange(
    client: OAuthClientEntity,
    p: Record<string, string>,
    meta: RpcMeta,
  ): Promise<OAuthTokenResponse> {
    if (!p.code) throw oauthError('invalid_request', 'code is required.');
    const hash = hashToken(p.code);
    const known = await this.ds.getRepository(OAuthCodeEntity).findOneBy({ hash });
    if (!known) throw invalidGrant('The authorization code is invalid.');
    // The users part is asked before the transaction: no remote call while holding a lock
    // (with the embedded database the users part shares its single connection).
    const user = known.usedAt ? null : await this.directory.find(known.userId, meta);

    const claim = await this.ds.transaction(async (m): Promise<Claim> => {
      const code = await m
        .getRepository(OAuthCodeEntity)
        .createQueryBuilder('c')
        .setLock('pessimistic_write')
        .where('c.hash = :hash', { hash })
        .getOne();
      if (!code) return { kind: 'invalid', why: 'The authorization code is invalid.' };
      const now = new Date();
      if (code.usedAt) {
        const live = code.sessionId && code.sessionId !== REPLAYED ? [code.sessionId] : [];
        const revoked = await this.sessions.revokeIn(m, live, 'authorization_code_reuse');
        // A first exchange still under way finds this mark and fails (see below).
        if (!code.sessionId) {
          await m.getRepository(OAuthCodeEntity).update({ hash }, { sessionId: REPLAYED });
        }
        await this.audit.record(m, {
          type: 'oauth.code_reuse',
          userId: code.userId,
          sessionId: live[0] ?? null,
          meta,
          data: { client_id: code.clientId, presented_by: client.id, revoked: revoked.length },
        });
        return { kind: 'reuse', revoked };
      }
      await m.getRepository(OAuthCodeEntity).update({ hash }, { usedAt: now });
      if (code.clientId !== client.id) {
        return { kind: 'invalid', why: 'The authorization code was issued to another client.' };
      }
      if (code.expiresAt <= now) {
        return { kind: 'invalid', why: 'The authorization code has expired.' };
      }
      if (
        (code.redirectUriGiven || p.redirect_uri !== undefined) &&
        p.redirect_uri !== code.redirectUri
      ) {
        return {
          kind: 'invalid',
          why: 'redirect_uri does not match the one of the authorization request.',
        };
      }
      if (code.codeChallenge) {
        if (!verifierMatches(p.code_verifier, code.codeChallenge)) {
          return { kind: 'invalid', why: 'The PKCE code_verifier does not match the challenge.' };
        }
      } else if (p.code_verifier !== undefined) {
        // No challenge was sent with this authorization: a verifier now is a downgrade attempt.
        return { kind: 'invalid', why: 'No code_challenge was sent with this authorization.' };
      }
      if (!UserDirectory.maySignIn(user)) {
        return { kind: 'invalid', why: 'The user can no longer sign in.' };
      }
      return { kind: 'claimed', code, user };
    });

    if (claim.kind === 'reuse') {
      await this.sessions.forget(claim.revoked);
      throw invalidGrant('The authorization code was already used: its tokens are revoked.');
    }
    if (claim.kind === 'invalid') throw invalidGrant(claim.why);

    const { code, user: owner } = claim;
    const refreshable = client.grantTypes.includes('refresh_token');
    let sessionId = '';
    const pair = await this.signIn.complete({
      userId: owner.id,
      role: owner.role,
      meta,
      method: 'oauth_authorization_code',
      aal: code.aal,
      amr: code.amr,
      authTime: code.authTime,
      client: {
        id: client.id,
        scope: code.scope,
        // Without a refresh token the session lasts as long as its access token.
        ...(refreshable ? {} : { idleTtlSec: this.settings.accessTtl }),
      },
      alsoIn: async (m, session) => {
        sessionId = session.id;
        const bound = rowsOf(
          await m.query(
            `UPDATE auth.oauth_codes SET session_id = $2
              WHERE hash = $1 AND session_id IS NULL RETURNING hash`,
            [hash, session.id],
          ),
        );
        // Replayed meanwhile: nothing may be issued from this code (the session rolls back).
        if (!bound.length) throw invalidGrant('The authorization code was already used.');
      },
    });
    const scope = parseScope(code.scope) ?? [];
    return {
      access_token: pair.access_token,
      token_type: 'Bearer',
      expires_in: pair.expires_in,
      ...(refreshable ? { refresh_token: pair.refresh_token } : {}),
      scope: code.scope,
      ...(scope.includes('openid')
        ? {
            id_token: await this.idTokens.build({
              user: owner,
              clientId: client.id,
              scope,
              nonce: code.nonce,
              authTime: code.authTime,
              aal: code.aal,
              amr: code.amr,
              sessionId,
            }),
          }
        : {}),
    };
  }
}
