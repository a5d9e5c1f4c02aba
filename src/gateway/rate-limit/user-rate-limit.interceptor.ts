import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Observable } from 'rxjs';
import { ProblemException } from '../../platform/errors/problem.js';
import type { AuthenticatedRequest } from '../../platform/http/auth.decorators.js';
import { LIMIT_STATE, RateLimiter, type LimitState } from './rate-limiter.js';

/**
 * The per-user budget for requests the limiter could not tie to a user before authentication
 * (a token it cannot verify itself, e.g. an asymmetric one): once the guard has set the
 * verified actor, the user's budget is charged here. Requests already charged are skipped.
 */
@Injectable()
export class UserRateLimitInterceptor implements NestInterceptor {
  constructor(private readonly limiter: RateLimiter) {}

  async intercept(ctx: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx
      .switchToHttp()
      .getRequest<AuthenticatedRequest & { [LIMIT_STATE]?: LimitState }>();
    const state = req[LIMIT_STATE];
    const actor = req.actor?.id;
    if (!state || !actor || state.user === actor) return next.handle();
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    state.user = actor;
    const policy = this.limiter.policies.user;
    const authRoute = this.limiter.policies.failsClosed(req.routeOptions?.url);
    const refusal = await this.limiter.apply(reply, [policy], [`rl:user:${actor}`], authRoute);
    if (!refusal) return next.handle();
    throw new ProblemException(refusal.status, refusal.slug, refusal.detail, {
      headers: { 'retry-after': String(refusal.retryAfter), 'cache-control': 'no-store' },
      ...(refusal.policy ? { policy: refusal.policy } : {}),
      retry_after: refusal.retryAfter,
    });
  }
}
