import { describe, expect, it } from '@jest/globals';
import { api, expectProblem, uniqueEmail } from '../support/api.js';
import { waitForMail } from '../support/mailbox.js';
import {
  adminToken,
  login,
  register,
  registerAndLogin,
  strongPassword,
} from '../support/session.js';

const R = '/api/v1/auth';

function claimsOf(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

describe(`auth: registration and login (${process.env.E2E_MODE} mode)`, () => {
  it('registers a member with a trimmed, lower-cased email and sends a verification mail', async () => {
    const raw = uniqueEmail('Reg').toUpperCase();
    const password = strongPassword();
    const res = await api('POST', `${R}/register`, {
      body: { email: `  ${raw} `, password, name: 'John Doe' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^usr_[0-9a-z]+$/),
      email: raw.toLowerCase(),
      name: 'John Doe',
      role: 'member',
      email_verified: false,
      created_at: expect.any(String),
    });
    expect(Object.keys(res.body).sort()).toEqual(
      ['created_at', 'email', 'email_verified', 'id', 'name', 'role'].sort(),
    );
    const mail = await waitForMail(raw.toLowerCase(), /verify your email/i);
    expect(mail.token).toMatch(/^evt_/);
    expect(mail.text).not.toContain(password);
  });

  it('refuses a duplicate email with 409, whatever its case', async () => {
    const u = await register();
    const again = await api('POST', `${R}/register`, {
      body: { email: u.email.toUpperCase(), password: strongPassword(), name: 'Other' },
    });
    expectProblem(again, 409);
  });

  it('refuses weak passwords with 400 and errors[] naming the field', async () => {
    const email = uniqueEmail('weak');
    const cases: [string, RegExp][] = [
      ['short1!', /between 8 and 128/],
      ['x'.repeat(129), /between 8 and 128/],
      ['password1', /too common/],
      ['iloveyou', /too common/],
      ['Qwertyuiop', /too common/],
      [email, /same as the email/],
    ];
    for (const [password, message] of cases) {
      const res = await api('POST', `${R}/register`, { body: { email, password, name: 'W' } });
      expectProblem(res, 400);
      expect(res.body.errors).toEqual(
        expect.arrayContaining([{ field: 'password', message: expect.stringMatching(message) }]),
      );
    }
    // 128 characters (multi-byte ones count once) is fine and is not truncated.
    const long = 'é'.repeat(120) + 'Ab3$xyz!';
    const ok = await api('POST', `${R}/register`, { body: { email, password: long, name: 'W' } });
    expect(ok.status).toBe(201);
    const wrong = await api('POST', `${R}/login`, {
      body: { email, password: long.slice(0, 127) },
    });
    expectProblem(wrong, 401);
    await login(email, long);
  });

  it('refuses any field besides email, password and name (no role smuggling)', async () => {
    const res = await api('POST', `${R}/register`, {
      body: { email: uniqueEmail(), password: strongPassword(), name: 'X', role: 'admin' },
    });
    expectProblem(res, 400);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'role' })]),
    );
    const missing = await api('POST', `${R}/register`, { body: { email: uniqueEmail() } });
    expectProblem(missing, 400);
  });

  it('logs in with a bearer token pair; the access token carries the documented claims', async () => {
    const u = await register();
    const res = await api('POST', `${R}/login`, {
      body: { email: `  ${u.email.toUpperCase()}`, password: u.password },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.stringMatching(/^rt_[A-Za-z0-9_-]{43,}$/),
      expires_in: 3600,
      token_type: 'Bearer',
    });
    const header = JSON.parse(
      Buffer.from(res.body.access_token.split('.')[0], 'base64url').toString(),
    );
    expect(header).toEqual({ alg: 'HS256', typ: 'at+jwt' });
    const c = claimsOf(res.body.access_token);
    expect(c).toMatchObject({
      sub: u.id,
      sid: expect.stringMatching(/^ses_/),
      role: 'member',
      typ: 'access',
      iss: expect.any(String),
      aud: expect.any(String),
      aal: 'aal1',
      amr: ['pwd'],
    });
    expect(c.exp - c.iat).toBe(3600);
  });

  it('answers unknown email, wrong password and disabled account with the same 401', async () => {
    const u = await register();
    const unknown = await api('POST', `${R}/login`, {
      body: { email: uniqueEmail('nobody'), password: u.password },
    });
    const wrong = await api('POST', `${R}/login`, {
      body: { email: u.email, password: u.password + 'x' },
    });
    expectProblem(unknown, 401);
    expectProblem(wrong, 401);
    const strip = (b: any) => ({ ...b, request_id: undefined });
    expect(strip(unknown.body)).toEqual(strip(wrong.body));
  });

  it('creates the bootstrap admin from ADMIN_EMAIL / ADMIN_PASSWORD', async () => {
    const token = await adminToken();
    expect(claimsOf(token).role).toBe('admin');
  });
});

describe(`auth: the gateway guard (${process.env.E2E_MODE} mode)`, () => {
  it('protects routes: no token, a bad token or a tampered token get 401 with a Bearer challenge', async () => {
    const u = await registerAndLogin();
    const none = await api('GET', `${R}/sessions`);
    expectProblem(none, 401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const garbage = await api('GET', `${R}/sessions`, { token: 'not-a-jwt' });
    expectProblem(garbage, 401);
    expect(garbage.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    const [h, p, s] = u.access_token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...claimsOf(u.access_token), role: 'admin' }),
    ).toString('base64url');
    expectProblem(await api('GET', `${R}/sessions`, { token: `${h}.${forged}.${s}` }), 401);
    const none256 = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString(
      'base64url',
    );
    expectProblem(await api('GET', `${R}/sessions`, { token: `${none256}.${p}.` }), 401);
    expectProblem(await api('GET', `${R}/sessions`, { token: `${none256}.${p}.${s}` }), 401);
    const ok = await api('GET', `${R}/sessions`, { token: u.access_token });
    expect(ok.status).toBe(200);
  });

  it('never accepts a refresh token as an access token', async () => {
    const u = await registerAndLogin();
    expectProblem(await api('GET', `${R}/sessions`, { token: u.refresh_token }), 401);
  });

  it('logout kills the access token on the very next request', async () => {
    const u = await registerAndLogin();
    expect((await api('GET', `${R}/sessions`, { token: u.access_token })).status).toBe(200);
    const out = await api('POST', `${R}/logout`, { token: u.access_token });
    expect(out.status).toBe(204);
    const after = await api('GET', `${R}/sessions`, { token: u.access_token });
    expectProblem(after, 401);
    expectProblem(
      await api('POST', `${R}/refresh`, { body: { refresh_token: u.refresh_token } }),
      401,
    );
  });
});

describe(`auth: accounts managed by admins (${process.env.E2E_MODE} mode)`, () => {
  it('a disabled or deleted account gets the same 401 as a wrong password', async () => {
    const admin = await adminToken();
    const u = await registerAndLogin({ tag: 'disabled' });
    const wrong = await api('POST', `${R}/login`, {
      body: { email: u.email, password: u.password + 'x' },
    });
    const off = await api('PATCH', `/api/v1/users/${u.id}`, {
      token: admin,
      body: { disabled: true },
    });
    expect(off.status).toBe(200);
    const disabled = await api('POST', `${R}/login`, {
      body: { email: u.email, password: u.password },
    });
    expectProblem(disabled, 401);
    const strip = (b: any) => ({ ...b, request_id: undefined });
    expect(strip(disabled.body)).toEqual(strip(wrong.body));
    expectProblem(
      await api('POST', `${R}/refresh`, { body: { refresh_token: u.refresh_token } }),
      401,
    );

    const d = await registerAndLogin({ tag: 'deleted' });
    expect((await api('DELETE', `/api/v1/users/${d.id}`, { token: admin })).status).toBe(204);
    const deleted = await api('POST', `${R}/login`, {
      body: { email: d.email, password: d.password },
    });
    expectProblem(deleted, 401);
    expect(strip(deleted.body)).toEqual(strip(wrong.body));
  });

  it('an admin-created user sets a password from the invitation mail, once, and signs in', async () => {
    const admin = await adminToken();
    const email = uniqueEmail('invitee');
    const created = await api('POST', '/api/v1/users', {
      token: admin,
      body: { email, name: 'Invited User' },
    });
    expect(created.status).toBe(201);
    // No password yet: signing in fails like any wrong password.
    expectProblem(
      await api('POST', `${R}/login`, { body: { email, password: 'anything-at-all' } }),
      401,
    );
    const mail = await waitForMail(email, /invited/i);
    expect(mail.token).toMatch(/^ivt_/);
    const password = strongPassword();
    const set = await api('POST', `${R}/password/reset`, {
      body: { token: mail.token, password },
    });
    expect(set.status).toBe(204);
    const tokens = await login(email, password);
    expect(claimsOf(tokens.access_token).sub).toBe(created.body.id);
    expectProblem(
      await api('POST', `${R}/password/reset`, {
        body: { token: mail.token, password: strongPassword() },
      }),
      400,
    );
  });
});
