import { Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Reflector } from '@nestjs/core';
import { isClientToken } from '../../contracts/auth/access-token.js';
import { livenessOf, scopesOf } from '../../contracts/auth/token-liveness.js';
import { TokenVerifier } from '../../contracts/auth/token-verifier.js';
import { ProblemException } from '../../platform/errors/problem.js';
import {
  ACCEPTED_SCOPES,
  IS_PUBLIC,
  OPTIONAL_AUTH,
  REQUIRED_ROLES,
  type AuthenticatedRequest,
} from '../../platform/http/auth.decorators.js';
import { KeyValueStore } from '../../platform/kv/key-value.store.js';
import { LIMIT_STATE, RateLimiter, type LimitState } from '../rate-limit/rate-limiter.js';

interface RoutePolicy {
  public: boolean;
  optional: boolean;
  roles: string[] | undefined;
  scopes: string[] | undefined;
}

/**
 * The gateway's authentication guard (global). Every route needs a valid access token unless
 * it is `@Public()`; `@OptionalAuth()` verifies a token when one is sent; `@Roles()` then
 * checks the caller's role. A token is valid when its signature (algorithm pinned to
 * JWT_ALGORITHM, key chosen by `kid` among the published keys), type, expiry, issuer and
 * audience check out and its session is still live in the key-value store, so logout and
 * revocation take effect on the next request without a call to auth.
 *
 * Tokens issued through OAuth: a user's token granted to a client (`client_id`, `scope`) also
 * needs its `jti` not revoked, and reaches only routes marked `@Scopes()` whose scopes it
 * holds (403 insufficient_scope otherwise, RFC 6750 §3.1). A client_credentials token has no
 * user behind it: it never reaches a platform route (403), whatever its scopes.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  private readonly policies = new WeakMap<Function, RoutePolicy>();

  constructor(
    private readonly reflector: Reflector,
    private readonly kv: KeyValueStore,
    private readonly tokens: TokenVerifier,
    /** Charges the per-user budget the limiter could not charge before authentication. */
    @Optional() private readonly limiter?: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Message handlers of the parts are reached through the transport, never from outside.
    if (context.getType() !== 'http') return true;
    const policy = this.policyOf(context);
    if (policy.public) return true;
    const req = context
      .switchToHttp()
      .getRequest<AuthenticatedRequest & { [LIMIT_STATE]?: LimitState }>();
    const header = req.headers.authorization;
    if (header === undefined) {
      if (policy.optional) return true;
      throw unauthorized('An access token is required.', undefined);
    }
    const token = bearerOf(header);
    if (!token)
      throw unauthorized('The Authorization header must be "Bearer <token>".', 'invalid_request');
    // The rate limiter already verified this very token (HS256) a moment ago.
    const checked = req[LIMIT_STATE]?.checked;
    const result =
      checked?.token === token
        ? { ok: true as const, claims: checked.claims }
        : await this.tokens.verify(token);
    if (!result.ok) {
      throw unauthorized(
        result.reason === 'expired'
          ? 'The access token has expired.'
          : 'The access token is invalid.',
        'invalid_token',
      );
    }
    const c = result.claims;
    const liveness = await livenessOf(c, this.kv);
    if (liveness === 'session-ended') {
      throw unauthorized('The session has ended.', 'invalid_token');
    }
    if (liveness === 'revoked')
      throw unauthorized('The access token was revoked.', 'invalid_token');
    if (isClientToken(c)) {
      throw insufficientScope('A client token acts for no user: it cannot call this route.');
    }
    req.actor = {
      id: c.sub,
      role: c.role,
      sid: c.sid,
      aal: c.aal,
      amr: c.amr,
      auth_time: c.auth_time,
      ...(c.client_id !== undefined ? { client_id: c.client_id, scope: c.scope ?? '' } : {}),
    };
    if (c.client_id !== undefined) {
      const granted = scopesOf(c);
      if (!policy.scopes || !policy.scopes.every((s) => granted.includes(s))) {
        throw insufficientScope(
          policy.scopes
            ? `This route needs the scope ${policy.scopes.join(' ')}.`
            : 'This route serves first-party tokens only, not tokens granted to a client.',
          policy.scopes,
        );
      }
    }
    if (policy.roles && policy.roles.length && !policy.roles.includes(c.role)) {
      throw new ProblemException(403, 'forbidden', 'Your role does not allow this action.');
    }
    await this.limiter?.chargeUser(req, context.switchToHttp().getResponse<FastifyReply>());
    return true;
  }

  /** Route metadata, read once per handler. */
  private policyOf(context: ExecutionContext): RoutePolicy {
    const handler = context.getHandler();
    let policy = this.policies.get(handler);
    if (!policy) {
      const targets = [handler, context.getClass()];
      policy = {
        public: this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) ?? false,
        optional: this.reflector.getAllAndOverride<boolean>(OPTIONAL_AUTH, targets) ?? false,
        roles: this.reflector.getAllAndOverride<string[]>(REQUIRED_ROLES, targets),
        scopes: this.reflector.getAllAndOverride<string[]>(ACCEPTED_SCOPES, targets),
      };
      this.policies.set(handler, policy);
    }
    return policy;
  }
}

function bearerOf(header: string): string | undefined {
  const space = header.indexOf(' ');
  if (space < 0 || header.slice(0, space).toLowerCase() !== 'bearer') return undefined;
  const token = header.slice(space + 1).trim();
  return token || undefined;
}

/** 401 with the RFC 6750 challenge. */
function unauthorized(detail: string, error: string | undefined): ProblemException {
  const challenge = error
    ? `Bearer realm="platform", error="${error}", error_description="${quoted(detail)}"`
    : 'Bearer realm="platform"';
  return new ProblemException(401, 'unauthorized', detail, {
    headers: { 'WWW-Authenticate': challenge },
  });
}

/** 403 with the RFC 6750 §3.1 challenge: the token is fine but does not cover this route. */
function insufficientScope(detail: string, scopes?: string[]): ProblemException {
  const scope = scopes?.length ? `, scope="${scopes.join(' ')}"` : '';
  return new ProblemException(403, 'insufficient-scope', detail, {
    headers: {
      'WWW-Authenticate': `Bearer realm="platform", error="insufficient_scope", error_description="${quoted(detail)}"${scope}`,
    },
  });
}

/** The inside of an RFC 9110 quoted-string: `"` and `\\` escaped. */
const quoted = (s: string) => s.replace(/["\\]/g, '\\$&');
