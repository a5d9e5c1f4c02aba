import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { OAuthErrorCode } from '../../../contracts/auth/oauth-errors.js';
import { paramName } from '../../../contracts/auth/oauth-errors.js';
import type { AuthorizeCommand, AuthorizeView } from '../../../contracts/auth/oauth.dto.js';
import { ProblemException } from '../../../platform/errors/problem.js';
import type { RpcMeta } from '../../../platform/transport/rpc-meta.js';
import { AUTHORIZATION_CODE_TTL_S, USED_CODE_RETENTION_S } from '../../domain/oauth/lifetimes.js';
import { isS256Challenge, PKCE_METHOD } from '../../domain/oauth/pkce.js';
import { matchRedirectUri, originOf, withParams } from '../../domain/oauth/redirect-uri.js';
import { formatScope, parseScope, scopesOutside } from '../../domain/oauth/scope.js';
import { hashToken, newOpaqueToken } from '../../domain/opaque-token.js';
import { looksLikeTotp } from '../../domain/totp.js';
import { OAuthCodeEntity } from '../../persistence/auth.entities.js';
import { AuditLog } from '../audit-log.js';
import { AuthSettings } from '../auth-settings.js';
import { LoginUseCase } from '../login.use-case.js';
import { MfaUseCases } from '../mfa/mfa.use-cases.js';
import { repeatedParams, type RawParams } from './oauth-params.js';
import {
  AuthorizationRequests,
  browserBinding,
  sameSecret,
  type AuthorizationRequest,
} from './authorization-requests.js';
import { ClientRegistry } from './client-registry.js';

type Page = Extract<AuthorizeView, { kind: 'page' }>;

const MAX_STATE = 1024;
const MAX_NONCE = 512;

const errorPage = (status: number, message: string): Page => ({
  kind: 'page',
  page: 'error',
  status,
  message,
});

/** Non-empty single values; repeated parameters are reported apart. */
function stringsOf(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!raw || typeof raw !== 'object') return out;
  for (const [k, v] of Object.entries(raw as RawParams)) {
    if (typeof v === 'string' && v !== '') out[k] = v;
  }
  return out;
}

const problemType = (err: unknown) =>
  err instanceof ProblemException ? err.problem.type.replace(/^.*\//, '') : undefined;

/**
 * The authorization endpoint (RFC 6749 §4.1, PKCE RFC 7636): validates the request, then a
 * server-rendered sign-in (password, then the second factor when the user has one) and a
 * consent page; the answer is a redirect with a single-use code bound to the client, the
 * redirect URI and the PKCE challenge. A request whose client or redirect URI cannot be
 * trusted shows an error page and never redirects (§4.1.2.1); other errors go back to the
 * client with `error` and `state`.
 */
@Injectable()
export class AuthorizeUseCase {
  constructor(
    private readonly ds: DataSource,
    private readonly registry: ClientRegistry,
    private readonly requests: AuthorizationRequests,
    private readonly logins: LoginUseCase,
    private readonly mfa: MfaUseCases,
    private readonly audit: AuditLog,
    private readonly settings: AuthSettings,
  ) {}

  /** GET /oauth/authorize: checks the request and shows the sign-in page. */
  async start(cmd: AuthorizeCommand): Promise<AuthorizeView> {
    const repeated = repeatedParams(cmd?.params);
    const p = stringsOf(cmd?.params);
    if (repeated.includes('client_id') || repeated.includes('redirect_uri')) {
      return errorPage(400, 'The request names its client or redirect URI more than once.');
    }
    const client = await this.registry.find(p.client_id);
    if (!client) {
      return errorPage(400, 'The application is not registered here (unknown client_id).');
    }
    if (!matchRedirectUri(client.redirectUris, p.redirect_uri)) {
      return errorPage(
        400,
        'The redirect URI is not registered for this application, so the answer cannot be sent back to it.',
      );
    }
    const redirectUri = p.redirect_uri ?? client.redirectUris[0];
    const fail = (error: OAuthErrorCode, description: string): AuthorizeView =>
      this.redirect(redirectUri, { error, error_description: description, state: p.state });

    if (repeated.length) {
      return fail('invalid_request', `The parameter ${paramName(repeated[0])} is repeated.`);
    }
    if (!p.response_type) return fail('invalid_request', 'response_type is required.');
    if (p.response_type !== 'code') {
      return fail('unsupported_response_type', 'Only response_type=code is supported.');
    }
    if (!client.grantTypes.includes('authorization_code')) {
      return fail('unauthorized_client', 'This client may not use the authorization code grant.');
    }
    const requested = parseScope(p.scope);
    if (!requested) return fail('invalid_scope', 'The scope parameter is malformed.');
    if (scopesOutside(requested, client.scopes).length) {
      return fail('invalid_scope', 'The scope exceeds what this client may ask for.');
    }
    const scope = requested.length ? requested : client.scopes;
    const challenge = p.code_challenge;
    const method = p.code_challenge_method;
    if (challenge === undefined && method !== undefined) {
      return fail('invalid_request', 'code_challenge_method was sent without code_challenge.');
    }
    if (challenge !== undefined) {
      // Without a method the challenge is plain (RFC 7636 §4.3), which is refused.
      if (method !== PKCE_METHOD) {
        return fail('invalid_request', 'Only the S256 code challenge method is supported.');
      }
      if (!isS256Challenge(challenge)) {
        return fail('invalid_request', 'code_challenge must be 43 base64url characters (S256).');
      }
    } else if (client.type === 'public') {
      return fail('invalid_request', 'A public client must send a PKCE code_challenge (S256).');
    }
    if ((p.state?.length ?? 0) > MAX_STATE) return fail('invalid_request', 'state is too long.');
    if ((p.nonce?.length ?? 0) > MAX_NONCE) return fail('invalid_request', 'nonce is too long.');
    if (p.prompt?.split(' ').includes('none')) {
      // No sign-in is remembered between requests, so nothing can be granted silently.
      return fail('login_required', 'The user must sign in.');
    }
    const { handle, request } = this.requests.create({
      client_id: client.id,
      client_name: client.name,
      redirect_uri: redirectUri,
      redirect_uri_given: p.redirect_uri !== undefined,
      scope,
      state: p.state,
      nonce: p.nonce,
      code_challenge: challenge,
      browser: browserBinding(String(cmd.browser ?? '')),
    });
    return this.page(handle, request, 200);
  }

  /** POST /oauth/authorize: one step of the pages (sign-in, second factor, consent). */
  async step(cmd: AuthorizeCommand, meta: RpcMeta): Promise<AuthorizeView> {
    const p = stringsOf(cmd?.params);
    const handle = p.request;
    const r = await this.requests.claim(handle);
    if (!r || !handle) {
      return errorPage(
        400,
        'This sign-in request has expired or was already answered. Go back to the application and start again.',
      );
    }
    if (
      !sameSecret(r.browser, browserBinding(String(cmd.browser ?? ''))) ||
      !sameSecret(r.csrf, p.csrf)
    ) {
      // Not the browser (or the page) this request was shown to: never act on it.
      return errorPage(
        403,
        'This form could not be verified (cookies must be enabled). Go back to the application and start again.',
      );
    }
    if (p.step !== r.step) return this.page(handle, r, 200);
    try {
      switch (r.step) {
        case 'login':
          return await this.signIn(handle, r, p, meta);
        case 'mfa':
          return await this.secondFactor(handle, r, p, meta);
        default:
          return await this.consent(handle, r, p, meta);
      }
    } catch (err) {
      // A dependency failed (users part, store): the request stays usable for a retry.
      await this.requests.put(handle, r);
      throw err;
    }
  }

  private async signIn(
    handle: string,
    r: AuthorizationRequest,
    p: Record<string, string>,
    meta: RpcMeta,
  ): Promise<AuthorizeView> {
    let userId: string;
    let mfaActive: boolean;
    try {
      ({ userId, mfaActive } = await this.logins.authenticate(
        { email: (p.email ?? '').slice(0, 320), password: (p.password ?? '').slice(0, 1024) },
        meta,
      ));
    } catch (err) {
      const status = err instanceof ProblemException ? err.getStatus() : 0;
      if (status === 401) {
        return this.page(handle, r, 401, 'The email or password is incorrect.');
      }
      if (status === 429) {
        const retry = Number(err instanceof ProblemException ? err.problem.retry_after : 0) || 0;
        return this.page(
          handle,
          r,
          429,
          `Too many failed attempts: try again in ${retry || 'a few'} seconds.`,
          retry,
        );
      }
      throw err;
    }
    r.user_id = userId;
    if (mfaActive) {
      const challenge = await this.mfa.challenge(userId);
      r.step = 'mfa';
      r.mfa_token = challenge.mfa_token;
      return this.page(handle, r, 200);
    }
    Object.assign(r, {
      step: 'consent',
      aal: 'aal1',
      amr: ['pwd'],
      auth_time: Math.floor(Date.now() / 1000),
    });
    return this.page(handle, r, 200);
  }

  private async secondFactor(
    handle: string,
    r: AuthorizationRequest,
    p: Record<string, string>,
    meta: RpcMeta,
  ): Promise<AuthorizeView> {
    const given = (p.code ?? '').trim().slice(0, 64);
    try {
      const ok = await this.mfa.checkSecondFactor(
        {
          mfa_token: r.mfa_token ?? '',
          ...(looksLikeTotp(given) ? { code: given } : { recovery_code: given }),
        },
        meta,
      );
      await this.ds.transaction((m) => this.mfa.recordSecondFactor(m, ok, null, meta));
      Object.assign(r, {
        step: 'consent',
        mfa_token: undefined,
        aal: 'aal2',
        amr: ok.amr,
        auth_time: Math.floor(Date.now() / 1000),
      });
      return this.page(handle, r, 200);
    } catch (err) {
      switch (problemType(err)) {
        case 'invalid-mfa-code': {
          const left = (err as ProblemException).problem.attempts_remaining;
          return this.page(
            handle,
            r,
            401,
            `The code is incorrect or was already used${left ? ` (${String(left)} attempts left)` : ''}.`,
          );
        }
        case 'invalid-mfa-token':
          Object.assign(r, { step: 'login', user_id: undefined, mfa_token: undefined });
          return this.page(handle, r, 401, 'Too many wrong codes: sign in again.');
        case 'too-many-attempts':
          return this.page(handle, r, 429, 'Too many codes tried: wait a while, then try again.');
        default:
          throw err;
      }
    }
  }

  private async consent(
    handle: string,
    r: AuthorizationRequest,
    p: Record<string, string>,
    meta: RpcMeta,
  ): Promise<AuthorizeView> {
    if (p.decision !== 'allow' && p.decision !== 'deny') return this.page(handle, r, 200);
    const userId = r.user_id!;
    if (p.decision === 'deny') {
      await this.ds.transaction((m) =>
        this.audit.record(m, {
          type: 'oauth.consent_denied',
          userId,
          meta,
          data: { client_id: r.client_id },
        }),
      );
      return this.redirect(r.redirect_uri, {
        error: 'access_denied',
        error_description: 'The user did not allow the access.',
        state: r.state,
      });
    }
    if (!(await this.registry.find(r.client_id))) {
      return errorPage(400, 'The application was removed meanwhile.');
    }
    const code = newOpaqueToken('ac');
    const now = new Date();
    await this.ds.transaction(async (m) => {
      // Housekeeping: codes are worthless once past the window in which a replay matters.
      await m.query(`DELETE FROM auth.oauth_codes WHERE expires_at < $1`, [
        new Date(now.getTime() - USED_CODE_RETENTION_S * 1000),
      ]);
      await m.getRepository(OAuthCodeEntity).insert({
        hash: hashToken(code),
        clientId: r.client_id,
        userId,
        redirectUri: r.redirect_uri,
        redirectUriGiven: r.redirect_uri_given,
        scope: formatScope(r.scope),
        codeChallenge: r.code_challenge ?? null,
        nonce: r.nonce ?? null,
        aal: r.aal ?? 'aal1',
        amr: r.amr ?? ['pwd'],
        authTime: new Date((r.auth_time ?? Math.floor(now.getTime() / 1000)) * 1000),
        createdAt: now,
        expiresAt: new Date(now.getTime() + AUTHORIZATION_CODE_TTL_S * 1000),
        usedAt: null,
        sessionId: null,
      });
      await this.audit.record(m, {
        type: 'oauth.consent_granted',
        userId,
        meta,
        data: { client_id: r.client_id, scope: formatScope(r.scope) },
      });
    });
    return this.redirect(r.redirect_uri, { code, state: r.state });
  }

  /** The answer to the client (RFC 9207: with `iss`, so a mix-up can be detected). */
  private redirect(uri: string, params: Record<string, string | undefined>): AuthorizeView {
    return {
      kind: 'redirect',
      location: withParams(uri, { ...params, iss: this.settings.issuer }),
    };
  }

  /** Stores the request (new CSRF token) and describes the page of its current step. */
  private async page(
    handle: string,
    r: AuthorizationRequest,
    status: number,
    message?: string,
    retryAfter?: number,
  ): Promise<Page> {
    await this.requests.put(handle, r);
    return {
      kind: 'page',
      page: r.step,
      status,
      request: handle,
      csrf: r.csrf,
      client_name: r.client_name,
      scopes: r.scope,
      redirect_origin: originOf(r.redirect_uri),
      ...(message ? { message } : {}),
      ...(retryAfter ? { retry_after: retryAfter } : {}),
    };
  }
}
