import { isIP } from 'node:net';
import { EnvError, bool, int, list, optionalStr, type EnvVar } from '../env-var.js';

/** A rate-limit budget: `limit` requests per `windowMs`. */
export interface RateBudget {
  limit: number;
  windowMs: number;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses `<count>/<window>` such as `600/1m`, `5/15m`, `20/30s` (window units ms, s, m, h). */
export function parseBudget(raw: string): RateBudget {
  const m = /^(\d+)\s*\/\s*(\d+)?\s*(ms|s|m|h)$/.exec(raw.trim());
  if (!m) throw new EnvError(`must look like 600/1m (count/window), got "${raw}"`);
  const limit = Number(m[1]);
  const windowMs = Number(m[2] ?? 1) * UNITS[m[3]];
  if (limit < 1) throw new EnvError('the count must be at least 1');
  if (windowMs < 1000 || windowMs > 86_400_000) {
    throw new EnvError('the window must be between 1s and 24h');
  }
  return { limit, windowMs };
}

function budget(doc: string, example: string): EnvVar<RateBudget> {
  return {
    doc,
    example,
    parse: (raw) => parseBudget(raw === undefined || raw === '' ? example : raw),
  };
}

/** Checks one `a.b.c.d/nn` or `v6::/nn` CIDR (or a bare address). */
export function checkCidr(value: string): void {
  const [addr, bits, extra] = value.split('/');
  const family = isIP(addr);
  if (!family || extra !== undefined) throw new EnvError(`"${value}" is not an IP or CIDR`);
  if (bits !== undefined) {
    const n = Number(bits);
    if (!/^\d+$/.test(bits) || n > (family === 4 ? 32 : 128)) {
      throw new EnvError(`"${value}" has a bad prefix length`);
    }
  }
}

/** Settings read by the gateway part (the HTTP edge). */
export const gatewayEnv = {
  RATE_LIMIT_ENABLED: bool({
    doc: 'Rate limiting at the gateway (shared by every replica through the key-value store)',
    default: true,
  }),
  RATE_LIMIT_IP: budget('Requests per client IP on every API route (count/window)', '600/1m'),
  RATE_LIMIT_USER: budget(
    'Requests per signed-in user on every API route, whatever the IP (count/window)',
    '1200/1m',
  ),
  RATE_LIMIT_LOGIN: budget('POST /auth/login attempts per client IP (count/window)', '10/1m'),
  RATE_LIMIT_PASSWORD: budget(
    '/auth/password/* requests (forgot, reset, change) per client IP (count/window)',
    '5/15m',
  ),
  RATE_LIMIT_MFA: budget('/auth/mfa/* requests per client IP (count/window)', '10/5m'),
  RATE_LIMIT_TOKEN: budget('/oauth/token requests per client IP (count/window)', '60/1m'),
  RATE_LIMIT_SOCIAL: budget(
    '/auth/oauth/* requests (social sign-in start, callback, code exchange) per client IP (count/window)',
    '30/1m',
  ),
  RATE_LIMIT_FAIL_OPEN: bool({
    doc: 'When the key-value store is down: true serves non-auth routes unlimited, false answers 503 (auth routes always fail closed)',
    default: true,
  }),
  TRUSTED_PROXIES: list({
    doc: 'CIDRs of reverse proxies whose X-Forwarded-For is believed (e.g. 10.0.0.0/8); empty = the TCP peer is the client',
    default: [],
    item: checkCidr,
  }),
  CORS_ORIGINS: list({
    doc: 'Browser origins allowed to call the API (comma list, exact match, e.g. https://app.example.com); empty = no CORS',
    default: [],
    item: (v) => {
      if (!/^https?:\/\/[^/\s]+$/.test(v)) {
        throw new EnvError(`"${v}" must be an origin such as https://app.example.com`);
      }
    },
  }),
  COMPRESSION_ENABLED: bool({
    doc: 'gzip/br/deflate responses larger than 1 KiB when the client accepts it',
    default: true,
  }),
  METRICS_TOKEN: optionalStr({
    doc: 'When set, GET /metrics requires "Authorization: Bearer <token>" (unset = open, keep it off the public ingress)',
    secret: true,
  }),
  HSTS_MAX_AGE: int({
    doc: 'Strict-Transport-Security max-age in seconds (0 disables the header)',
    default: 31536000,
    min: 0,
  }),
};
