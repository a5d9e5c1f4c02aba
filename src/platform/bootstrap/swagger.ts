import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { AppConfig } from '../config/config.js';
import { PROBLEM_REF, PROBLEM_SCHEMA } from '../http/api-problems.js';

type Json = Record<string, any>;

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

const TAGS: Record<string, string> = {
  auth: 'Sign-up, sign-in, tokens, sessions, passwords, MFA and the audit log',
  oauth:
    'OAuth 2.0 authorization server: client registry, authorize (sign-in and consent), token, revocation, introspection',
  users: 'Profiles, preferences, roles and the user registry',
  payments: 'Payments (Stripe, PayPal, wire transfers), refunds, webhooks and the ledger',
  analytics: 'Event ingestion and metrics over them',
};

const HEADERS: Json = {
  RateLimit: {
    description:
      'What is left of each budget that applies (IETF draft-ietf-httpapi-ratelimit-headers): ' +
      '`"ip";r=598;t=42` = 598 requests left, window resets in 42 s.',
    schema: { type: 'string', maxLength: 256, example: '"ip";r=598;t=42' },
  },
  'RateLimit-Policy': {
    description: 'The budgets that apply: `"ip";q=600;w=60` = 600 requests per 60 s per client IP.',
    schema: { type: 'string', maxLength: 256, example: '"ip";q=600;w=60, "login";q=10;w=60' },
  },
  'Access-Control-Allow-Origin': {
    description: 'Sent when the request comes from a browser origin listed in CORS_ORIGINS.',
    schema: { type: 'string', maxLength: 256, example: 'https://app.example.com' },
  },
  'Retry-After': {
    description: 'Seconds to wait before trying again.',
    schema: { type: 'integer', format: 'int32', minimum: 1, maximum: 172800, example: 12 },
  },
};

const problem = (description: string, extraHeaders: string[] = []) => ({
  description,
  headers: Object.fromEntries(
    ['RateLimit', 'RateLimit-Policy', 'Access-Control-Allow-Origin', ...extraHeaders].map((h) => [
      h,
      { $ref: `#/components/headers/${h}` },
    ]),
  ),
  content: { 'application/problem+json': { schema: { $ref: PROBLEM_REF } } },
});

/**
 * Platform-wide facts every operation shares, added to the generated document in one place:
 * the problem+json errors the gateway itself can answer (400, 401, 429, 500, 503), the
 * rate-limit headers on every response, public routes marked by the global `security: [{bearer: []}, {}]`
 * (token optional), a distinct scheme on admin routes, tags, and a server that works from any origin.
 */
export function completeDocument(doc: OpenAPIObject, config: AppConfig): OpenAPIObject {
  const out = doc as Json;
  const components = (out.components ??= {}) as Json;
  components.schemas = { ...(components.schemas ?? {}), Problem: PROBLEM_SCHEMA };
  components.headers = { ...(components.headers ?? {}), ...HEADERS };
  const schemes = (components.securitySchemes ??= {}) as Json;
  const bearer = {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      `Access token from POST /api/v1/auth/login: a JWS signed with ${config.get('JWT_ALGORITHM')} ` +
      'only (algorithm pinned, `typ` at+jwt, short-lived), handled as RFC8725 (JWT best ' +
      'current practices) recommends. With ES256 or EdDSA the public keys are at ' +
      '/.well-known/jwks.json. Refresh with POST /api/v1/auth/refresh.',
  };
  schemes.bearer = bearer;
  schemes.adminBearer = {
    ...bearer,
    description: `${bearer.description} The token must belong to a user with the admin role.`,
  };
  // Routes without their own requirement are public: a token is accepted but not needed.
  out.security = [{ bearer: [] }, {}];
  out.servers = [
    {
      url: config.get('PUBLIC_URL') ?? '/',
      description:
        'This deployment (production, staging or local): PUBLIC_URL, or the origin serving this document',
      'x-internal': false,
    },
  ];
  // Probes for the orchestrator, not part of the API (see docs/operations).
  for (const path of Object.keys(out.paths))
    if (path.startsWith('/health/')) delete out.paths[path];
  const used = new Set<string>();
  for (const [path, item] of Object.entries(out.paths) as [string, Json][]) {
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      (op.tags ?? []).forEach((t: string) => used.add(t));
      const secured =
        Array.isArray(op.security) && op.security.some((s: Json) => Object.keys(s).length);
      if (secured && /\/admin(\/|$)/.test(path)) {
        op.security = op.security.map((s: Json) => ('bearer' in s ? { adminBearer: s.bearer } : s));
      }
      // A text body (e.g. XML) is at most BODY_LIMIT_BYTES, so at most that many characters.
      for (const media of Object.values(op.requestBody?.content ?? {}) as Json[]) {
        if (media.schema?.type === 'string') {
          media.schema.maxLength ??= config.get('BODY_LIMIT_BYTES');
        }
      }
      const responses = (op.responses ??= {}) as Json;
      const params = (op.parameters ?? []) as Json[];
      const hasInput = Boolean(op.requestBody) || params.length > 0;
      if (!responses['400'] && !responses['4XX']) {
        responses['400'] = problem(
          hasInput
            ? 'The request is malformed or fails validation (`errors[]`).'
            : 'The request is malformed (e.g. a body that is not valid JSON).',
        );
      }
      // Refused by the HTTP layer before any handler: a path segment over the router's limit,
      // or headers over Node's.
      if (params.some((p) => p.in === 'path')) {
        responses['414'] ??= problem('A path segment of the URL is too long.');
      }
      responses['431'] ??= problem('The request headers are too large.');
      if (secured && !responses['401']) {
        responses['401'] = problem(
          'No valid access token (a `WWW-Authenticate` challenge says why).',
        );
      }
      if (!responses['429']) {
        responses['429'] = problem('Too many requests: a rate-limit budget is spent.', [
          'Retry-After',
        ]);
      } else {
        responses['429'].headers = {
          ...(responses['429'].headers ?? {}),
          'Access-Control-Allow-Origin': {
            description:
              'Sent when the request comes from a browser origin listed in CORS_ORIGINS.',
            schema: { type: 'string', maxLength: 256, example: 'https://app.example.com' },
          },
          'Retry-After': { $ref: '#/components/headers/Retry-After' },
        };
      }
      if (op.requestBody) {
        responses['413'] ??= problem('The body is larger than BODY_LIMIT_BYTES.');
        responses['415'] ??= problem('The body is not in a documented media type.');
      }
      if (!responses['500'])
        responses['500'] = problem('Unexpected error (no details are disclosed).');
      responses['502'] ??= problem('A part of the platform failed to answer.');
      if (!responses['503']) {
        responses['503'] = problem('A part of the platform or its store is unavailable.', [
          'Retry-After',
        ]);
      }
      responses['504'] ??= problem(
        'No answer in time (REQUEST_TIMEOUT_MS at the edge, RPC_TIMEOUT_MS between parts).',
      );
      for (const res of Object.values(responses) as Json[]) {
        if (res.$ref) continue;
        res.headers = {
          RateLimit: { $ref: '#/components/headers/RateLimit' },
          'RateLimit-Policy': { $ref: '#/components/headers/RateLimit-Policy' },
          'Access-Control-Allow-Origin': {
            $ref: '#/components/headers/Access-Control-Allow-Origin',
          },
          ...(res.headers ?? {}),
        };
      }
    }
  }
  const declared = new Map(((out.tags ?? []) as Json[]).map((t) => [t.name, t]));
  for (const name of used)
    if (!declared.has(name)) declared.set(name, { name, description: TAGS[name] ?? name });
  out.tags = [...declared.values()];
  return out as OpenAPIObject;
}

export function setupSwagger(app: INestApplication, config: AppConfig): void {
  const doc = new DocumentBuilder()
    .setTitle('Platform API')
    .setDescription(
      'Authentication, users, payments and analytics behind one gateway. Every error is ' +
        'RFC 9457 `application/problem+json`. Every response carries the IETF `RateLimit` and ' +
        '`RateLimit-Policy` headers; a 429 adds `Retry-After`.',
    )
    .setVersion('1.0.0')
    .setContact('Platform', 'https://github.com/platform/platform', 'security@platform.dev')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
    .build();
  const document = completeDocument(SwaggerModule.createDocument(app, doc), config);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'Platform API',
    swaggerOptions: { persistAuthorization: true, validatorUrl: null },
  });
}
