import { describe, expect, it } from '@jest/globals';
import { api, expectProblem } from '../support/api.js';
import { Authenticator, enrolTotp } from '../support/authenticator.js';
import { waitForMail } from '../support/mailbox.js';
import { login, registerAndLogin, type SignedInUser } from '../support/session.js';

const R = '/api/v1/auth';

function claims(jwt: string): Record<string, any> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}

/** A signed-in user (aal1 session) with TOTP activated. */
async function userWithMfa(): Promise<{
  u: SignedInUser;
  auth: Authenticator;
  recovery: string[];
}> {
  const u = await registerAndLogin({ tag: 'mfa' });
  return { u, ...(await enrolTotp(u.token)) };
}

async function challenge(u: SignedInUser): Promise<string> {
  const res = await api('POST', `${R}/login`, { body: { email: u.email, password: u.password } });
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ mfa_required: true, mfa_token: expect.any(String), expires_in: 300 });
  return res.body.mfa_token;
}

describe(`auth: two-factor authentication (${process.env.E2E_MODE} mode)`, () => {
  it('sets up, activates, and then signs in with password plus code at aal2', async () => {
    const u = await registerAndLogin({ tag: 'mfa' });
    expect(claims(u.access_token)).toMatchObject({ aal: 'aal1', acr: 'aal1', amr: ['pwd'] });

    expectProblem(await api('POST', `${R}/mfa/totp/setup`), 401);
    const first = await api('POST', `${R}/mfa/totp/setup`, { token: u.token });
    expect(first.status).toBe(200);
    // Setup again replaces the pending factor.
    const setup = await api('POST', `${R}/mfa/totp/setup`, { token: u.token });
    expect(setup.status).toBe(200);
    expect(setup.body.secret).toMatch(/^[A-Z2-7]+=*$/);
    expect(setup.body.secret).not.toBe(first.body.secret);
    expect(setup.body.otpauth_url).toMatch(/^otpauth:\/\/totp\/.+secret=[A-Z2-7]+/);
    expect(setup.body.otpauth_url).toContain(encodeURIComponent(u.email));
    expect(setup.body.qr_code).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);

    // Pending: sign-in is unchanged.
    const pending = await login(u.email, u.password);
    expect(pending.access_token).toEqual(expect.any(String));
    expect((await api('GET', `${R}/mfa`, { token: u.token })).body).toEqual({
      totp_enabled: false,
      recovery_codes_remaining: 0,
    });

    // A code of the replaced secret, or a wrong one, does not activate.
    const old = new Authenticator(first.body.secret);
    expectProblem(
      await api('POST', `${R}/mfa/totp/activate`, {
        token: u.token,
        body: { code: await old.code() },
      }),
      400,
    );
    expectProblem(
      await api('POST', `${R}/mfa/totp/activate`, { token: u.token, body: { code: '12ab56' } }),
      400,
    );

    const auth = new Authenticator(setup.body.secret);
    const act = await api('POST', `${R}/mfa/totp/activate`, {
      token: u.token,
      body: { code: await auth.code() },
    });
    expect(act.status).toBe(200);
    expect(act.body.recovery_codes).toHaveLength(10);
    expect(new Set(act.body.recovery_codes).size).toBe(10);
    await waitForMail(u.email, /two-factor authentication is on/i);
    expectProblem(await api('POST', `${R}/mfa/totp/setup`, { token: u.token }), 409);

    // Password alone gives no tokens any more.
    const mfaToken = await challenge(u);
    const ok = await api('POST', `${R}/mfa/verify`, {
      body: { mfa_token: mfaToken, code: await auth.code() },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      expires_in: expect.any(Number),
      token_type: 'Bearer',
    });
    expect(claims(ok.body.access_token)).toMatchObject({
      sub: u.id,
      aal: 'aal2',
      acr: 'aal2',
      amr: ['pwd', 'otp'],
    });
    const me = await api('GET', `${R}/mfa`, { token: ok.body.access_token });
    expect(me.body).toEqual({ totp_enabled: true, recovery_codes_remaining: 10 });

    // The level survives a refresh.
    const refreshed = await api('POST', `${R}/refresh`, {
      body: { refresh_token: ok.body.refresh_token },
    });
    expect(refreshed.status).toBe(200);
    expect(claims(refreshed.body.access_token)).toMatchObject({ aal: 'aal2', amr: ['pwd', 'otp'] });

    // The mfa_token is single use.
    const again = await api('POST', `${R}/mfa/verify`, {
      body: { mfa_token: mfaToken, code: await auth.code() },
    });
    expectProblem(again, 401);
    expect(again.body.type).toMatch(/invalid-mfa-token$/);
    expectProblem(
      await api('POST', `${R}/mfa/verify`, { body: { mfa_token: 'mfa_nope', code: '123456' } }),
      401,
    );

    const audit = await api('GET', `${R}/audit?limit=50`, { token: ok.body.access_token });
    const types = audit.body.items.map((e: any) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['mfa.totp_setup', 'mfa.totp_activated', 'mfa.verify_succeeded']),
    );
  });

  it('accepts a code once: the same code again is refused, the next step is accepted', async () => {
    const { u, auth } = await userWithMfa();
    const code = await auth.code();
    const t1 = await challenge(u);
    expect((await api('POST', `${R}/mfa/verify`, { body: { mfa_token: t1, code } })).status).toBe(
      200,
    );

    const t2 = await challenge(u);
    const replay = await api('POST', `${R}/mfa/verify`, { body: { mfa_token: t2, code } });
    expectProblem(replay, 401);
    expect(replay.body.type).toMatch(/invalid-mfa-code$/);
    // The code used at activation is refused too (same or earlier step).
    const ok = await api('POST', `${R}/mfa/verify`, {
      body: { mfa_token: t2, code: await auth.code() },
    });
    expect(ok.status).toBe(200);
    const audit = await api('GET', `${R}/audit?limit=50`, { token: ok.body.access_token });
    expect(audit.body.items.map((e: any) => e.type)).toContain('mfa.verify_failed');
  });

  it('accepts each recovery code exactly once', async () => {
    const { u, auth, recovery } = await userWithMfa();
    const t1 = await challenge(u);
    // Typed in upper case with spaces: still the same code.
    const typed = ` ${recovery[3].toUpperCase()} `;
    const ok = await api('POST', `${R}/mfa/verify`, {
      body: { mfa_token: t1, recovery_code: typed },
    });
    expect(ok.status).toBe(200);
    expect(claims(ok.body.access_token)).toMatchObject({ aal: 'aal2', amr: ['pwd', 'rc'] });
    expect((await api('GET', `${R}/mfa`, { token: ok.body.access_token })).body).toEqual({
      totp_enabled: true,
      recovery_codes_remaining: 9,
    });

    const t2 = await challenge(u);
    const replay = await api('POST', `${R}/mfa/verify`, {
      body: { mfa_token: t2, recovery_code: recovery[3] },
    });
    expectProblem(replay, 401);
    expect(replay.body.type).toMatch(/invalid-mfa-code$/);
    expect(
      (
        await api('POST', `${R}/mfa/verify`, {
          body: { mfa_token: t2, recovery_code: recovery[4] },
        })
      ).status,
    ).toBe(200);
    const audit = await api('GET', `${R}/audit?limit=50`, { token: ok.body.access_token });
    expect(audit.body.items.map((e: any) => e.type)).toContain('mfa.recovery_code_used');

    // The data export shows the factor and which codes were used, never the secrets.
    const exported = await api('GET', '/api/v1/users/me/export', { token: ok.body.access_token });
    expect(exported.status).toBe(200);
    const mfa = exported.body.auth.mfa;
    expect(mfa.totp).toEqual({
      status: 'active',
      created_at: expect.any(String),
      activated_at: expect.any(String),
    });
    expect(mfa.recovery_codes).toHaveLength(10);
    expect(mfa.recovery_codes.filter((c: any) => c.used_at !== null)).toHaveLength(2);
    const text = JSON.stringify(exported.body);
    for (const code of recovery) expect(text).not.toContain(code);
    expect(text).not.toContain(auth.secret);
    expect(text).not.toMatch(/secret_enc|v1\.[\w-]+\.[\w-]+\./);
  });

  it('kills the mfa_token after five wrong codes', async () => {
    const { u, auth } = await userWithMfa();
    const t = await challenge(u);
    for (let i = 1; i <= 4; i++) {
      const res = await api('POST', `${R}/mfa/verify`, { body: { mfa_token: t, code: '000000' } });
      expectProblem(res, 401);
      expect(res.body.type).toMatch(/invalid-mfa-code$/);
      expect(res.body.attempts_remaining).toBe(5 - i);
    }
    const fifth = await api('POST', `${R}/mfa/verify`, {
      body: { mfa_token: t, recovery_code: 'aaaaa-bbbbb' },
    });
    expectProblem(fifth, 401);
    expect(fifth.body.type).toMatch(/invalid-mfa-token$/);
    // Even the right code no longer works with that token...
    const right = await auth.code();
    const dead = await api('POST', `${R}/mfa/verify`, { body: { mfa_token: t, code: right } });
    expectProblem(dead, 401);
    expect(dead.body.type).toMatch(/invalid-mfa-token$/);
    // ...but it was not consumed: a new sign-in accepts it.
    const t2 = await challenge(u);
    expect(
      (await api('POST', `${R}/mfa/verify`, { body: { mfa_token: t2, code: right } })).status,
    ).toBe(200);
  });

  it('limits codes per user across mfa_tokens: 20 tries per 15 minutes, then 429', async () => {
    const { u, auth } = await userWithMfa();
    // Four wrong codes on each of five tokens (a fifth would end the token): 20 tries in all.
    for (let n = 0; n < 5; n++) {
      const t = await challenge(u);
      for (let i = 0; i < 4; i++) {
        const res = await api('POST', `${R}/mfa/verify`, {
          body: { mfa_token: t, code: '000000' },
        });
        expect(res.status).toBe(401);
      }
    }
    // A fresh token with the right code is still refused: the budget belongs to the user.
    const t = await challenge(u);
    const limited = await api('POST', `${R}/mfa/verify`, {
      body: { mfa_token: t, code: await auth.code() },
    });
    expectProblem(limited, 429);
    expect(limited.body.type).toMatch(/too-many-attempts$/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('needs re-authentication to regenerate recovery codes or disable', async () => {
    const { u, auth, recovery } = await userWithMfa();
    // u.token is the aal1 session opened before activation.
    for (const path of ['recovery-codes/regenerate', 'totp/disable']) {
      const bare = await api('POST', `${R}/mfa/${path}`, { token: u.token, body: {} });
      expectProblem(bare, 403);
      expect(bare.body.type).toBe('https://platform.dev/problems/reauthentication-required');
      const wrong = await api('POST', `${R}/mfa/${path}`, {
        token: u.token,
        body: { password: 'not-the-password' },
      });
      expectProblem(wrong, 403);
      expect(wrong.body.type).toMatch(/reauthentication-required$/);
      const badCode = await api('POST', `${R}/mfa/${path}`, {
        token: u.token,
        body: { code: '000000' },
      });
      expectProblem(badCode, 403);
    }

    // With the password.
    const regen = await api('POST', `${R}/mfa/recovery-codes/regenerate`, {
      token: u.token,
      body: { password: u.password },
    });
    expect(regen.status).toBe(200);
    expect(regen.body.recovery_codes).toHaveLength(10);
    // The old codes are gone.
    const t = await challenge(u);
    expectProblem(
      await api('POST', `${R}/mfa/verify`, { body: { mfa_token: t, recovery_code: recovery[0] } }),
      401,
    );
    // With an aal2 session nothing else is needed.
    const aal2 = await api('POST', `${R}/mfa/verify`, {
      body: { mfa_token: t, recovery_code: regen.body.recovery_codes[0] },
    });
    expect(aal2.status).toBe(200);
    const regen2 = await api('POST', `${R}/mfa/recovery-codes/regenerate`, {
      token: aal2.body.access_token,
    });
    expect(regen2.status).toBe(200);

    // Disable from the aal1 session with a TOTP code.
    const off = await api('POST', `${R}/mfa/totp/disable`, {
      token: u.token,
      body: { code: await auth.code() },
    });
    expect(off.status).toBe(204);
    await waitForMail(u.email, /two-factor authentication was turned off/i);
    const plain = await login(u.email, u.password);
    expect(claims(plain.access_token)).toMatchObject({ aal: 'aal1', amr: ['pwd'] });
    const audit = await api('GET', `${R}/audit?limit=50`, { token: plain.access_token });
    expect(audit.body.items.map((e: any) => e.type)).toEqual(
      expect.arrayContaining(['mfa.recovery_codes_regenerated', 'mfa.totp_disabled']),
    );
  });

  it('disables with an aal2 session alone', async () => {
    const { u, auth } = await userWithMfa();
    const t = await challenge(u);
    const s = await api('POST', `${R}/mfa/verify`, {
      body: { mfa_token: t, code: await auth.code() },
    });
    expect(s.status).toBe(200);
    const off = await api('POST', `${R}/mfa/totp/disable`, {
      token: s.body.access_token,
      body: {},
    });
    expect(off.status).toBe(204);
    expectProblem(
      await api('POST', `${R}/mfa/totp/disable`, { token: s.body.access_token, body: {} }),
      409,
    );
  });
});

describe(`auth: two-factor authentication in Swagger (${process.env.E2E_MODE} mode)`, () => {
  it('documents every MFA endpoint with its request, answer and errors', async () => {
    const doc = (await api('GET', '/docs-json')).body;
    const ops: [string, string, string, string | null][] = [
      ['/mfa', 'get', '200', null],
      ['/mfa/totp/setup', 'post', '200', null],
      ['/mfa/totp/activate', 'post', '200', 'code'],
      ['/mfa/verify', 'post', '200', 'mfa_token'],
      ['/mfa/recovery-codes/regenerate', 'post', '200', 'password'],
      ['/mfa/totp/disable', 'post', '204', 'code'],
    ];
    for (const [path, method, ok, field] of ops) {
      const op = doc.paths[`${R}${path}`]?.[method];
      expect([path, op?.tags]).toEqual([path, expect.arrayContaining(['auth'])]);
      expect([path, Object.keys(op.responses)]).toEqual([path, expect.arrayContaining([ok])]);
      const errors = Object.keys(op.responses).filter((s) => Number(s) >= 400 && s !== '429');
      expect([path, errors.length > 0]).toEqual([path, true]);
      if (field) {
        const ref: string = op.requestBody.content['application/json'].schema.$ref;
        const schema = doc.components.schemas[ref.split('/').pop()!];
        expect([path, Object.keys(schema.properties)]).toEqual([
          path,
          expect.arrayContaining([field]),
        ]);
      }
    }
    // verify is reached without an access token: the mfa_token in the body is the credential.
    expect(doc.paths[`${R}/mfa/verify`].post.security).toBeUndefined();
    expect(doc.paths[`${R}/mfa/totp/setup`].post.security).toEqual([{ bearer: [] }]);
  });
});
