import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Actor, RpcMeta } from '../transport/rpc-meta.js';

export const IS_PUBLIC = 'platform:public';
export const REQUIRED_ROLES = 'platform:roles';

/** The route needs no access token (the gateway guard lets it through). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

export const OPTIONAL_AUTH = 'platform:optional-auth';

/** A token is verified when present (so `actor` is set), but the route also serves anonymous callers. */
export const OptionalAuth = () => SetMetadata(OPTIONAL_AUTH, true);

/** The signed-in user must hold one of these roles (403 otherwise). */
export const Roles = (...roles: string[]) => SetMetadata(REQUIRED_ROLES, roles);

export const ACCEPTED_SCOPES = 'platform:scopes';

/**
 * The route also serves access tokens that a user granted to an OAuth client, when the token's
 * `scope` holds every scope listed. Routes without it serve first-party tokens only: an OAuth
 * client never gets more than what the user consented to.
 */
export const Scopes = (...scopes: string[]) => SetMetadata(ACCEPTED_SCOPES, scopes);

/** A request after the gateway guard: `actor` comes only from a verified access token. */
export interface AuthenticatedRequest extends FastifyRequest {
  actor?: Actor;
}

/** The verified caller of a protected route. */
export const CurrentActor = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Actor | undefined =>
    ctx.switchToHttp().getRequest<AuthenticatedRequest>().actor,
);

/** Metadata for calls made on behalf of this request: id, verified actor, client IP and agent. */
export function metaOf(req: AuthenticatedRequest): RpcMeta {
  const ua = req.headers['user-agent'];
  return {
    requestId: String(req.id),
    actor: req.actor,
    ip: req.ip,
    userAgent: typeof ua === 'string' ? ua.slice(0, 512) : undefined,
  };
}

/** `@Meta() meta: RpcMeta` in a controller method. */
export const Meta = createParamDecorator((_: unknown, ctx: ExecutionContext): RpcMeta =>
  metaOf(ctx.switchToHttp().getRequest<AuthenticatedRequest>()),
);
