import { describe, expect, it } from '@jest/globals';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createSecretKey } from 'node:crypto';
import { signHs256 } from '../../contracts/auth/access-token.js';
import type { AuthClient } from '../../contracts/auth/auth.client.js';
import { SessionKeys } from '../../contracts/auth/session-keys.js';
import { TokenVerifier } from '../../contracts/auth/token-verifier.js';
import { AppConfig } from '../../platform/config/config.js';
import { loadConfig } from '../../platform/config/load-config.js';
import { ProblemException } from '../../platform/errors/problem.js';
import { OptionalAuth, Public, Roles, Scopes } from '../../platform/http/auth.decorators.js';
import { MemoryStore } from '../../platform/kv/memory.store.js';
import { MetricsService } from '../../platform/metrics/metrics.service.js';
import { LIMIT_STATE, RateLimiter, type LimitState } from '../rate-limit/rate-limiter.js';
import { AuthenticationGuard } from './authentication.guard.js';

const SECRET = 'guard-spec-secret-of-at-least-32-bytes';
const config = new AppConfig(loadConfig({ JWT_SECRET: SECRET, NODE_ENV: 'test' }), ['gateway']);
const key = createSecretKey(Buffer.from(SECRET));

class Routes {
  plain() {}
  @Public() open() {}
  @OptionalAuth() maybe() {}
  @Roles('admin') adminOnly() {}
  @Scopes('profile') profile() {}
}

function token(over: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return signHs256(
    {
      sub: 'usr_1',
      sid: 'ses_1',
      role: 'member',
      typ: 'access',
      aal: 'aal1',
      amr: ['pwd'],
      auth_time: now,
      iat: now,
      exp: now + 60,
      iss: 'platform',
      aud: 'platform-api',
      ...over,
    },
    key,
    'at+jwt',
  );
}

function contextFor(handler: keyof Routes, authorization?: string, state?: LimitState) {
  const req: {
    headers: Record<string, string>;
    actor?: unknown;
    routeOptions: { url: string };
    [LIMIT_STATE]?: LimitState;
  } = {
    headers: authorization ? { authorization } : {},
    routeOptions: { url: '/api/v1/users/:user_id' },
    [LIMIT_STATE]: state,
  };
  const headers: Record<string, string> = {};
  const reply = {
    getHeader: (name: string) => headers[name],
    header: (name: string, value: string) => (headers[name] = value),
  };
  const ctx = {
    getType: () => 'http',
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => reply }),
  } as unknown as ExecutionContext;
  return { ctx, req, headers };
}

async function statusOf(p: Promise<unknown>): Promise<number | 'ok'> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return (err as ProblemException).getStatus();
  }
}

describe('AuthenticationGuard', () => {
  const kv = new MemoryStore();
  // HS256: the key is JWT_SECRET, the auth part is never asked for keys.
  const tokens = new TokenVerifier(config, null as unknown as AuthClient);
  const guard = new AuthenticationGuard(new Reflector(), kv, tokens);

  it('needs a live session: a valid token of an ended session is refused', async () => {
    const { ctx, req } = contextFor('plain', `Bearer ${token()}`);
    expect(await statusOf(guard.canActivate(ctx))).toBe(401);
    await kv.set(SessionKeys.session('ses_1'), 'usr_1');
    expect(await statusOf(guard.canActivate(ctx))).toBe('ok');
    expect(req.actor).toEqual({
      id: 'usr_1',
      role: 'member',
      sid: 'ses_1',
      aal: 'aal1',
      amr: ['pwd'],
      auth_time: expect.any(Number),
    });
    // A session key owned by someone else does not validate another user's token.
    const other = contextFor('plain', `Bearer ${token({ sub: 'usr_2' })}`);
    expect(await statusOf(guard.canActivate(other.ctx))).toBe(401);
    await kv.del(SessionKeys.session('ses_1'));
    expect(await statusOf(guard.canActivate(ctx))).toBe(401);
  });

  it('answers 401 with a Bearer challenge for missing, malformed and expired tokens', async () => {
    await kv.set(SessionKeys.session('ses_1'), 'usr_1');
    for (const header of [undefined, 'Basic abc', 'Bearer', 'Bearer x.y.z']) {
      try {
        await guard.canActivate(contextFor('plain', header).ctx);
        throw new Error('should fail');
      } catch (err) {
        expect((err as ProblemException).getStatus()).toBe(401);
        expect((err as ProblemException).headers['WWW-Authenticate']).toMatch(/^Bearer realm=/);
      }
    }
    const expired = token({ exp: Math.floor(Date.now() / 1000) - 60 });
    expect(await statusOf(guard.canActivate(contextFor('plain', `Bearer ${expired}`).ctx))).toBe(
      401,
    );
  });

  it('honours @Public, @OptionalAuth and @Roles', async () => {
    await kv.set(SessionKeys.session('ses_1'), 'usr_1');
    expect(await statusOf(guard.canActivate(contextFor('open').ctx))).toBe('ok');
    const anon = contextFor('maybe');
    expect(await statusOf(guard.canActivate(anon.ctx))).toBe('ok');
    expect(anon.req.actor).toBeUndefined();
    const signed = contextFor('maybe', `Bearer ${token()}`);
    expect(await statusOf(guard.canActivate(signed.ctx))).toBe('ok');
    expect(signed.req.actor).toMatchObject({ id: 'usr_1' });
    expect(await statusOf(guard.canActivate(contextFor('maybe', 'Bearer bad').ctx))).toBe(401);
    expect(
      await statusOf(guard.canActivate(contextFor('adminOnly', `Bearer ${token()}`).ctx)),
    ).toBe(403);
    expect(
      await statusOf(
        guard.canActivate(contextFor('adminOnly', `Bearer ${token({ role: 'admin' })}`).ctx),
      ),
    ).toBe('ok');
  });

  it('lets tokens granted to an OAuth client reach only @Scopes routes they cover', async () => {
    await kv.set(SessionKeys.session('ses_1'), 'usr_1');
    const delegated = (scope: string, jti = 'j1') =>
      `Bearer ${token({ client_id: 'cli_1', scope, jti })}`;
    const profile = contextFor('profile', delegated('openid profile'));
    expect(await statusOf(guard.canActivate(profile.ctx))).toBe('ok');
    expect(profile.req.actor).toMatchObject({ id: 'usr_1', client_id: 'cli_1' });
    expect(await statusOf(guard.canActivate(contextFor('profile', delegated('openid')).ctx))).toBe(
      403,
    );
    expect(await statusOf(guard.canActivate(contextFor('plain', delegated('profile')).ctx))).toBe(
      403,
    );
    // Revoked by jti (RFC 7009): refused with 401, the session itself stays.
    await kv.set(SessionKeys.revokedToken('j1'), '1');
    expect(await statusOf(guard.canActivate(contextFor('profile', delegated('profile')).ctx))).toBe(
      401,
    );
    expect(
      await statusOf(guard.canActivate(contextFor('profile', delegated('profile', 'j2')).ctx)),
    ).toBe('ok');
    // An OAuth token without jti cannot be revoked, so it is not accepted at all.
    const noJti = `Bearer ${token({ client_id: 'cli_1', scope: 'profile' })}`;
    expect(await statusOf(guard.canActivate(contextFor('profile', noJti).ctx))).toBe(401);
  });

  it('never lets a client_credentials token act as a user', async () => {
    const now = Math.floor(Date.now() / 1000);
    const client = (over: Record<string, unknown> = {}) =>
      `Bearer ${signHs256(
        {
          sub: 'cli_9',
          client_id: 'cli_9',
          scope: 'profile',
          typ: 'access',
          iat: now,
          exp: now + 60,
          iss: 'platform',
          aud: 'platform-api',
          jti: 'c1',
          ...over,
        },
        key,
        'at+jwt',
      )}`;
    for (const route of ['plain', 'profile', 'adminOnly'] as const) {
      expect(await statusOf(guard.canActivate(contextFor(route, client()).ctx))).toBe(403);
    }
    // sub must be the client itself: a token naming a user without a session is malformed.
    expect(
      await statusOf(guard.canActivate(contextFor('profile', client({ sub: 'usr_1' })).ctx)),
    ).toBe(401);
    await kv.set(SessionKeys.revokedClient('cli_9'), '1');
    expect(await statusOf(guard.canActivate(contextFor('profile', client()).ctx))).toBe(401);
  });

  it('takes the claims the rate limiter verified for this very token', async () => {
    await kv.set(SessionKeys.session('ses_1'), 'usr_1');
    const claims = tokens.verifyNow(token({ role: 'admin' }));
    if (!claims.ok) throw new Error('token should verify');
    // The limiter's check is keyed by the token: the guard does not verify "opaque" again.
    const checked = { token: 'opaque', claims: claims.claims };
    const reused = contextFor('adminOnly', 'Bearer opaque', { checked });
    expect(await statusOf(guard.canActivate(reused.ctx))).toBe('ok');
    expect(reused.req.actor).toMatchObject({ id: 'usr_1', role: 'admin' });
    // Another token in the header is verified as usual.
    expect(
      await statusOf(guard.canActivate(contextFor('plain', 'Bearer x.y.z', { checked }).ctx)),
    ).toBe(401);
  });

  it('charges the user budget the limiter could not charge before authentication', async () => {
    await kv.set(SessionKeys.session('ses_1'), 'usr_1');
    const limited = new AppConfig(
      loadConfig({ JWT_SECRET: SECRET, NODE_ENV: 'test', RATE_LIMIT_USER: '1/1m' }),
      ['gateway'],
    );
    const store = new MemoryStore();
    const limiter = new RateLimiter(limited, store, new MetricsService(), tokens);
    const charging = new AuthenticationGuard(new Reflector(), kv, tokens, limiter);
    const first = contextFor('plain', `Bearer ${token()}`, {});
    expect(await statusOf(charging.canActivate(first.ctx))).toBe('ok');
    expect(first.headers['ratelimit-policy']).toBe('"user";q=1;w=60');
    // Already charged by the limiter (it could read the token): not charged twice.
    const charged = contextFor('plain', `Bearer ${token()}`, { user: 'usr_1' });
    expect(await statusOf(charging.canActivate(charged.ctx))).toBe('ok');
    expect(charged.headers['ratelimit-policy']).toBeUndefined();
    const over = contextFor('plain', `Bearer ${token()}`, {});
    expect(await statusOf(charging.canActivate(over.ctx))).toBe(429);
  });

  it('lets transport handlers through (they are never reached from outside)', async () => {
    const ctx = { getType: () => 'rpc' } as unknown as ExecutionContext;
    expect(await guard.canActivate(ctx)).toBe(true);
  });
});
