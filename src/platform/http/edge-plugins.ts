import { constants as zlib } from 'node:zlib';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import cors from '@fastify/cors';
import compress from '@fastify/compress';
import type { AppConfig } from '../config/config.js';
import { PROBLEM_BASE, titleFor } from '../errors/problem.js';
import { seriesCache, type MetricsService } from '../metrics/metrics.service.js';
import { PROBLEM_JSON } from './problem.filter.js';

/**
 * Headers a client could send to pose as someone. Nothing reads them (identity comes only from
 * the verified token), and they are dropped at the edge so no later code can start to.
 */
export const IDENTITY_HEADERS = [
  'x-user-id',
  'x-user-role',
  'x-user-roles',
  'x-actor',
  'x-actor-id',
  'x-auth-user',
  'x-authenticated-user',
  'x-forwarded-user',
  'x-remote-user',
  'remote-user',
];

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** The `trustProxy` setting of Fastify: the TRUSTED_PROXIES CIDRs, or no proxy at all. */
export function trustProxyOf(config: AppConfig): string[] | false {
  const cidrs = config.get('TRUSTED_PROXIES');
  return cidrs.length ? cidrs : false;
}

/** The helmet settings of the gateway. */
function helmetOptions(config: AppConfig): HelmetOptions {
  const hsts = config.get('HSTS_MAX_AGE');
  return {
    // Tight enough for an API, loose enough for Swagger UI at /docs (its own scripts only,
    // inline styles and data: images).
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    strictTransportSecurity: hsts > 0 ? { maxAge: hsts, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginResourcePolicy: { policy: 'same-site' },
  };
}

/**
 * The security headers helmet sets with these options, computed once: every directive is
 * static, so the set is the same on every response. (Running helmet's middleware per request
 * rebuilds and re-parses all of it each time.) Helmet's only other effect, removing
 * X-Powered-By, has nothing to remove here: Fastify never sets it.
 */
export function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: unknown) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  helmet(options)({} as never, res as never, (err?: unknown) => {
    if (err) throw err;
  });
  return headers;
}

/** Security headers, CORS and compression (gateway processes). */
export async function registerEdgePlugins(
  app: NestFastifyApplication,
  config: AppConfig,
): Promise<void> {
  const headers = securityHeaders(helmetOptions(config));
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (_req, reply, done) => {
      reply.headers(headers);
      done();
    });
  const origins = config.get('CORS_ORIGINS');
  if (origins.length) {
    const allowed = new Set(origins);
    await app.register(cors, {
      origin: (origin, cb) => cb(null, origin !== undefined && allowed.has(origin)),
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'x-request-id', 'idempotency-key'],
      exposedHeaders: [
        'ratelimit',
        'ratelimit-policy',
        'retry-after',
        'x-request-id',
        'location',
        'www-authenticate',
      ],
      credentials: true,
      maxAge: 600,
      strictPreflight: true,
    });
  }
  if (config.get('COMPRESSION_ENABLED')) {
    await app.register(compress, {
      global: true,
      threshold: 1024,
      encodings: ['br', 'gzip', 'deflate'],
      // Brotli's default (quality 11) costs far more CPU than it saves on API payloads.
      brotliOptions: { params: { [zlib.BROTLI_PARAM_QUALITY]: 4 } },
    });
  }
}

/**
 * Hooks on every process: identity headers dropped, request timeout (504 problem), and the
 * HTTP duration histogram by route pattern, method and status.
 */
export function installEdgeHooks(
  fastify: FastifyInstance,
  config: AppConfig,
  metrics: MetricsService,
): void {
  const timeoutMs = config.get('REQUEST_TIMEOUT_MS');
  fastify.addHook('onRequest', (req, reply, done) => {
    for (const h of IDENTITY_HEADERS) if (h in req.headers) delete req.headers[h];
    const timer = setTimeout(() => timedOut(req, reply, timeoutMs), timeoutMs);
    reply.raw.once('close', () => clearTimeout(timer));
    done();
  });
  const series = seriesCache(metrics.httpDuration);
  fastify.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions?.url ?? 'unmatched';
    const method = METHODS.has(req.method) ? req.method : 'OTHER';
    series(method, route, String(reply.statusCode)).observe(reply.elapsedTime / 1000);
    done();
  });
}

function timedOut(req: FastifyRequest, reply: FastifyReply, ms: number): void {
  if (reply.sent || reply.raw.headersSent) return;
  reply.log.warn({ url: req.url, ms }, 'request timed out');
  reply
    .code(504)
    .header('content-type', PROBLEM_JSON)
    .header('cache-control', 'no-store')
    .send({
      type: PROBLEM_BASE + 'request-timeout',
      title: titleFor(504),
      status: 504,
      detail: `The request took longer than ${ms} ms.`,
      instance: req.url.split('?')[0],
      request_id: req.id,
    });
}
