import { Injectable, Logger } from '@nestjs/common';
import type { AuthenticatedRequest } from '../../platform/http/auth.decorators.js';
import { ProblemException } from '../../platform/errors/problem.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Counter } from 'prom-client';
import { TokenVerifier } from '../../contracts/auth/token-verifier.js';
import { AppConfig } from '../../platform/config/config.js';
import { PROBLEM_BASE, titleFor } from '../../platform/errors/problem.js';
import { HttpEdgeHook } from '../../platform/http/edge.js';
import { PROBLEM_JSON } from '../../platform/http/problem.filter.js';
import { KeyValueStore, type RateLimitResult } from '../../platform/kv/index.js';
import { MetricsService } from '../../platform/metrics/metrics.service.js';
import { clientKey } from './client-key.js';
import { policiesFrom, UNLIMITED_ROUTES, type Policies, type Policy } from './policies.js';
import { TokenSubject, type CheckedToken } from './token-subject.js';

/** What the limiter decided for one request; kept on the request for the later user check. */
export interface LimitState {
  /** The user id already limited before authentication (from a well-signed token). */
  user?: string;
  /**
   * The bearer token the limiter verified (signature, type, expiry, issuer, audience) with
   * JWT_SECRET, so the guard need not verify it again.
   */
  checked?: CheckedToken;
}

export const LIMIT_STATE = Symbol('rate-limit-state');
type Req = FastifyRequest & { [LIMIT_STATE]?: LimitState };

/** `RateLimit` item of one result (IETF draft-ietf-httpapi-ratelimit-headers). */
function item(p: Policy, r: RateLimitResult): string {
  return `"${p.name}";r=${r.remaining};t=${Math.max(1, Math.ceil(r.resetMs / 1000))}`;
}

/** Appends list items to a structured-field header already set on the reply. */
export function appendHeader(reply: FastifyReply, name: string, value: string): void {
  const current = reply.getHeader(name);
  reply.header(name, current ? `${String(current)}, ${value}` : value);
}

/** Why a request is not let through: 429 (over a budget) or 503 (store down, failing closed). */
export interface Refusal {
  status: 429 | 503;
  slug: string;
  detail: string;
  retryAfter: number;
  policy?: string;
}

/**
 * The gateway's rate limiter. It runs in Fastify's onRequest hook, after routing and before
 * body parsing, guards and handlers, so floods are refused before any authentication work.
 * Every decision is one atomic round trip to the shared store (all replicas agree); budgets:
 * per client IP on every route, per user when the request carries a valid access token, and
 * a tighter per-IP budget on credential routes (login, password, MFA, OAuth token).
 */
@Injectable()
export class RateLimiter extends HttpEdgeHook {
  private readonly logger = new Logger('RateLimiter');
  readonly policies: Policies;
  private readonly subject: TokenSubject;
  private readonly failOpen: boolean;
  private readonly reusable: boolean;
  private readonly rejections: Counter<'policy'>;
  private readonly storeFailures: Counter<'outcome'>;

  constructor(
    private readonly config: AppConfig,
    private readonly kv: KeyValueStore,
    metrics: MetricsService,
    tokens: TokenVerifier,
  ) {
    super();
    this.policies = policiesFrom(config);
    this.reusable = tokens.alg === 'HS256';
    this.subject = new TokenSubject(tokens, this.reusable);
    this.failOpen = config.get('RATE_LIMIT_FAIL_OPEN');
    this.rejections = metrics.counter(
      'rate_limit_rejections_total',
      'Requests refused with 429 by the gateway, by policy',
      ['policy'],
    );
    this.storeFailures = metrics.counter(
      'rate_limit_store_failures_total',
      'Rate-limit decisions the key-value store could not make, by outcome (open or closed)',
      ['outcome'],
    );
  }

  install(fastify: FastifyInstance): void {
    if (!this.config.get('RATE_LIMIT_ENABLED')) return;
    fastify.addHook('onRequest', (req, reply) => this.onRequest(req as Req, reply));
  }

  private async onRequest(req: Req, reply: FastifyReply): Promise<unknown> {
    const route = req.routeOptions?.url;
    if (route !== undefined && UNLIMITED_ROUTES.has(route)) return;
    const ip = clientKey(req.ip);
    const routePolicy = this.policies.forRoute(route, req.method);
    const checked = this.subject.check(req.headers.authorization);
    const user = checked?.claims.sub;
    const policies: Policy[] = [this.policies.ip];
    const keys = [`rl:ip:${ip}`];
    if (routePolicy) {
      policies.push(routePolicy);
      keys.push(`rl:${routePolicy.name}:${ip}`);
    }
    if (user) {
      policies.push(this.policies.user);
      keys.push(`rl:user:${user}`);
    }
    // Only HS256 results are reused: with published keys the guard may first refresh them.
    req[LIMIT_STATE] = { user, checked: this.reusable ? checked : undefined };
    const refusal = await this.apply(reply, policies, keys, this.policies.failsClosed(route));
    // Returning the reply after sending stops Fastify's lifecycle here.
    return refusal ? this.send(req, reply, refusal) : undefined;
  }

  /**
   * The per-user budget for a request the limiter could not tie to a user before
   * authentication (a token it cannot verify itself, e.g. an asymmetric one): called by the
   * guard once the actor is verified; requests already charged are skipped. Throws the 429
   * (or 503) problem when refused.
   */
  async chargeUser(req: AuthenticatedRequest & Req, reply: FastifyReply): Promise<void> {
    const state = req[LIMIT_STATE];
    const actor = req.actor?.id;
    if (!state || !actor || state.user === actor) return;
    state.user = actor;
    const authRoute = this.policies.failsClosed(req.routeOptions?.url);
    const refusal = await this.apply(reply, [this.policies.user], [`rl:user:${actor}`], authRoute);
    if (!refusal) return;
    throw new ProblemException(refusal.status, refusal.slug, refusal.detail, {
      headers: { 'retry-after': String(refusal.retryAfter), 'cache-control': 'no-store' },
      ...(refusal.policy ? { policy: refusal.policy } : {}),
      retry_after: refusal.retryAfter,
    });
  }

  /**
   * Checks the budgets together and writes the RateLimit headers on the reply; returns why
   * the request is refused, or undefined to let it through.
   */
  async apply(
    reply: FastifyReply,
    policies: Policy[],
    keys: string[],
    authRoute = false,
  ): Promise<Refusal | undefined> {
    let results: RateLimitResult[];
    try {
      results = await this.kv.hitAll(
        policies.map((p, i) => ({ key: keys[i], limit: p.limit, windowMs: p.windowMs })),
      );
    } catch {
      const closed = authRoute || policies.some((p) => p.auth) || !this.failOpen;
      this.storeFailures.labels(closed ? 'closed' : 'open').inc();
      this.logger.warn(`rate limit store unavailable (${closed ? 'refusing' : 'allowing'})`);
      if (!closed) return undefined;
      return {
        status: 503,
        slug: 'rate-limit-unavailable',
        detail: 'Rate limiting is unavailable, so this request cannot be accepted right now.',
        retryAfter: 5,
      };
    }
    appendHeader(reply, 'ratelimit-policy', policies.map((p) => p.header).join(', '));
    appendHeader(reply, 'ratelimit', results.map((r, i) => item(policies[i], r)).join(', '));
    const refused = results.findIndex((r) => !r.allowed);
    if (refused === -1) return undefined;
    const policy = policies[refused];
    const retryAfter = Math.max(
      1,
      ...results.filter((r) => !r.allowed).map((r) => Math.ceil(r.resetMs / 1000)),
    );
    this.rejections.labels(policy.name).inc();
    return {
      status: 429,
      slug: 'rate-limited',
      detail: `Too many requests (limit "${policy.name}": ${policy.limit} per ${policy.windowMs / 1000} s). Retry in ${retryAfter} s.`,
      retryAfter,
      policy: policy.name,
    };
  }

  private send(req: FastifyRequest, reply: FastifyReply, o: Refusal): FastifyReply {
    const { status, slug } = o;
    return reply
      .code(status)
      .header('retry-after', String(o.retryAfter))
      .header('content-type', PROBLEM_JSON)
      .header('cache-control', 'no-store')
      .send({
        type: PROBLEM_BASE + slug,
        title: titleFor(status),
        status,
        detail: o.detail,
        instance: req.url.split('?')[0],
        request_id: req.id,
        ...(o.policy ? { policy: o.policy } : {}),
        retry_after: o.retryAfter,
      });
  }
}
