import type { AppConfig } from '../../platform/config/config.js';
import type { RateBudget } from '../../platform/config/schema/gateway.env.js';

/** One named budget, as announced in `RateLimit-Policy`. */
export interface Policy extends RateBudget {
  name: 'ip' | 'user' | 'login' | 'password' | 'mfa' | 'token' | 'social';
  /** Fails closed (503) when the store is down, whatever RATE_LIMIT_FAIL_OPEN says. */
  auth: boolean;
  /** `"name";q=10;w=60`, computed once. */
  header: string;
}

function policy(name: Policy['name'], budget: RateBudget, auth: boolean): Policy {
  const w = Math.ceil(budget.windowMs / 1000);
  return { name, ...budget, auth, header: `"${name}";q=${budget.limit};w=${w}` };
}

export interface Policies {
  ip: Policy;
  user: Policy;
  /** The tighter per-IP budget of a route, by route pattern and method; undefined when none. */
  forRoute(route: string | undefined, method?: string): Policy | undefined;
  /**
   * Whether a route is an auth route (`/auth/*`, `/oauth/*`): refused with 503 when the store
   * is down, whatever RATE_LIMIT_FAIL_OPEN says (no unlimited sign-ups or guesses).
   */
  failsClosed(route: string | undefined): boolean;
}

export const API_PREFIX = '/api/v1';
const AUTH_PREFIXES = [`${API_PREFIX}/auth`, `${API_PREFIX}/oauth`];

/** Routes never limited: probes and scrapes come from the infrastructure. */
export const UNLIMITED_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

export function policiesFrom(config: AppConfig): Policies {
  const login = policy('login', config.get('RATE_LIMIT_LOGIN'), true);
  const password = policy('password', config.get('RATE_LIMIT_PASSWORD'), true);
  const mfa = policy('mfa', config.get('RATE_LIMIT_MFA'), true);
  const token = policy('token', config.get('RATE_LIMIT_TOKEN'), true);
  const social = policy('social', config.get('RATE_LIMIT_SOCIAL'), true);
  const cache = new Map<string, Policy | undefined>();
  const restOf = (route: string): string | undefined => {
    const path = route.replace(/\/+$/, '').toLowerCase();
    return path.startsWith(API_PREFIX + '/') ? path.slice(API_PREFIX.length) : undefined;
  };
  const match = (route: string, method: string): Policy | undefined => {
    const rest = restOf(route);
    if (rest === undefined) return undefined;
    if (rest === '/auth/login') return login;
    // The OAuth sign-in page takes passwords and codes: the sign-in budget (its GET does not).
    if (rest === '/oauth/authorize' && method === 'POST') return login;
    if (rest === '/auth/password' || rest.startsWith('/auth/password/')) return password;
    if (rest === '/auth/mfa' || rest.startsWith('/auth/mfa/')) return mfa;
    if (rest === '/oauth/token') return token;
    if (rest.startsWith('/auth/oauth/')) return social;
    return undefined;
  };
  return {
    ip: policy('ip', config.get('RATE_LIMIT_IP'), false),
    user: policy('user', config.get('RATE_LIMIT_USER'), false),
    forRoute(route, method = 'GET') {
      if (route === undefined) return undefined;
      const key = `${method} ${route}`;
      if (!cache.has(key)) cache.set(key, match(route, method));
      return cache.get(key);
    },
    failsClosed(route) {
      const path = (route ?? '').toLowerCase();
      return AUTH_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
    },
  };
}
