import { describe, expect, it } from '@jest/globals';
import { api, expectProblem } from '../support/api.js';
import { registerAndLogin, login } from '../support/session.js';

const R = '/api/v1/auth';
const refresh = (refresh_token: string) => api('POST', `${R}/refresh`, { body: { refresh_token } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The e2e harness runs with REFRESH_REUSE_GRACE_S=3. */
const GRACE_MS = 3000;

describe(`auth: refresh rotation and reuse detection (${process.env.E2E_MODE} mode)`, () => {
  it('rotates: each refresh returns a new pair, and the new access token works', async () => {
    const u = await registerAndLogin();
    const first = await refresh(u.refresh_token);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.stringMatching(/^rt_/),
      expires_in: 3600,
      token_type: 'Bearer',
    });
    expect(first.body.refresh_token).not.toBe(u.refresh_token);
    const second = await refresh(first.body.refresh_token);
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
    const me = await api('GET', `${R}/sessions`, { token: second.body.access_token });
    expect(me.status).toBe(200);
    expect(me.body).toHaveLength(1);
    expect(me.body[0].current).toBe(true);
  });

  it('two refreshes racing with the same token both succeed with the same successor pair', async () => {
    const u = await registerAndLogin();
    const [a, b] = await Promise.all([refresh(u.refresh_token), refresh(u.refresh_token)]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.body.refresh_token).toBe(b.body.refresh_token);
    expect(a.body.access_token).toBe(b.body.access_token);
    // Both tabs stay signed in: the successor keeps working.
    const next = await refresh(a.body.refresh_token);
    expect(next.status).toBe(200);
    expect((await api('GET', `${R}/sessions`, { token: next.body.access_token })).status).toBe(200);
  });

  it('a rotated token presented again within the grace window returns the same pair', async () => {
    const u = await registerAndLogin();
    const first = await refresh(u.refresh_token);
    const again = await refresh(u.refresh_token);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
  });

  it('reuse after the grace window revokes the whole session and every token descended from it', async () => {
    const u = await registerAndLogin();
    const other = await login(u.email, u.password); // another session of the same user
    const first = await refresh(u.refresh_token);
    const second = await refresh(first.body.refresh_token);
    expect(second.status).toBe(200);
    await sleep(GRACE_MS + 1500);
    const reuse = await refresh(u.refresh_token);
    expectProblem(reuse, 401);
    // The family is dead: the newest refresh token and every access token of the session.
    expectProblem(await refresh(second.body.refresh_token), 401);
    expectProblem(await api('GET', `${R}/sessions`, { token: second.body.access_token }), 401);
    expectProblem(await api('GET', `${R}/sessions`, { token: u.access_token }), 401);
    // The user's other session is untouched and the theft is in the audit log.
    const audit = await api('GET', `${R}/audit?limit=100`, { token: other.access_token });
    expect(audit.status).toBe(200);
    const types = audit.body.items.map((e: { type: string }) => e.type);
    expect(types).toContain('token.refresh_reuse');
    expect(types).toContain('session.revoked');
  }, 30_000);

  it('refuses unknown, malformed and missing refresh tokens', async () => {
    expectProblem(await refresh('rt_' + 'A'.repeat(43)), 401);
    expectProblem(await refresh('garbage'), 401);
    expectProblem(await api('POST', `${R}/refresh`, { body: {} }), 400);
    expectProblem(
      await api('POST', `${R}/refresh`, { body: { refresh_token: 'rt_x', extra: 1 } }),
      400,
    );
  });

  it('an access token is never accepted as a refresh token', async () => {
    const u = await registerAndLogin();
    expectProblem(await refresh(u.access_token), 401);
  });
});
