/**
 * The gateway edge on the shared platform (no trusted proxies, no CORS origins): security
 * headers, compression, the client IP that X-Forwarded-For cannot forge, identity that only a
 * verified token gives, and request metrics by route.
 */
import { describe, expect, it } from '@jest/globals';
import { api, baseUrl, expectProblem } from '../support/api.js';
import { parseRateLimit } from '../support/edge.js';
import { register, registerAndLogin } from '../support/session.js';

describe(`gateway edge (${process.env.E2E_MODE} mode)`, () => {
  it('sends security headers on API answers and on the docs', async () => {
    for (const path of ['/api/v1/users/me', '/docs']) {
      const res = await api('GET', path);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-eval');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('answers no CORS headers to an origin that is not allowed', async () => {
    const res = await api('OPTIONS', '/api/v1/auth/login', {
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
      },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const get = await api('GET', '/api/v1/users/me', {
      headers: { origin: 'https://evil.example' },
    });
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('compresses large answers for clients that accept it', async () => {
    // fetch decodes the body itself and keeps the Content-Encoding header.
    const res = await fetch(`${baseUrl()}/docs-json`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('vary')?.toLowerCase()).toContain('accept-encoding');
    expect(JSON.parse(await res.text()).openapi).toMatch(/^3\./);
    const plain = await fetch(`${baseUrl()}/docs-json`, {
      headers: { 'accept-encoding': 'identity' },
    });
    expect(plain.headers.get('content-encoding')).toBeNull();
    await plain.arrayBuffer();
  });

  it('does not let X-Forwarded-For from an untrusted peer change the client IP', async () => {
    const seen: number[] = [];
    let quota = 0;
    for (const ip of ['203.0.113.1', '203.0.113.2', '198.51.100.7, 203.0.113.3']) {
      const res = await api('GET', '/api/v1/no-such-route', { headers: { 'x-forwarded-for': ip } });
      expect(res.headers.get('ratelimit-policy')).toMatch(/^"ip";q=\d+;w=\d+/);
      quota = parseRateLimit(res.headers.get('ratelimit-policy')).ip.q;
      seen.push(parseRateLimit(res.headers.get('ratelimit')).ip.r);
    }
    // A bucket of each forged address would be fresh: quota - 1 left every time. They all
    // went to the TCP peer's bucket, which this test alone has used at least once before.
    // (Its `r` need not fall by one per request: the previous window's weight decays.)
    expect(seen.slice(1).filter((r) => r >= quota - 1)).toEqual([]);
  });

  it('takes identity only from the verified token: X-User-Id and friends have no effect', async () => {
    const alice = await registerAndLogin({ tag: 'alice' });
    const bob = await register({ tag: 'bob' });
    const forged = {
      'x-user-id': bob.id,
      'x-user-role': 'admin',
      'x-actor-id': bob.id,
      'x-forwarded-user': bob.email,
      'x-remote-user': bob.email,
    };
    // Without a token the headers open nothing.
    expectProblem(await api('GET', '/api/v1/users/me', { headers: forged }), 401);
    // With Alice's token, the call is Alice's, whatever the headers say.
    const me = await api('GET', '/api/v1/users/me', { token: alice.token, headers: forged });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(alice.id);
    expect(me.body.email).toBe(alice.email);
    // An admin-only route stays closed to her.
    expectProblem(await api('GET', '/api/v1/users', { token: alice.token, headers: forged }), 403);
  });

  it('measures requests by route pattern, method and status in /metrics', async () => {
    const alice = await registerAndLogin({ tag: 'metrics' });
    expect((await api('GET', '/api/v1/users/me', { token: alice.token })).status).toBe(200);
    const text = (await api('GET', '/metrics')).text;
    expect(text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/users\/me",status="200"\} [1-9]/,
    );
    expect(text).toMatch(
      /http_request_duration_seconds_bucket\{le="[^"]+",method="POST",route="\/api\/v1\/auth\/login",status="200"\}/,
    );
    expect(text).toContain('rate_limit_rejections_total');
    expect(text).toMatch(
      /rpc_call_duration_seconds_count\{pattern="[a-z]+\.[a-z.]+",outcome="ok"\}/,
    );
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    // Unknown paths share one label (no cardinality blow-up from scanners).
    await api('GET', '/api/v1/scan/me/please/123');
    expect((await api('GET', '/metrics')).text).not.toContain('/scan/me/please');
  });

  it('counts sign-ins by outcome in /metrics of the process running auth', async () => {
    const bob = await registerAndLogin({ tag: 'logins' });
    const wrong = await api('POST', '/api/v1/auth/login', {
      body: { email: bob.email, password: 'not-the-password-123' },
    });
    expectProblem(wrong, 401);
    const res = await fetch(`${process.env.E2E_AUTH_URL}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/auth_logins_total\{outcome="succeeded"\} [1-9]/);
    expect(text).toMatch(/auth_logins_total\{outcome="(?!succeeded)[a-z_]+"\} [1-9]/);
  });
});
