/**
 * Rate limits, trusted proxies and the store-down behaviour on a platform of this file's own,
 * with tight budgets (the shared e2e platform has generous ones). In split mode it runs three
 * gateway processes on one Redis, and the budgets hold across them.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { startPlatform, type Mode, type PlatformHandle } from '../support/platform-process.js';
import {
  call,
  accessToken,
  parseRateLimit,
  sleep,
  TcpRelay,
  testIp,
  type EdgeResponse,
} from '../support/edge.js';
import { waitForNoResponders } from '../support/nats.js';

const mode = (process.env.E2E_MODE ?? 'all') as Mode;
const split = mode === 'split';
const SECRET = randomBytes(32).toString('hex');
const IP_LIMIT = 30;
const IP_WINDOW_MS = 12_000;
const USER_LIMIT = 5;
const LOGIN_LIMIT = 3;

// The credential routes belong to the auth part; their budgets are checked once they exist.
const docPaths = Object.keys(
  ((await (await fetch(`${process.env.E2E_URL}/docs-json`)).json()) as { paths: object }).paths,
);
const withLogin = docPaths.includes('/api/v1/auth/login') ? it : it.skip;
// Stopping one part on its own needs one process per part.
const splitOnly = split ? it : it.skip;

function expectProblem(res: EdgeResponse, status: number) {
  expect(`${res.status} ${res.headers.get('content-type')}`).toMatch(
    new RegExp(`^${status} application/problem\\+json`),
  );
  expect(res.body).toMatchObject({ status, title: expect.any(String), type: expect.any(String) });
  expect(res.body.request_id).toBeTruthy();
}

describe(`gateway rate limits (${mode} mode)`, () => {
  let platform: PlatformHandle;
  let gw: string;
  let relay: TcpRelay | undefined;

  beforeAll(async () => {
    const redis = process.env.REDIS_URL ? new URL(process.env.REDIS_URL) : undefined;
    const edgeEnv: NodeJS.ProcessEnv = {};
    if (redis) {
      relay = new TcpRelay(redis.hostname, Number(redis.port || 6379));
      await relay.open();
      const viaRelay = new URL(redis);
      viaRelay.hostname = '127.0.0.1';
      viaRelay.port = String(relay.port);
      edgeEnv.REDIS_URL = viaRelay.toString();
    }
    platform = await startPlatform({
      mode,
      gatewayReplicas: split ? 3 : 1,
      env: {
        JWT_SECRET: SECRET,
        TRUSTED_PROXIES: '127.0.0.1/32,::1',
        RATE_LIMIT_IP: `${IP_LIMIT}/${IP_WINDOW_MS / 1000}s`,
        RATE_LIMIT_USER: `${USER_LIMIT}/1m`,
        RATE_LIMIT_LOGIN: `${LOGIN_LIMIT}/1m`,
        RATE_LIMIT_PASSWORD: '2/1m',
        RATE_LIMIT_MFA: '2/1m',
        RATE_LIMIT_TOKEN: '2/1m',
        RATE_LIMIT_FAIL_OPEN: 'true',
        CORS_ORIGINS: 'https://app.example.com',
        REQUEST_TIMEOUT_MS: '3000',
      },
      // Only the gateways (the whole process in all mode) reach Redis through the relay.
      processEnv: split
        ? { gateway: edgeEnv, 'gateway-2': edgeEnv, 'gateway-3': edgeEnv }
        : { all: edgeEnv },
    });
    gw = platform.url;
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
    await relay?.cut().catch(() => undefined);
  }, 60_000);

  const from = (ip: string, extra: Record<string, string> = {}) => ({
    headers: { 'x-forwarded-for': ip, ...extra },
  });

  it('limits each client IP, announcing the budget on every response and refusing with 429', async () => {
    const ip = testIp();
    const seen: EdgeResponse[] = [];
    for (let i = 0; i < IP_LIMIT + 1; i++)
      seen.push(await call(gw, 'GET', '/api/v1/probe', from(ip)));
    const accepted = seen.filter((r) => r.status !== 429);
    // Each answer announces the policy and what is left (the window may turn during the loop).
    for (const r of accepted) {
      expect(r.headers.get('ratelimit-policy')).toBe(`"ip";q=${IP_LIMIT};w=${IP_WINDOW_MS / 1000}`);
      expect(parseRateLimit(r.headers.get('ratelimit')).ip.r).toBeGreaterThanOrEqual(0);
    }
    expect(parseRateLimit(seen[0].headers.get('ratelimit')).ip.r).toBe(IP_LIMIT - 1);
    const refused =
      seen.find((r) => r.status === 429) ?? (await call(gw, 'GET', '/api/v1/probe', from(ip)));
    expectProblem(refused, 429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual((IP_WINDOW_MS / 1000) * 2);
    expect(refused.body.retry_after).toBe(retryAfter);
    expect(refused.body.policy).toBe('ip');
    expect(parseRateLimit(refused.headers.get('ratelimit')).ip.r).toBe(0);
    // Another client is not affected.
    expect((await call(gw, 'GET', '/api/v1/probe', from(testIp()))).status).toBe(404);
  }, 60_000);

  it('takes the client IP from X-Forwarded-For only as far as the trusted proxies go', async () => {
    const ip = testIp();
    for (let i = 0; i < IP_LIMIT; i++) await call(gw, 'GET', '/api/v1/probe', from(ip));
    const spoofed = await call(gw, 'GET', '/api/v1/probe', from(`10.9.8.7, ${ip}`));
    expect(spoofed.status).toBe(429);
  }, 60_000);

  it('limits an IPv6 client by its /64', async () => {
    const prefix = `2001:db8:${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}`;
    const first = await call(gw, 'GET', '/api/v1/probe', from(`${prefix}::1`));
    const second = await call(gw, 'GET', '/api/v1/probe', from(`${prefix}:ffff:0:0:42`));
    expect(parseRateLimit(second.headers.get('ratelimit')).ip.r).toBe(
      parseRateLimit(first.headers.get('ratelimit')).ip.r - 1,
    );
  }, 60_000);

  it('limits a signed-in user across IPs, and a forged token does not spend their budget', async () => {
    const sub = `usr_${randomBytes(8).toString('hex')}`;
    const token = accessToken(SECRET, sub);
    const forged = accessToken('not-the-secret-'.repeat(3), sub);
    for (let i = 0; i < 3; i++) {
      const r = await call(
        gw,
        'GET',
        '/api/v1/probe',
        from(testIp(), { authorization: `Bearer ${forged}` }),
      );
      expect(r.headers.get('ratelimit-policy')).not.toContain('"user"');
    }
    for (let i = 0; i < USER_LIMIT; i++) {
      const r = await call(
        gw,
        'GET',
        '/api/v1/probe',
        from(testIp(), { authorization: `Bearer ${token}` }),
      );
      expect(r.status).toBe(404);
      expect(parseRateLimit(r.headers.get('ratelimit')).user.r).toBe(USER_LIMIT - 1 - i);
    }
    const refused = await call(
      gw,
      'GET',
      '/api/v1/probe',
      from(testIp(), { authorization: `Bearer ${token}` }),
    );
    expectProblem(refused, 429);
    expect(refused.body.policy).toBe('user');
  }, 60_000);

  withLogin(
    'gives POST /auth/login a tighter budget of its own',
    async () => {
      const ip = testIp();
      const login = () =>
        call(gw, 'POST', '/api/v1/auth/login', {
          ...from(ip),
          body: { email: 'nobody@example.com', password: 'wrong-password-123' },
        });
      for (let i = 0; i < LOGIN_LIMIT; i++) {
        const r = await login();
        expect(r.status).not.toBe(429);
        expect(r.headers.get('ratelimit-policy')).toContain(`"login";q=${LOGIN_LIMIT};w=60`);
      }
      const refused = await login();
      expectProblem(refused, 429);
      expect(refused.body.policy).toBe('login');
      // The general budget of that IP still has room.
      expect((await call(gw, 'GET', '/api/v1/probe', from(ip))).status).toBe(404);
    },
    60_000,
  );

  it('keeps the accepted count within the limit across every gateway replica', async () => {
    const gateways = platform.gatewayUrls;
    expect(gateways).toHaveLength(split ? 3 : 1);
    // Start early in a window so the burst stays within one (the store's clock is this machine's).
    const pos = Date.now() % IP_WINDOW_MS;
    if (pos > IP_WINDOW_MS * 0.3) await sleep(IP_WINDOW_MS - pos + 100);
    const ip = testIp();
    const burst = await Promise.all(
      Array.from({ length: IP_LIMIT * 3 }, (_, i) =>
        call(gateways[i % gateways.length], 'GET', '/api/v1/probe', from(ip)),
      ),
    );
    const accepted = burst.filter((r) => r.status !== 429).length;
    expect(accepted).toBeLessThanOrEqual(IP_LIMIT);
    expect(accepted).toBe(IP_LIMIT);
    for (const r of burst.filter((x) => x.status === 429)) {
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    // And what one replica spends, the others see.
    const ip2 = testIp();
    for (let i = 0; i < IP_LIMIT; i++) await call(gateways[0], 'GET', '/api/v1/probe', from(ip2));
    for (const g of gateways) {
      expect((await call(g, 'GET', '/api/v1/probe', from(ip2))).status).toBe(429);
    }
  }, 60_000);

  it('counts refusals in the metrics of the gateway that refused', async () => {
    for (const g of platform.gatewayUrls) {
      const text = (await call(g, 'GET', '/metrics')).text;
      expect(text).toMatch(/rate_limit_rejections_total\{policy="ip"\} [1-9]/);
      expect(text).toMatch(
        /http_request_duration_seconds_bucket\{le="[^"]+",method="GET",route="unmatched",status="429"\}/,
      );
    }
  }, 60_000);

  it('allows CORS from the configured origins only, exposing the limit headers', async () => {
    const preflight = await call(gw, 'OPTIONS', '/api/v1/auth/login', {
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization',
        'x-forwarded-for': testIp(),
      },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    const get = await call(gw, 'GET', '/api/v1/probe', {
      headers: { origin: 'https://app.example.com', 'x-forwarded-for': testIp() },
    });
    expect(get.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(get.headers.get('access-control-expose-headers')).toMatch(/ratelimit/i);
    const evil = await call(gw, 'GET', '/api/v1/probe', {
      headers: { origin: 'https://evil.example', 'x-forwarded-for': testIp() },
    });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  }, 60_000);

  splitOnly(
    'exposes its own metrics on every process',
    async () => {
      for (const [name, p] of platform.procs) {
        const res = await call(p.healthUrl, 'GET', '/metrics');
        expect([name, res.status]).toEqual([name, 200]);
        expect(res.text).toContain('process_cpu_user_seconds_total');
        expect(res.text).toContain('http_request_duration_seconds');
      }
    },
    60_000,
  );

  it('answers 504 problem+json to a request still unfinished after REQUEST_TIMEOUT_MS', async () => {
    // The body never completes, so nothing past the edge ever runs: only the timeout answers.
    const { hostname, port } = new URL(gw);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write(
          'POST /api/v1/users HTTP/1.1\r\nHost: platform\r\nContent-Type: application/json\r\n' +
            `Content-Length: 100\r\nX-Forwarded-For: ${testIp()}\r\n\r\n{"email":`,
        );
      });
      let text = '';
      socket.on('data', (b: Buffer) => {
        text += b.toString('utf8');
        if (/\r\n\r\n[\s\S]*\}$/.test(text)) socket.destroy();
      });
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 504 /);
    expect(answer).toMatch(/content-type: application\/problem\+json/i);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
    expect(body).toMatchObject({ status: 504, type: expect.stringMatching(/request-timeout$/) });
  }, 60_000);

  splitOnly(
    'answers 504 when a part hangs and 503 when it is gone, as problems',
    async () => {
      const body = { email: 'nobody@example.com', password: 'wrong-password-123' };
      const login = () => call(gw, 'POST', '/api/v1/auth/login', { ...from(testIp()), body });
      const auth = platform.procs.get('auth')!.child;
      auth.kill('SIGSTOP');
      try {
        const hung = await login();
        expectProblem(hung, 504);
      } finally {
        auth.kill('SIGCONT');
      }
      await platform.kill('auth');
      await waitForNoResponders(
        platform.env.NATS_URL!,
        `${platform.env.NATS_SUBJECT_PREFIX}auth.session.login`,
      );
      const gone = await login();
      expectProblem(gone, 503);
      expect(gone.text).not.toMatch(/nats|stack|at .*\.js/i);
      await platform.restart('auth');
      expect((await login()).status).toBe(401);
    },
    120_000,
  );

  withLogin(
    'when the store is down: auth routes fail closed (503), the rest follow RATE_LIMIT_FAIL_OPEN',
    async () => {
      if (!relay) {
        // The embedded in-memory store lives in the process and cannot be down on its own.
        expect(process.env.REDIS_URL).toBeUndefined();
        return;
      }
      await relay.cut();
      await sleep(300);
      const login = await call(gw, 'POST', '/api/v1/auth/login', {
        ...from(testIp()),
        body: { email: 'nobody@example.com', password: 'wrong-password-123' },
      });
      expectProblem(login, 503);
      expect(login.body.type).toMatch(/rate-limit-unavailable$/);
      expect(login.headers.get('retry-after')).toBeTruthy();
      // Every auth route, not only those with a budget of their own: no unlimited sign-ups.
      const register = await call(gw, 'POST', '/api/v1/auth/register', {
        ...from(testIp()),
        body: { email: 'down@example.com', password: 'Down-Passw0rd-123', name: 'Down' },
      });
      expectProblem(register, 503);
      expect(register.body.type).toMatch(/rate-limit-unavailable$/);
      // RATE_LIMIT_FAIL_OPEN=true: other routes still answer, without limit headers.
      const open = await call(gw, 'GET', '/api/v1/probe', from(testIp()));
      expect(open.status).toBe(404);
      expect(open.headers.get('ratelimit')).toBeNull();
      const metrics = (await call(gw, 'GET', '/metrics')).text;
      expect(metrics).toMatch(/rate_limit_store_failures_total\{outcome="closed"\} [1-9]/);
      expect(metrics).toMatch(/rate_limit_store_failures_total\{outcome="open"\} [1-9]/);
    },
    60_000,
  );
});
