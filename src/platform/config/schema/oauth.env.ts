import { isIP } from 'node:net';
import { EnvError, EnvErrors, type EnvVar } from '../env-var.js';

/**
 * Social sign-in providers, configured by environment: `OAUTH_PROVIDERS=google,github,acme`
 * lists them, and each listed name has its own `OAUTH_<NAME>_…` variables.
 */
export type OAuthProviderType = 'oidc' | 'github';

export interface OAuthProviderSettings {
  /** Lower-case name, as in the URL `/auth/oauth/{name}`. */
  name: string;
  type: OAuthProviderType;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  /** oidc: the issuer whose `/.well-known/openid-configuration` is read. */
  issuer?: string;
  /** github: base of the authorize and token pages, and of the REST API. */
  webUrl?: string;
  apiUrl?: string;
}

const NAME = /^[a-z][a-z0-9]{0,30}$/;
/** Names that would collide with the routes under /auth/oauth. */
const RESERVED = new Set(['exchange', 'callback']);
const DEFAULT_ISSUER: Record<string, string> = { google: 'https://accounts.google.com' };
const DEFAULT_SCOPES: Record<OAuthProviderType, string[]> = {
  oidc: ['openid', 'email', 'profile'],
  github: ['read:user', 'user:email'],
};
const GITHUB = { webUrl: 'https://github.com', apiUrl: 'https://api.github.com' };

/** The per-provider variables, documented in `.env.example`. */
const RELATED = [
  {
    name: 'OAUTH_<NAME>_CLIENT_ID',
    doc: 'client id registered with the provider (required)',
  },
  { name: 'OAUTH_<NAME>_CLIENT_SECRET', doc: 'client secret (required)' },
  {
    name: 'OAUTH_<NAME>_TYPE',
    doc: 'oidc (OpenID Connect discovery) or github; default github for the name github, else oidc',
  },
  {
    name: 'OAUTH_<NAME>_ISSUER',
    doc: 'oidc: issuer URL (required except for google = https://accounts.google.com)',
  },
  {
    name: 'OAUTH_<NAME>_SCOPES',
    doc: 'space or comma list; default "openid email profile" (oidc), "read:user user:email" (github)',
  },
  {
    name: 'OAUTH_<NAME>_WEB_URL / OAUTH_<NAME>_API_URL',
    doc: 'github: https://github.com and https://api.github.com unless set (GitHub Enterprise)',
  },
];

/** https, or http on a loopback host (a provider on this machine: development and tests). */
export function checkProviderUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new EnvError('must be a URL');
  }
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const loopback =
    host === 'localhost' || (isIP(host) === 4 && host.startsWith('127.')) || host === '::1';
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) {
    throw new EnvError('must use https (http only for localhost)');
  }
  if (u.search || u.hash || u.username || u.password) {
    throw new EnvError('must be a plain URL without query, fragment or credentials');
  }
  return raw.replace(/\/+$/, '');
}

/** Parses one provider's variables; every problem is collected, named by its variable. */
function parseProvider(
  name: string,
  source: NodeJS.ProcessEnv,
  errors: EnvError[],
): OAuthProviderSettings {
  const v = (suffix: string) => `OAUTH_${name.toUpperCase()}_${suffix}`;
  const read = (suffix: string) => source[v(suffix)]?.trim() || undefined;
  const fail = (suffix: string, why: string) => errors.push(new EnvError(why, v(suffix)));
  const url = (suffix: string, fallback?: string) => {
    const raw = read(suffix) ?? fallback;
    if (raw === undefined) return undefined;
    try {
      return checkProviderUrl(raw);
    } catch (err) {
      fail(suffix, (err as Error).message);
      return undefined;
    }
  };

  const typeRaw = read('TYPE') ?? (name === 'github' ? 'github' : 'oidc');
  const type: OAuthProviderType = typeRaw === 'github' ? 'github' : 'oidc';
  if (typeRaw !== 'oidc' && typeRaw !== 'github') fail('TYPE', 'must be oidc or github');
  const clientId = read('CLIENT_ID') ?? '';
  const clientSecret = read('CLIENT_SECRET') ?? '';
  if (!clientId) fail('CLIENT_ID', `required: ${name} is listed in OAUTH_PROVIDERS`);
  if (!clientSecret) fail('CLIENT_SECRET', `required: ${name} is listed in OAUTH_PROVIDERS`);
  const scopesRaw = read('SCOPES');
  const scopes = scopesRaw ? scopesRaw.split(/[\s,]+/).filter(Boolean) : DEFAULT_SCOPES[type];
  const out: OAuthProviderSettings = { name, type, clientId, clientSecret, scopes };

  if (type === 'oidc') {
    out.issuer = url('ISSUER', DEFAULT_ISSUER[name]);
    if (!read('ISSUER') && !DEFAULT_ISSUER[name]) fail('ISSUER', 'required for an oidc provider');
    if (!scopes.includes('openid')) fail('SCOPES', 'must include openid for an oidc provider');
    for (const s of ['WEB_URL', 'API_URL']) if (read(s)) fail(s, 'only used by a github provider');
  } else {
    out.webUrl = url('WEB_URL', GITHUB.webUrl);
    out.apiUrl = url('API_URL', GITHUB.apiUrl);
    if (read('ISSUER')) fail('ISSUER', 'only used by an oidc provider');
  }
  return out;
}

/** `OAUTH_PROVIDERS` and the variables it implies, checked together at start. */
export function oauthProviders(doc: string): EnvVar<OAuthProviderSettings[]> {
  return {
    doc,
    example: '',
    related: RELATED,
    parse(raw, source = {}) {
      const names = (raw ?? '')
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean);
      const errors: EnvError[] = [];
      const seen = new Set<string>();
      const providers: OAuthProviderSettings[] = [];
      for (const name of names) {
        if (!NAME.test(name) || RESERVED.has(name)) {
          errors.push(
            new EnvError(`"${name}" is not a valid name (a-z then a-z/0-9, not ${[...RESERVED]})`),
          );
        } else if (seen.has(name)) {
          errors.push(new EnvError(`"${name}" is listed twice`));
        } else {
          seen.add(name);
          providers.push(parseProvider(name, source, errors));
        }
      }
      if (errors.length) throw new EnvErrors(errors);
      return providers;
    },
  };
}
