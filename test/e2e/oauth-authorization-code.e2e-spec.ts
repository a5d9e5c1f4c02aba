/**
 * The authorization code grant end to end (RFC 6749 §4.1, PKCE RFC 7636, OIDC ID tokens):
 * the sign-in and consent pages over HTTP, the errors sent back to the client and those that
 * never redirect, PKCE failures, single-use codes whose replay revokes what they gave, the
 * user's real session behind the tokens, refresh rotation and reuse, and revocation.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { api, expectProblem } from '../support/api.js';
import { enrolTotp } from '../support/authenticator.js';
import {
  authorize,
  claimsOf,
  clientPost,
  codeFlow,
  exchange,
  expectOAuthError,
  FormBrowser,
  pkce,
  registerClient,
  type RegisteredClient,
} from '../support/oauth.js';
import { registerAndLogin, type SignedInUser } from '../support/session.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The e2e harness runs with REFRESH_REUSE_GRACE_S=3. */
const GRACE_MS = 3000;
const REDIRECT = 'https://app.example.com/callback';

let web: RegisteredClient; // confidential, with refresh tokens
let spa: RegisteredClient; // public: PKCE required
let user: SignedInUser;

const sessionsOf = async (u: SignedInUser) =>
  (await api('GET', '/api/v1/auth/sessions', { token: u.token })).body as any[];

beforeAll(async () => {
  web = await registerClient({ name: 'Web <app>', redirect_uris: [REDIRECT] });
  spa = await registerClient({
    name: 'SPA',
    type: 'public',
    redirect_uris: ['http://127.0.0.1:8765/callback'],
  });
  user = await registerAndLogin({ tag: 'oauth-user', name: 'Ada Lovelace' });
});

describe(`oauth: authorization code grant (${process.env.E2E_MODE} mode)`, () => {
  it('signs in, asks consent, redirects with code and state, and exchanges it (OIDC)', async () => {
    const { verifier, challenge } = pkce();
    const params = await authorize({
      client: web,
      user,
      scope: 'openid profile email',
      state: 'state-123',
      nonce: 'nonce-456',
      challenge,
    });
    expect(params.get('state')).toBe('state-123');
    expect(params.get('iss')).toBe('platform');
    const code = params.get('code')!;
    expect(code).toMatch(/^ac_/);

    const res = await exchange(web, code, { redirect_uri: REDIRECT, code_verifier: verifier });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 3600,
      refresh_token: expect.stringMatching(/^rt_/),
      scope: 'openid profile email',
      id_token: expect.any(String),
    });
    const at = claimsOf(res.body.access_token);
    expect(at).toMatchObject({
      sub: user.id,
      client_id: web.client_id,
      scope: 'openid profile email',
      sid: expect.stringMatching(/^ses_/),
      aal: 'aal1',
      amr: ['pwd'],
      jti: expect.any(String),
    });
    const id = claimsOf(res.body.id_token);
    expect(id).toMatchObject({
      iss: 'platform',
      sub: user.id,
      aud: web.client_id,
      azp: web.client_id,
      nonce: 'nonce-456',
      acr: 'aal1',
      amr: ['pwd'],
      email: user.email,
      email_verified: false,
      name: 'Ada Lovelace',
      auth_time: expect.any(Number),
    });
    expect(id.exp).toBeGreaterThan(id.iat);
    expect(
      JSON.parse(Buffer.from(res.body.id_token.split('.')[0], 'base64url').toString()).typ,
    ).toBe('JWT');

    // A real session of the user, listed with their others and bound to the client.
    const mine = (await sessionsOf(user)).find((s) => s.id === at.sid);
    expect(mine).toMatchObject({ client_id: web.client_id, current: false });
    // The token reads the profile (scope profile) but reaches nothing else.
    const me = await api('GET', '/api/v1/users/me', { token: res.body.access_token });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(user.id);
    const other = await api('GET', '/api/v1/auth/sessions', { token: res.body.access_token });
    expectProblem(other, 403);
    expect(other.headers.get('www-authenticate')).toMatch(/insufficient_scope/);

    // The user ends that session from their list: the client's tokens stop at once.
    expect(
      (await api('DELETE', `/api/v1/auth/sessions/${at.sid}`, { token: user.token })).status,
    ).toBe(204);
    expectProblem(await api('GET', '/api/v1/users/me', { token: res.body.access_token }), 401);
    expectOAuthError(
      await clientPost('token', web, {
        grant_type: 'refresh_token',
        refresh_token: res.body.refresh_token,
      }),
      400,
      'invalid_grant',
    );
  });

  it('a token without the profile scope cannot read the profile', async () => {
    const { res } = await codeFlow({ client: web, user, scope: 'openid' });
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('openid');
    const me = await api('GET', '/api/v1/users/me', { token: res.body.access_token });
    expectProblem(me, 403);
    expect(me.headers.get('www-authenticate')).toMatch(/scope="profile"/);
  });

  it('sends errors back to the client with state, once client and redirect URI are trusted', async () => {
    const restricted = await registerClient({
      grant_types: ['client_credentials'],
      redirect_uris: [REDIRECT],
    });
    const b = new FormBrowser();
    const base = { response_type: 'code', redirect_uri: REDIRECT, state: 's1' };
    const cases: [Record<string, string>, string][] = [
      [{ ...base, client_id: web.client_id, response_type: 'token' }, 'unsupported_response_type'],
      [{ ...base, client_id: web.client_id, response_type: '' }, 'invalid_request'],
      [{ ...base, client_id: web.client_id, scope: 'openid admin' }, 'invalid_scope'],
      [{ ...base, client_id: web.client_id, prompt: 'none' }, 'login_required'],
      [{ ...base, client_id: restricted.client_id }, 'unauthorized_client'],
    ];
    for (const [query, error] of cases) {
      const page = await b.open(query);
      expect([error, page.status]).toEqual([error, 302]);
      const back = new URL(page.location!);
      expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
      expect(back.searchParams.get('error')).toBe(error);
      expect(back.searchParams.get('state')).toBe('s1');
      expect(back.searchParams.get('error_description')).toEqual(expect.any(String));
    }
  });

  it('never redirects to an unregistered URI or for an unknown client: an error page', async () => {
    const b = new FormBrowser();
    for (const query of [
      { client_id: web.client_id, redirect_uri: 'https://evil.example.com/callback' },
      { client_id: web.client_id, redirect_uri: `${REDIRECT}/` },
      { client_id: web.client_id, redirect_uri: `${REDIRECT}?x=1` },
      { client_id: 'cli_00000000000000000000', redirect_uri: REDIRECT },
      { redirect_uri: REDIRECT },
    ]) {
      const page = await b.open({ response_type: 'code', state: 's', ...query });
      expect([query, page.status, page.location]).toEqual([query, 400, null]);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.html).not.toContain('evil.example.com');
      expect(page.headers.get('content-security-policy')).toMatch(/form-action 'none'/);
    }
    // Without redirect_uri, the only registered one is used.
    const ok = await b.open({ response_type: 'code', client_id: web.client_id });
    expect(ok.status).toBe(200);
  });

  it('requires PKCE S256 for public clients and refuses plain', async () => {
    const b = new FormBrowser();
    const base = {
      response_type: 'code',
      client_id: spa.client_id,
      redirect_uri: spa.redirect_uris[0],
      state: 'p',
    };
    const { challenge } = pkce();
    for (const query of [
      base,
      { ...base, code_challenge: challenge, code_challenge_method: 'plain' },
      { ...base, code_challenge: challenge },
      { ...base, code_challenge_method: 'S256' },
      { ...base, code_challenge: 'too-short', code_challenge_method: 'S256' },
    ]) {
      const page = await b.open(query);
      expect(page.status).toBe(302);
      const back = new URL(page.location!).searchParams;
      expect([query, back.get('error'), back.get('state')]).toEqual([
        query,
        'invalid_request',
        'p',
      ]);
    }
  });

  it('refuses a wrong or missing code_verifier, and a verifier without challenge', async () => {
    const { verifier, challenge } = pkce();
    const wrong = await codeFlow({ client: spa, user, challenge, verifier: pkce().verifier });
    expectOAuthError(wrong.res, 400, 'invalid_grant');
    expect(wrong.res.body.error_description).toMatch(/code_verifier/);
    // The failed attempt burnt the code: the right verifier is now too late.
    expectOAuthError(
      await exchange(spa, wrong.code, {
        redirect_uri: spa.redirect_uris[0],
        code_verifier: verifier,
      }),
      400,
      'invalid_grant',
    );
    const missing = await codeFlow({ client: spa, user, challenge: pkce().challenge });
    expectOAuthError(missing.res, 400, 'invalid_grant');
    // A confidential client that sent no challenge cannot add a verifier later (downgrade).
    const downgrade = await codeFlow({ client: web, user, verifier: pkce().verifier });
    expectOAuthError(downgrade.res, 400, 'invalid_grant');
    // A public client with the right verifier succeeds, without a secret.
    const good = pkce();
    const ok = await codeFlow({
      client: spa,
      user,
      challenge: good.challenge,
      verifier: good.verifier,
    });
    expect(ok.res.status).toBe(200);
  });

  it('binds the code to its client and redirect URI', async () => {
    const other = await registerClient({ redirect_uris: [REDIRECT] });
    const stolen = (await authorize({ client: web, user })).get('code')!;
    expectOAuthError(
      await exchange(other, stolen, { redirect_uri: REDIRECT }),
      400,
      'invalid_grant',
    );
    const code = (await authorize({ client: web, user })).get('code')!;
    expectOAuthError(
      await exchange(web, code, { redirect_uri: 'https://app.example.com/other' }),
      400,
      'invalid_grant',
    );
    const noRedirect = (await authorize({ client: web, user })).get('code')!;
    expectOAuthError(await exchange(web, noRedirect), 400, 'invalid_grant');
    // A public client is not authenticated by a secret it does not have.
    expectOAuthError(
      await clientPost(
        'token',
        { ...spa, client_secret: 'cs_guess' },
        {
          grant_type: 'authorization_code',
          code: 'ac_x',
        },
      ),
      401,
      'invalid_client',
    );
  });

  it('a code used twice fails and revokes the tokens of its first use', async () => {
    const { code, res: first } = await codeFlow({ client: web, user, scope: 'openid profile' });
    expect(first.status).toBe(200);
    const sid = claimsOf(first.body.access_token).sid;
    expect((await api('GET', '/api/v1/users/me', { token: first.body.access_token })).status).toBe(
      200,
    );
    const again = await exchange(web, code, { redirect_uri: REDIRECT });
    expectOAuthError(again, 400, 'invalid_grant');
    expectProblem(await api('GET', '/api/v1/users/me', { token: first.body.access_token }), 401);
    expectOAuthError(
      await clientPost('token', web, {
        grant_type: 'refresh_token',
        refresh_token: first.body.refresh_token,
      }),
      400,
      'invalid_grant',
    );
    expect((await clientPost('introspect', web, { token: first.body.access_token })).body).toEqual({
      active: false,
    });
    expect((await sessionsOf(user)).map((s) => s.id)).not.toContain(sid);
  });

  it('rotates refresh tokens with the reuse rules of first-party sessions', async () => {
    const { res } = await codeFlow({ client: web, user, scope: 'openid profile' });
    const refresh = (refresh_token: string, extra: Record<string, string> = {}) =>
      clientPost('token', web, { grant_type: 'refresh_token', refresh_token, ...extra });
    const r1 = await refresh(res.body.refresh_token);
    expect(r1.status).toBe(200);
    expect(r1.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 3600,
      refresh_token: expect.stringMatching(/^rt_/),
      scope: 'openid profile',
    });
    expect(r1.body.refresh_token).not.toBe(res.body.refresh_token);
    expect(claimsOf(r1.body.access_token)).toMatchObject({
      client_id: web.client_id,
      scope: 'openid profile',
      sid: claimsOf(res.body.access_token).sid,
    });
    // Within the grace window the same successor pair comes back (two tabs).
    const replay = await refresh(res.body.refresh_token);
    expect(replay.status).toBe(200);
    expect(replay.body.refresh_token).toBe(r1.body.refresh_token);
    // Fewer scopes may be asked for, never more.
    const narrow = await refresh(r1.body.refresh_token, { scope: 'openid' });
    expect(narrow.status).toBe(200);
    expect(narrow.body.scope).toBe('openid');
    expect(claimsOf(narrow.body.access_token).scope).toBe('openid');
    expectOAuthError(
      await refresh(narrow.body.refresh_token, { scope: 'openid email' }),
      400,
      'invalid_scope',
    );

    // After the window, the retired token is theft: the whole session is revoked.
    await sleep(GRACE_MS + 1000);
    expectOAuthError(await refresh(res.body.refresh_token), 400, 'invalid_grant');
    expectProblem(await api('GET', '/api/v1/users/me', { token: narrow.body.access_token }), 401);
    expectOAuthError(await refresh(narrow.body.refresh_token), 400, 'invalid_grant');
  });

  it('keeps first-party and client refresh tokens apart', async () => {
    const { res } = await codeFlow({ client: web, user, scope: 'openid' });
    expectProblem(
      await api('POST', '/api/v1/auth/refresh', {
        body: { refresh_token: res.body.refresh_token },
      }),
      401,
    );
    const other = await registerClient({ redirect_uris: [REDIRECT] });
    expectOAuthError(
      await clientPost('token', other, {
        grant_type: 'refresh_token',
        refresh_token: res.body.refresh_token,
      }),
      400,
      'invalid_grant',
    );
    const firstParty = await registerAndLogin({ tag: 'oauth-fp' });
    expectOAuthError(
      await clientPost('token', web, {
        grant_type: 'refresh_token',
        refresh_token: firstParty.refresh_token,
      }),
      400,
      'invalid_grant',
    );
    // None of those attempts harmed the client's session.
    const ok = await clientPost('token', web, {
      grant_type: 'refresh_token',
      refresh_token: res.body.refresh_token,
    });
    expect(ok.status).toBe(200);
  });

  it('revokes: a refresh token ends the grant, an access token only itself', async () => {
    const { res } = await codeFlow({ client: web, user, scope: 'openid profile' });
    const introspect = (token: string) => clientPost('introspect', web, { token });
    expect((await introspect(res.body.refresh_token)).body).toMatchObject({
      active: true,
      token_type: 'refresh_token',
      client_id: web.client_id,
      sub: user.id,
      scope: 'openid profile',
    });
    expect((await introspect(res.body.access_token)).body).toMatchObject({
      active: true,
      client_id: web.client_id,
      sub: user.id,
      scope: 'openid profile',
      sid: claimsOf(res.body.access_token).sid,
    });
    // Access token: refused from now on; the session and its refresh token remain.
    expect((await clientPost('revoke', web, { token: res.body.access_token })).status).toBe(200);
    expectProblem(await api('GET', '/api/v1/users/me', { token: res.body.access_token }), 401);
    expect((await introspect(res.body.access_token)).body).toEqual({ active: false });
    const next = await clientPost('token', web, {
      grant_type: 'refresh_token',
      refresh_token: res.body.refresh_token,
    });
    expect(next.status).toBe(200);
    expect((await api('GET', '/api/v1/users/me', { token: next.body.access_token })).status).toBe(
      200,
    );
    // Refresh token: the session ends, with every token of it.
    expect(
      (
        await clientPost('revoke', web, {
          token: next.body.refresh_token,
          token_type_hint: 'refresh_token',
        })
      ).status,
    ).toBe(200);
    expectProblem(await api('GET', '/api/v1/users/me', { token: next.body.access_token }), 401);
    expect((await introspect(next.body.refresh_token)).body).toEqual({ active: false });
    expect((await introspect(next.body.access_token)).body).toEqual({ active: false });
    // Another client cannot introspect or revoke this client's refresh token.
    const { res: fresh } = await codeFlow({ client: web, user, scope: 'openid' });
    const other = await registerClient({ redirect_uris: [REDIRECT] });
    expect(
      (await clientPost('introspect', other, { token: fresh.body.refresh_token })).body,
    ).toEqual({
      active: false,
    });
    expectOAuthError(
      await clientPost('revoke', other, { token: fresh.body.refresh_token }),
      400,
      'unauthorized_client',
    );
  });

  it('lets the user deny: access_denied goes back with the state', async () => {
    const b = new FormBrowser();
    let page = await b.open({ response_type: 'code', client_id: web.client_id, state: 'd1' });
    page = await b.submit(page, { email: user.email, password: user.password });
    expect(page.fields.step).toBe('consent');
    expect(page.html).toContain('Web &lt;app&gt;');
    page = await b.submit(page, { decision: 'deny' });
    expect(page.status).toBe(302);
    const back = new URL(page.location!).searchParams;
    expect(back.get('error')).toBe('access_denied');
    expect(back.get('state')).toBe('d1');
    expect(back.get('code')).toBeNull();
  });

  it('protects the forms: wrong password, forged CSRF token, another browser, replay', async () => {
    const b = new FormBrowser();
    const start = await b.open({ response_type: 'code', client_id: web.client_id });
    expect(start.headers.get('content-security-policy')).toMatch(
      /form-action 'self' https:\/\/app\.example\.com;.*frame-ancestors 'none'/,
    );
    expect(start.headers.get('x-frame-options')).toBe('DENY');
    expect(start.headers.get('cache-control')).toBe('no-store');

    const wrong = await b.submit(start, { email: user.email, password: 'Wrong-password-1' });
    expect(wrong.status).toBe(401);
    expect(wrong.html).toContain('The email or password is incorrect.');
    expect(wrong.fields.step).toBe('login');
    expect(wrong.fields.csrf).not.toBe(start.fields.csrf);

    // The previous page's form cannot be posted again (one use per page).
    const replayed = await b.submit(start, { email: user.email, password: user.password });
    expect(replayed.status).toBe(403);

    const forged = new FormBrowser();
    const page = await forged.open({ response_type: 'code', client_id: web.client_id });
    const tampered = await forged.submit(
      { ...page, fields: { ...page.fields, csrf: 'x'.repeat(43) } },
      { email: user.email, password: user.password },
    );
    expect(tampered.status).toBe(403);
    expect(tampered.location).toBeNull();

    // Someone else's request, posted from this browser (login CSRF): refused.
    const victim = new FormBrowser();
    const attacker = new FormBrowser();
    const theirs = await attacker.open({ response_type: 'code', client_id: web.client_id });
    await victim.open({ response_type: 'code', client_id: web.client_id });
    const crossed = await victim.submit(theirs, { email: user.email, password: user.password });
    expect(crossed.status).toBe(403);
    expect(crossed.fields.step).toBeUndefined();
  });

  it('asks the second factor of a user with MFA, and the tokens say aal2', async () => {
    const u = await registerAndLogin({ tag: 'oauth-mfa' });
    const { auth } = await enrolTotp(u.token);
    const b = new FormBrowser();
    let page = await b.open({ response_type: 'code', client_id: web.client_id, scope: 'openid' });
    page = await b.submit(page, { email: u.email, password: u.password });
    expect(page.fields.step).toBe('mfa');
    const wrong = await b.submit(page, { code: '000000' });
    expect(wrong.status).toBe(401);
    expect(wrong.html).toMatch(/attempts left/);
    page = await b.submit(wrong, { code: await auth.code() });
    expect(page.fields.step).toBe('consent');
    page = await b.submit(page, { decision: 'allow' });
    const code = new URL(page.location!).searchParams.get('code')!;
    const res = await exchange(web, code, { redirect_uri: REDIRECT });
    expect(res.status).toBe(200);
    expect(claimsOf(res.body.access_token)).toMatchObject({ aal: 'aal2', amr: ['pwd', 'otp'] });
    expect(claimsOf(res.body.id_token)).toMatchObject({ acr: 'aal2', amr: ['pwd', 'otp'] });
  });
});
