import { describe, expect, it } from '@jest/globals';
import { api, expectProblem, uniqueEmail } from '../support/api.js';
import { mailTo, waitForMail } from '../support/mailbox.js';
import {
  adminToken,
  login,
  register,
  registerAndLogin,
  strongPassword,
} from '../support/session.js';

const R = '/api/v1/auth';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`auth: sessions (${process.env.E2E_MODE} mode)`, () => {
  it('lists the active sessions with the current one flagged', async () => {
    const u = await registerAndLogin();
    const second = await api('POST', `${R}/login`, {
      body: { email: u.email, password: u.password },
      headers: { 'user-agent': 'e2e-phone/1.0' },
    });
    const res = await api('GET', `${R}/sessions`, { token: u.access_token });
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(2);
    for (const s of res.body) {
      expect(s).toEqual({
        id: expect.stringMatching(/^ses_/),
        created_at: expect.any(String),
        last_used_at: expect.any(String),
        ip: expect.any(String),
        user_agent: expect.any(String),
        current: expect.any(Boolean),
        client_id: null,
      });
    }
    expect(res.body.filter((s: any) => s.current)).toHaveLength(1);
    const phone = res.body.find((s: any) => s.user_agent === 'e2e-phone/1.0');
    expect(phone.current).toBe(false);
    const fromPhone = await api('GET', `${R}/sessions`, { token: second.body.access_token });
    expect(fromPhone.body.find((s: any) => s.current).id).toBe(phone.id);
  });

  it('DELETE /auth/sessions/{id} ends that session at once; unknown or foreign ids are 404', async () => {
    const u = await registerAndLogin();
    const other = await login(u.email, u.password);
    const stranger = await registerAndLogin();
    const list = await api('GET', `${R}/sessions`, { token: u.access_token });
    const target = list.body.find((s: any) => !s.current).id;
    expect((await api('DELETE', `${R}/sessions/${target}`, { token: u.access_token })).status).toBe(
      204,
    );
    expectProblem(await api('GET', `${R}/sessions`, { token: other.access_token }), 401);
    expectProblem(
      await api('POST', `${R}/refresh`, { body: { refresh_token: other.refresh_token } }),
      401,
    );
    expectProblem(await api('DELETE', `${R}/sessions/${target}`, { token: u.access_token }), 404);
    expectProblem(
      await api('DELETE', `${R}/sessions/ses_0000000000aaaaaaaaaaaaaaaa`, {
        token: u.access_token,
      }),
      404,
    );
    // Someone else's session cannot be ended (and is not revealed).
    const theirs = (await api('GET', `${R}/sessions`, { token: stranger.access_token })).body[0].id;
    expectProblem(await api('DELETE', `${R}/sessions/${theirs}`, { token: u.access_token }), 404);
    expect((await api('GET', `${R}/sessions`, { token: stranger.access_token })).status).toBe(200);
  });

  it('DELETE /auth/sessions revokes every session but the current one', async () => {
    const u = await registerAndLogin();
    const a = await login(u.email, u.password);
    const b = await login(u.email, u.password);
    expect((await api('DELETE', `${R}/sessions`, { token: u.access_token })).status).toBe(204);
    expectProblem(await api('GET', `${R}/sessions`, { token: a.access_token }), 401);
    expectProblem(await api('GET', `${R}/sessions`, { token: b.access_token }), 401);
    const left = await api('GET', `${R}/sessions`, { token: u.access_token });
    expect(left.status).toBe(200);
    expect(left.body).toHaveLength(1);
    expect(left.body[0].current).toBe(true);
  });

  it('admins list and end any user’s sessions; members get 403', async () => {
    const u = await registerAndLogin();
    const admin = await adminToken();
    const path = `${R}/admin/users/${u.id}/sessions`;
    expectProblem(await api('GET', path, { token: u.access_token }), 403);
    expectProblem(await api('DELETE', path, { token: u.access_token }), 403);
    const list = await api('GET', path, { token: admin });
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(1);
    expect((await api('DELETE', path, { token: admin })).status).toBe(204);
    expectProblem(await api('GET', `${R}/sessions`, { token: u.access_token }), 401);
  });
});

describe(`auth: password flows (${process.env.E2E_MODE} mode)`, () => {
  it('change: 204, other sessions signed out, this one kept, old password refused', async () => {
    const u = await registerAndLogin();
    const other = await login(u.email, u.password);
    const next = strongPassword();
    const res = await api('POST', `${R}/password/change`, {
      token: u.access_token,
      body: { current_password: u.password, new_password: next },
    });
    expect(res.status).toBe(204);
    expectProblem(await api('GET', `${R}/sessions`, { token: other.access_token }), 401);
    expect((await api('GET', `${R}/sessions`, { token: u.access_token })).status).toBe(200);
    expectProblem(
      await api('POST', `${R}/login`, { body: { email: u.email, password: u.password } }),
      401,
    );
    await login(u.email, next);
    await waitForMail(u.email, /password was changed/i);
  });

  it('change: a wrong current password or a weak new one is a 400 naming the field', async () => {
    const u = await registerAndLogin();
    const wrong = await api('POST', `${R}/password/change`, {
      token: u.access_token,
      body: { current_password: 'not-my-password', new_password: strongPassword() },
    });
    expectProblem(wrong, 400);
    expect(wrong.body.errors[0].field).toBe('current_password');
    const weak = await api('POST', `${R}/password/change`, {
      token: u.access_token,
      body: { current_password: u.password, new_password: 'password123' },
    });
    expectProblem(weak, 400);
    expect(weak.body.errors[0].field).toBe('new_password');
    expectProblem(
      await api('POST', `${R}/password/change`, {
        body: { current_password: u.password, new_password: strongPassword() },
      }),
      401,
    );
  });

  it('forgot: 202 whatever the email; only a real account gets a mail', async () => {
    const nobody = uniqueEmail('nobody');
    const res = await api('POST', `${R}/password/forgot`, { body: { email: nobody } });
    expect(res.status).toBe(202);
    const u = await register();
    const known = await api('POST', `${R}/password/forgot`, { body: { email: u.email } });
    expect(known.status).toBe(202);
    expect(known.text).toBe(res.text);
    const mail = await waitForMail(u.email, /reset your password/i);
    expect(mail.token).toMatch(/^prt_/);
    expect(mailTo(nobody)).toHaveLength(0);
  });

  it('reset: sets the password, signs out every session, and the token works once', async () => {
    const u = await registerAndLogin();
    await api('POST', `${R}/password/forgot`, { body: { email: u.email } });
    const { token } = await waitForMail(u.email, /reset your password/i);
    const weak = await api('POST', `${R}/password/reset`, {
      body: { token, password: 'qwerty123' },
    });
    expectProblem(weak, 400); // a weak password does not use the token up
    const next = strongPassword();
    const res = await api('POST', `${R}/password/reset`, { body: { token, password: next } });
    expect(res.status).toBe(204);
    expectProblem(await api('GET', `${R}/sessions`, { token: u.access_token }), 401);
    expectProblem(
      await api('POST', `${R}/refresh`, { body: { refresh_token: u.refresh_token } }),
      401,
    );
    const again = await api('POST', `${R}/password/reset`, {
      body: { token, password: strongPassword() },
    });
    expectProblem(again, 400);
    expect(again.body.errors[0].field).toBe('token');
    await login(u.email, next);
    expectProblem(
      await api('POST', `${R}/password/reset`, {
        body: { token: 'prt_' + 'x'.repeat(43), password: strongPassword() },
      }),
      400,
    );
  });

  it('a newer reset mail replaces the older link', async () => {
    const u = await register();
    await api('POST', `${R}/password/forgot`, { body: { email: u.email } });
    const first = await waitForMail(u.email, /reset your password/i);
    await api('POST', `${R}/password/forgot`, { body: { email: u.email } });
    const second = await waitForMail(u.email, /reset your password/i);
    expect(second.token).not.toBe(first.token);
    expectProblem(
      await api('POST', `${R}/password/reset`, {
        body: { token: first.token, password: strongPassword() },
      }),
      400,
    );
    const ok = await api('POST', `${R}/password/reset`, {
      body: { token: second.token, password: strongPassword() },
    });
    expect(ok.status).toBe(204);
  });
});

describe(`auth: email verification (${process.env.E2E_MODE} mode)`, () => {
  it('verifies with the mailed token once; resend mails a fresh link', async () => {
    const u = await registerAndLogin();
    const first = await waitForMail(u.email, /verify your email/i);
    const resend = await api('POST', `${R}/email/resend`, { token: u.access_token });
    expect(resend.status).toBe(202);
    const second = await waitForMail(u.email, /verify your email/i);
    expect(second.token).not.toBe(first.token);
    expectProblem(await api('POST', `${R}/email/verify`, { body: { token: first.token } }), 400);
    const ok = await api('POST', `${R}/email/verify`, { body: { token: second.token } });
    expect(ok.status).toBe(204);
    expectProblem(await api('POST', `${R}/email/verify`, { body: { token: second.token } }), 400);
    // The users part learns it through the outbox: the profile says verified shortly after.
    let verified = false;
    for (let i = 0; i < 100 && !verified; i++) {
      const me = await api('GET', '/api/v1/users/me', { token: u.access_token });
      verified = me.body.email_verified === true;
      if (!verified) await sleep(100);
    }
    expect(verified).toBe(true);
    // Verified: resending is still accepted but sends nothing.
    const count = mailTo(u.email).length;
    expect((await api('POST', `${R}/email/resend`, { token: u.access_token })).status).toBe(202);
    await sleep(500);
    expect(mailTo(u.email)).toHaveLength(count);
    expectProblem(await api('POST', `${R}/email/resend`), 401);
  });
});

describe(`auth: lockout (${process.env.E2E_MODE} mode)`, () => {
  it('locks an account after 5 failures: 429 with Retry-After, even with the right password', async () => {
    const u = await registerAndLogin();
    for (let i = 0; i < 5; i++) {
      const res = await api('POST', `${R}/login`, {
        body: { email: u.email, password: `wrong-${i}-password` },
      });
      expectProblem(res, 401);
    }
    const locked = await api('POST', `${R}/login`, {
      body: { email: u.email, password: u.password },
    });
    expectProblem(locked, 429);
    const retry = Number(locked.headers.get('retry-after'));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(30);
    expect(locked.body.retry_after).toBe(retry);
    const audit = await api('GET', `${R}/audit?limit=100`, { token: u.access_token });
    const types = audit.body.items.map((e: any) => e.type);
    expect(types).toContain('account.locked');
    expect(types.filter((t: string) => t === 'login.failed')).toHaveLength(5);
  });

  it('locks unknown emails the same way, so a lock reveals nothing', async () => {
    const email = uniqueEmail('ghost');
    for (let i = 0; i < 5; i++) {
      expectProblem(
        await api('POST', `${R}/login`, { body: { email, password: `wrong-${i}-password` } }),
        401,
      );
    }
    const locked = await api('POST', `${R}/login`, { body: { email, password: 'whatever1' } });
    expectProblem(locked, 429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe(`auth: audit log (${process.env.E2E_MODE} mode)`, () => {
  it("lists the caller's own security events, newest first, by cursor, without secrets", async () => {
    const u = await registerAndLogin();
    await api('POST', `${R}/login`, { body: { email: u.email, password: 'wrong-password-1' } });
    await login(u.email, u.password);
    const all = await api('GET', `${R}/audit?limit=100`, { token: u.access_token });
    expect(all.status).toBe(200);
    const types = all.body.items.map((e: any) => e.type);
    expect(types).toEqual([
      'login.succeeded',
      'login.failed',
      'login.succeeded',
      'user.registered',
    ]);
    expect(all.body.next_cursor).toBeNull();
    for (const e of all.body.items) {
      expect(Object.keys(e).sort()).toEqual(
        ['created_at', 'id', 'ip', 'request_id', 'session_id', 'type', 'user_agent'].sort(),
      );
    }
    expect(all.text).not.toContain(u.password);
    expect(all.text).not.toContain('wrong-password-1');
    expect(all.text).not.toContain('reason');

    const page1 = await api('GET', `${R}/audit?limit=3`, { token: u.access_token });
    expect(page1.body.items).toHaveLength(3);
    expect(page1.body.next_cursor).toEqual(expect.any(String));
    const page2 = await api(
      'GET',
      `${R}/audit?limit=3&cursor=${encodeURIComponent(page1.body.next_cursor)}`,
      { token: u.access_token },
    );
    expect(page2.body.items.map((e: any) => e.id)).toEqual([all.body.items[3].id]);
    expect(page2.body.next_cursor).toBeNull();

    // Someone else sees only their own events.
    const other = await registerAndLogin();
    const theirs = await api('GET', `${R}/audit`, { token: other.access_token });
    expect(theirs.body.items.map((e: any) => e.type)).toEqual([
      'login.succeeded',
      'user.registered',
    ]);
    expectProblem(await api('GET', `${R}/audit?limit=0`, { token: u.access_token }), 400);
    expectProblem(await api('GET', `${R}/audit?cursor=bogus`, { token: u.access_token }), 400);
    expectProblem(await api('GET', `${R}/audit`), 401);
  });
});

describe(`auth: Swagger (${process.env.E2E_MODE} mode)`, () => {
  it('documents every auth endpoint with example bodies and error responses', async () => {
    const doc = (await api('GET', '/docs-json')).body;
    const ops: [string, string][] = [
      ['/api/v1/auth/register', 'post'],
      ['/api/v1/auth/login', 'post'],
      ['/api/v1/auth/refresh', 'post'],
      ['/api/v1/auth/logout', 'post'],
      ['/api/v1/auth/sessions', 'get'],
      ['/api/v1/auth/sessions', 'delete'],
      ['/api/v1/auth/sessions/{id}', 'delete'],
      ['/api/v1/auth/password/change', 'post'],
      ['/api/v1/auth/password/forgot', 'post'],
      ['/api/v1/auth/password/reset', 'post'],
      ['/api/v1/auth/email/verify', 'post'],
      ['/api/v1/auth/email/resend', 'post'],
      ['/api/v1/auth/audit', 'get'],
    ];
    for (const [path, method] of ops) {
      const op = doc.paths[path]?.[method];
      expect(op).toBeDefined();
      expect(op.summary).toEqual(expect.any(String));
      expect(op.tags).toContain('auth');
      const errors = Object.keys(op.responses).filter((s) => Number(s) >= 400);
      expect(errors.length).toBeGreaterThan(0);
    }
    const schemas = doc.components.schemas;
    expect(schemas.RegisterRequest.properties.email.example).toBe('user@example.com');
    expect(schemas.RegisterRequest.properties.password.example).toBe('SecurePass123!');
    expect(schemas.RegisterRequest.properties.name.example).toBe('John Doe');
    expect(schemas.TokenPairResponse.properties.expires_in.example).toBe(3600);
    expect(doc.paths['/api/v1/auth/sessions'].get.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/api/v1/auth/login'].post.security).toBeUndefined();
  });
});
