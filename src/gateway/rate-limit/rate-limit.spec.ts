import { describe, expect, it } from '@jest/globals';
import { createSecretKey } from 'node:crypto';
import { ACCESS_TOKEN_TYP, signHs256 } from '../../contracts/auth/access-token.js';
import type { AuthClient } from '../../contracts/auth/auth.client.js';
import { TokenVerifier } from '../../contracts/auth/token-verifier.js';
import { AppConfig } from '../../platform/config/config.js';
import { loadConfig } from '../../platform/config/load-config.js';
import { parseBudget } from '../../platform/config/schema/gateway.env.js';
import { clientKey } from './client-key.js';
import { policiesFrom } from './policies.js';
import { TokenSubject } from './token-subject.js';

const SECRET = 'a-test-secret-that-is-long-enough-000000';
const key = createSecretKey(Buffer.from(SECRET));
const config = new AppConfig(loadConfig({ JWT_SECRET: SECRET }), []);
const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

function token(over: object = {}, signWith = key, typ = ACCESS_TOKEN_TYP) {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    sub: 'usr_1',
    sid: 'ses_1',
    role: 'user',
    typ: 'access',
    aal: 'aal1',
    amr: ['pwd'],
    auth_time: now,
    iat: now,
    exp: now + 60,
    iss: config.get('JWT_ISSUER'),
    aud: config.get('JWT_AUDIENCE'),
    ...over,
  };
  return signHs256(claims, signWith, typ);
}

describe('TokenSubject', () => {
  // HS256: the key is JWT_SECRET, the auth part is never asked for keys.
  const subject = new TokenSubject(new TokenVerifier(config, null as unknown as AuthClient));

  it('reads sub from a valid access token', () => {
    expect(subject.of(`Bearer ${token()}`)).toBe('usr_1');
    expect(subject.of(`bearer ${token()}`)).toBe('usr_1');
  });

  it('ignores forged, expired, foreign, alg=none and malformed tokens', () => {
    const other = createSecretKey(Buffer.from('another-secret-another-secret-000000'));
    expect(subject.of(`Bearer ${token({}, other)}`)).toBeUndefined();
    expect(subject.of(`Bearer ${token({ exp: 1000, iat: 900 })}`)).toBeUndefined();
    expect(subject.of(`Bearer ${token({ aud: 'elsewhere' })}`)).toBeUndefined();
    expect(subject.of(`Bearer ${token({ typ: 'refresh' })}`)).toBeUndefined();
    expect(subject.of(`Bearer ${token({}, key, 'JWT')}`)).toBeUndefined();
    const none = `${enc({ alg: 'none', typ: ACCESS_TOKEN_TYP })}.${enc({ sub: 'usr_1' })}.`;
    expect(subject.of(`Bearer ${none}`)).toBeUndefined();
    for (const bad of [undefined, '', 'Basic abc', 'Bearer a.b', 'Bearer a.b.c.d', 'Bearer ...']) {
      expect(subject.of(bad)).toBeUndefined();
    }
  });
});

describe('TokenSubject remembering checked tokens (HS256)', () => {
  it('answers from memory until exp, and only for the very same token', () => {
    const subject = new TokenSubject(
      new TokenVerifier(config, null as unknown as AuthClient),
      true,
    );
    const now = Date.now();
    const sec = Math.floor(now / 1000);
    const fixed = { iat: sec, auth_time: sec, exp: sec + 60 };
    const t = token(fixed);
    expect(subject.check(`Bearer ${t}`, now)?.claims.sub).toBe('usr_1');
    expect(subject.check(`Bearer ${t}`, now + 30_000)?.claims.sub).toBe('usr_1');
    // Past exp (and any leeway) it is checked again, and refused.
    expect(subject.check(`Bearer ${t}`, now + 120_000)).toBeUndefined();
    const other = createSecretKey(Buffer.from('another-secret-another-secret-000000'));
    const forged = token(fixed, other);
    expect(forged.split('.').slice(0, 2)).toEqual(t.split('.').slice(0, 2));
    expect(subject.check(`Bearer ${forged}`, now)).toBeUndefined();
  });
});

describe('clientKey', () => {
  it('keeps IPv4, unwraps IPv4-mapped IPv6 and groups IPv6 by /64', () => {
    expect(clientKey('203.0.113.9')).toBe('203.0.113.9');
    expect(clientKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(clientKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:0db8:0001:0002:ffff:0:0:42')).toBe('2001:db8:1:2::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey(undefined)).toBe('unknown');
  });
});

describe('budgets and policies', () => {
  it('parses count/window budgets and rejects nonsense', () => {
    expect(parseBudget('600/1m')).toEqual({ limit: 600, windowMs: 60_000 });
    expect(parseBudget('5/15m')).toEqual({ limit: 5, windowMs: 900_000 });
    expect(parseBudget('20 / 30s')).toEqual({ limit: 20, windowMs: 30_000 });
    expect(parseBudget('100/h')).toEqual({ limit: 100, windowMs: 3_600_000 });
    for (const bad of ['600', '0/1m', '10/0s', '10/500ms', '10/2d', 'x/1m', '10/25h']) {
      expect(() => parseBudget(bad)).toThrow();
    }
  });

  it('gives credential routes their own budget by route pattern', () => {
    const p = policiesFrom(new AppConfig(loadConfig({ RATE_LIMIT_LOGIN: '7/2m' }), []));
    expect(p.forRoute('/api/v1/auth/login')?.header).toBe('"login";q=7;w=120');
    expect(p.forRoute('/api/v1/auth/password/reset')?.name).toBe('password');
    expect(p.forRoute('/api/v1/auth/mfa/totp/verify')?.name).toBe('mfa');
    expect(p.forRoute('/api/v1/oauth/token')?.name).toBe('token');
    expect(p.forRoute('/api/v1/auth/oauth/:provider')?.name).toBe('social');
    expect(p.forRoute('/api/v1/auth/oauth/:provider/callback')?.name).toBe('social');
    expect(p.forRoute('/api/v1/auth/oauth/exchange')?.name).toBe('social');
    expect(p.forRoute('/api/v1/oauth/authorize', 'POST')?.name).toBe('login');
    expect(p.forRoute('/api/v1/oauth/authorize', 'GET')).toBeUndefined();
    expect(p.forRoute('/api/v1/auth/logout')).toBeUndefined();
    expect(p.failsClosed('/api/v1/auth/register')).toBe(true);
    expect(p.failsClosed('/api/v1/oauth/token')).toBe(true);
    expect(p.failsClosed('/api/v1/users/me')).toBe(false);
    expect(p.failsClosed('/api/v1/payments/webhooks/stripe')).toBe(false);
    expect(p.failsClosed(undefined)).toBe(false);
    expect(p.forRoute('/api/v1/users/:user_id')).toBeUndefined();
    expect(p.forRoute(undefined)).toBeUndefined();
    expect(p.ip.header).toBe('"ip";q=600;w=60');
  });

  it('fails closed on every auth route, registration included', () => {
    const p = policiesFrom(new AppConfig(loadConfig({}), []));
    for (const route of [
      '/api/v1/auth/register',
      '/api/v1/auth/login',
      '/api/v1/auth/refresh',
      '/api/v1/auth/sessions/:id',
      '/api/v1/oauth/token',
    ]) {
      expect([route, p.failsClosed(route)]).toEqual([route, true]);
    }
    for (const route of ['/api/v1/users/me', '/api/v1/authors', '/health/ready', undefined]) {
      expect([route, p.failsClosed(route)]).toEqual([route, false]);
    }
  });

  it('refuses a TRUSTED_PROXIES entry that is not a CIDR', () => {
    expect(() => loadConfig({ TRUSTED_PROXIES: '10.0.0.0/8,fd00::/8' })).not.toThrow();
    expect(() => loadConfig({ TRUSTED_PROXIES: '10.0.0.0/33' })).toThrow(/TRUSTED_PROXIES/);
    expect(() => loadConfig({ TRUSTED_PROXIES: 'proxy.local' })).toThrow(/TRUSTED_PROXIES/);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://app.example.com/path' })).toThrow(
      /CORS_ORIGINS/,
    );
  });
});
