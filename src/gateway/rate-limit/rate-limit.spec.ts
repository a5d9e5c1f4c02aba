import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { AppConfig } from '../../platform/config/config.js';
import { loadConfig } from '../../platform/config/load-config.js';
import { parseBudget } from '../../platform/config/schema/gateway.env.js';
import { clientKey } from './client-key.js';
import { policiesFrom } from './policies.js';
import { TokenSubject } from './token-subject.js';

const SECRET = 'a-test-secret-that-is-long-enough-000000';
const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
function token(claims: object, header: object = { alg: 'HS256', typ: 'JWT' }, secret = SECRET) {
  const head = `${enc(header)}.${enc(claims)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

describe('TokenSubject', () => {
  const subject = new TokenSubject(SECRET);
  const exp = Math.floor(Date.now() / 1000) + 60;

  it('reads sub from a well-signed, unexpired HS256 token', () => {
    expect(subject.of(`Bearer ${token({ sub: 'usr_1', exp })}`)).toBe('usr_1');
    expect(subject.of(`bearer ${token({ sub: 'usr_1', exp })}`)).toBe('usr_1');
  });

  it('ignores forged, expired, alg=none and malformed tokens', () => {
    expect(
      subject.of(`Bearer ${token({ sub: 'usr_1', exp }, undefined, 'other')}`),
    ).toBeUndefined();
    expect(subject.of(`Bearer ${token({ sub: 'usr_1', exp: exp - 120 })}`)).toBeUndefined();
    expect(subject.of(`Bearer ${token({ sub: 'usr_1' })}`)).toBeUndefined();
    const none = `${enc({ alg: 'none' })}.${enc({ sub: 'usr_1', exp })}.`;
    expect(subject.of(`Bearer ${none}`)).toBeUndefined();
    expect(subject.of(`Bearer ${token({ sub: 'usr_1', exp }, { alg: 'HS512' })}`)).toBeUndefined();
    for (const bad of [undefined, '', 'Basic abc', 'Bearer a.b', 'Bearer a.b.c.d', 'Bearer ...']) {
      expect(subject.of(bad)).toBeUndefined();
    }
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
    const config = new AppConfig(loadConfig({ RATE_LIMIT_LOGIN: '7/2m' }), []);
    const p = policiesFrom(config);
    expect(p.forRoute('/api/v1/auth/login')?.header).toBe('"login";q=7;w=120');
    expect(p.forRoute('/api/v1/auth/password/reset')?.name).toBe('password');
    expect(p.forRoute('/api/v1/auth/mfa/totp/verify')?.name).toBe('mfa');
    expect(p.forRoute('/api/v1/oauth/token')?.name).toBe('token');
    expect(p.forRoute('/api/v1/auth/logout')).toBeUndefined();
    expect(p.forRoute('/api/v1/users/:user_id')).toBeUndefined();
    expect(p.forRoute(undefined)).toBeUndefined();
    expect(p.ip.header).toBe('"ip";q=600;w=60');
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
