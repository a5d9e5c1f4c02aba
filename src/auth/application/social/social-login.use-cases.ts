import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import { DataSource } from 'typeorm';
import type {
  LoginResultDto,
  SocialCallbackCommand,
  SocialRedirectDto,
  SocialStartCommand,
  SocialStartDto,
} from '../../../contracts/auth/auth.dto.js';
import { AuthEvents } from '../../../contracts/auth/auth.patterns.js';
import { newId } from '../../../contracts/common/ids.js';
import { ProblemException, validationProblem } from '../../../platform/errors/problem.js';
import { KeyValueStore } from '../../../platform/kv/key-value.store.js';
import { MetricsService } from '../../../platform/metrics/metrics.service.js';
import type { RpcMeta } from '../../../platform/transport/rpc-meta.js';
import {
  decideLink,
  displayNameFor,
  providerErrorCode,
  safeReturnPath,
  type FederatedIdentity,
  type SocialLoginError,
} from '../../domain/federated-identity.js';
import { hashToken, newOpaqueToken } from '../../domain/opaque-token.js';
import { normalizeEmail } from '../../domain/password-policy.js';
import { CredentialEntity } from '../../persistence/auth.entities.js';
import { AuditLog } from '../audit-log.js';
import { EventPublisher } from '../event-publisher.js';
import { MfaUseCases } from '../mfa/mfa.use-cases.js';
import { isUniqueViolation, RegisterUseCase } from '../register.use-case.js';
import { SignInService } from '../sign-in.service.js';
import { UserDirectory } from '../user-directory.js';
import { FederatedIdentities } from './federated-identities.js';
import { SocialProviders } from './social-providers.js';

/** How long a started sign-in may take at the provider (state, nonce, verifier kept). */
export const SOCIAL_STATE_TTL_S = 600;
/** Lifetime of the one-time code handed to the frontend. */
export const SOCIAL_CODE_TTL_S = 60;

/** A started sign-in, stored under the hash of its `state` until the callback claims it. */
interface PendingSignIn {
  /** Provider name. */
  p: string;
  /** PKCE code verifier. */
  v: string;
  /** OIDC nonce. */
  n: string;
  /** SHA-256 of the browser-binding cookie. */
  b: string;
  /** Frontend path to return to. */
  r?: string;
}

/** What a one-time code grants: a sign-in of this user through this provider. */
interface SignInGrant {
  u: string;
  p: string;
}

const stateKey = (state: string) => `auth:social:state:${hashToken(state)}`;
const codeKey = (code: string) => `auth:social:code:${hashToken(code)}`;

const invalidCode = () =>
  new ProblemException(
    401,
    'invalid-social-code',
    'The sign-in code is invalid, expired or was already used: sign in again.',
  );

/**
 * Social sign-in (OpenID Connect providers and GitHub), as an authorization-code flow with
 * state, nonce and PKCE. Tokens never travel in a URL: the callback redirects to FRONTEND_URL
 * with a one-time code (60 s, single use, stored hashed) that `exchange` turns into tokens.
 */
@Injectable()
export class SocialLoginUseCases {
  private readonly logger = new Logger('SocialLogin');
  private readonly outcomes;

  constructor(
    private readonly ds: DataSource,
    private readonly kv: KeyValueStore,
    private readonly providers: SocialProviders,
    private readonly identities: FederatedIdentities,
    private readonly registration: RegisterUseCase,
    private readonly directory: UserDirectory,
    private readonly mfa: MfaUseCases,
    private readonly signIn: SignInService,
    private readonly audit: AuditLog,
    private readonly events: EventPublisher,
    metrics: MetricsService,
  ) {
    this.outcomes = metrics.counter(
      'auth_social_logins_total',
      'Social sign-in callbacks by provider and outcome (signed_in, linked, created, or the error)',
      ['provider', 'outcome'] as const,
    );
  }

  /** Where to send the browser, and the secret of the cookie that binds the flow to it. */
  async start(cmd: SocialStartCommand): Promise<SocialStartDto> {
    const provider = this.providers.get(cmd?.provider);
    let returnTo: string | undefined;
    if (cmd.return_to !== undefined) {
      returnTo = safeReturnPath(cmd.return_to);
      if (!returnTo) {
        throw validationProblem([
          { field: 'return_to', message: 'must be a path on the frontend, such as /settings' },
        ]);
      }
    }
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const binding = randomBytes(32).toString('base64url');
    let url: string;
    try {
      url = await provider.authorizationUrl({ state, nonce, codeVerifier });
    } catch (err) {
      this.logger.warn(`${provider.name}: no authorization URL: ${reason(err)}`);
      throw new ProblemException(
        502,
        'provider-unavailable',
        'The sign-in provider cannot be reached right now; try again later.',
      );
    }
    const pending: PendingSignIn = {
      p: provider.name,
      v: codeVerifier,
      n: nonce,
      b: hashToken(binding),
      ...(returnTo ? { r: returnTo } : {}),
    };
    await this.kv.set(stateKey(state), JSON.stringify(pending), SOCIAL_STATE_TTL_S * 1000);
    return { authorization_url: url, binding, expires_in: SOCIAL_STATE_TTL_S };
  }

  /** The provider's redirect: always answers with where to send the browser next. */
  async callback(cmd: SocialCallbackCommand, meta: RpcMeta): Promise<SocialRedirectDto> {
    const provider = this.providers.get(cmd?.provider);
    const params = cmd.params ?? {};
    const outcome = await this.complete(provider.name, params, cmd.binding, meta);
    this.outcomes.labels(provider.name, 'error' in outcome ? outcome.error : outcome.how).inc();
    const target = new URL(this.providers.frontendUrl!);
    if ('error' in outcome) {
      target.searchParams.set('error', outcome.error);
      return { location: target.href };
    }
    const code = newOpaqueToken('soc');
    const grant: SignInGrant = { u: outcome.userId, p: provider.name };
    await this.kv.set(codeKey(code), JSON.stringify(grant), SOCIAL_CODE_TTL_S * 1000);
    target.searchParams.set('code', code);
    if (outcome.returnTo) target.searchParams.set('return_to', outcome.returnTo);
    return { location: target.href };
  }

  private async complete(
    providerName: string,
    params: Record<string, string>,
    binding: string | undefined,
    meta: RpcMeta,
  ): Promise<
    | { error: SocialLoginError }
    | { userId: string; how: 'signed_in' | 'linked' | 'created'; returnTo?: string }
  > {
    const state = typeof params.state === 'string' ? params.state : '';
    // Claimed at once: a state works for one callback, whatever happens next.
    const raw = state && state.length <= 512 ? await this.kv.getDel(stateKey(state)) : null;
    const pending = raw ? (JSON.parse(raw) as PendingSignIn) : null;
    // Bound to the browser that started it: a callback carried to another browser (login
    // CSRF, a victim signed in to the attacker's account) lacks the cookie.
    if (
      !pending ||
      pending.p !== providerName ||
      typeof binding !== 'string' ||
      hashToken(binding) !== pending.b
    ) {
      return { error: 'invalid_state' };
    }
    if (params.error) return { error: providerErrorCode(params.error) };

    let identity: FederatedIdentity;
    try {
      identity = await this.providers
        .get(providerName)
        .identify(params, { state, nonce: pending.n, codeVerifier: pending.v });
    } catch (err) {
      this.logger.warn(`${providerName}: sign-in refused: ${reason(err)}`);
      return { error: 'provider_error' };
    }
    const resolved = await this.resolve(identity, meta);
    return 'error' in resolved ? resolved : { ...resolved, returnTo: pending.r };
  }

  /** Which user the identity signs in as: its link, an account to link, or a new account. */
  private async resolve(
    identity: FederatedIdentity,
    meta: RpcMeta,
    retried = false,
  ): Promise<
    { error: SocialLoginError } | { userId: string; how: 'signed_in' | 'linked' | 'created' }
  > {
    const email = identity.email ? normalizeEmail(identity.email) : undefined;
    const linkedUserId = await this.identities.userOf(identity.provider, identity.subject);
    const account =
      !linkedUserId && email
        ? await this.ds.getRepository(CredentialEntity).findOneBy({ email })
        : null;
    const decision = decideLink({
      linkedUserId,
      account,
      identity: { email, emailVerified: identity.emailVerified },
    });
    switch (decision.kind) {
      case 'refuse':
        if (decision.userId) await this.refused(decision.userId, identity, decision.error, meta);
        return { error: decision.error };
      case 'sign-in':
      case 'link': {
        const user = await this.directory.find(decision.userId, meta);
        if (!UserDirectory.maySignIn(user)) {
          await this.refused(decision.userId, identity, 'account_disabled', meta);
          return { error: 'account_disabled' };
        }
        if (decision.kind === 'sign-in') return { userId: decision.userId, how: 'signed_in' };
        try {
          await this.ds.transaction((m) =>
            this.identities.link(m, { ...identity, email }, decision.userId, meta),
          );
        } catch (err) {
          // The same provider account linked by a parallel callback: take it from there.
          if (!retried && isUniqueViolation(err)) return this.resolve(identity, meta, true);
          throw err;
        }
        return { userId: decision.userId, how: 'linked' };
      }
      case 'create': {
        const id = newId('usr');
        try {
          await this.registration.createAccount(
            {
              id,
              email: email!,
              name: displayNameFor(identity),
              passwordHash: null,
              role: 'member',
            },
            meta,
            {
              verified: identity.emailVerified,
              alsoIn: (m) => this.identities.link(m, { ...identity, email }, id, meta),
            },
          );
        } catch (err) {
          if (err instanceof ProblemException) {
            const status = err.getStatus();
            // A parallel callback created the account or the link first: resolve again.
            if (status === 409 && !retried) return this.resolve(identity, meta, true);
            // The users part refused the address the provider gave.
            if (status === 400) return { error: 'email_required' };
          }
          throw err;
        }
        return { userId: id, how: 'created' };
      }
    }
  }

  /** A sign-in into an existing account was refused: its owner sees it in the audit log. */
  private async refused(
    userId: string,
    identity: FederatedIdentity,
    error: SocialLoginError,
    meta: RpcMeta,
  ): Promise<void> {
    await this.ds.transaction(async (m) => {
      await this.audit.record(m, {
        type: 'login.failed',
        userId,
        meta,
        data: { reason: error, method: `federated:${identity.provider}` },
      });
      await this.events.publish(m, AuthEvents.loginFailed, userId, {
        user_id: userId,
        reason: error,
      });
    });
  }

  /** The one-time code from FRONTEND_URL: tokens, or the second-factor challenge. */
  async exchange(code: unknown, meta: RpcMeta): Promise<LoginResultDto> {
    const raw =
      typeof code === 'string' && code.length <= 200 ? await this.kv.getDel(codeKey(code)) : null;
    if (!raw) throw invalidCode();
    const grant = JSON.parse(raw) as SignInGrant;
    const user = await this.directory.find(grant.u, meta);
    if (!UserDirectory.maySignIn(user)) throw invalidCode();
    const first = { amr: 'fed', method: `federated:${grant.p}` };
    if (await this.mfa.isActive(grant.u)) return this.mfa.challenge(grant.u, first);
    return this.signIn.complete({
      userId: grant.u,
      role: user.role,
      meta,
      method: first.method,
      aal: 'aal1',
      amr: [first.amr],
    });
  }
}

/** Why a provider call failed, for the log (never a token). */
function reason(err: unknown): string {
  const e = err as {
    code?: string;
    message?: string;
    cause?: { claim?: string; message?: string };
  };
  const detail = e?.cause?.claim ? `claim ${e.cause.claim}` : e?.cause?.message;
  return [e?.code, e?.message ?? String(err), detail && `(${detail})`].filter(Boolean).join(' ');
}
