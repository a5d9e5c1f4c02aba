/**
 * Social sign-in against real providers on 127.0.0.1, started by the global setup: an OpenID
 * Connect issuer `acme` (oauth2-mock-server: discovery, JWKS, RS256 id_tokens, PKCE) and a
 * GitHub stand-in (test/support/fake-github.ts). The test plays the browser: it follows the
 * redirects itself, keeps the cookies, and picks who signs in at the provider (`login_as`).
 */
import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { generate } from 'otplib';
import { api, expectProblem, uniqueEmail, type ApiResponse } from '../support/api.js';
import { encodeLogin, LOGIN_AS, type FakeLogin } from '../support/fake-oidc.js';
import { waitForMail } from '../support/mailbox.js';
import { login, register, registerAndLogin } from '../support/session.js';

const R = '/api/v1/auth';
const FRONTEND = process.env.E2E_FRONTEND_URL!;

function claims(jwt: string): Record<string, any> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}

const subject = () => `sub-${randomBytes(6).toString('hex')}`;

/** A browser: its own cookies, sent back on the platform's oauth routes. */
class Browser {
  private readonly jar = new Map<string, string>();
  /** The Set-Cookie lines of the last answer. */
  setCookies: string[] = [];

  keep(res: ApiResponse): void {
    this.setCookies = res.headers.getSetCookie();
    for (const line of this.setCookies) {
      const [pair] = line.split(';');
      const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      if (value) this.jar.set(name, value);
      else this.jar.delete(name);
    }
  }

  get cookie(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** GET /auth/oauth/{provider}: the provider's authorization URL. */
  async start(provider: string, query = ''): Promise<URL> {
    const res = await api('GET', `${R}/oauth/${provider}${query}`, {
      headers: { cookie: this.cookie },
    });
    expect([res.status, res.text]).toEqual([302, '']);
    this.keep(res);
    return new URL(res.headers.get('location')!);
  }

  /** At the provider: signs in as `who`; returns the callback URL it redirects to. */
  async atProvider(authorize: URL, who: FakeLogin): Promise<URL> {
    const url = new URL(authorize);
    url.searchParams.set(LOGIN_AS, encodeLogin(who));
    const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(30_000) });
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location')!);
  }

  /** The callback on the platform: where it sends the browser (FRONTEND_URL?code|error). */
  async callback(url: URL, cookie = this.cookie): Promise<URL> {
    const res = await api('GET', url.pathname + url.search, { headers: { cookie } });
    expect([res.status, res.text]).toEqual([302, '']);
    expect(res.headers.get('cache-control')).toBe('no-store');
    this.keep(res);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(FRONTEND);
    return location;
  }

  /** The whole round trip: FRONTEND_URL with `code` or `error`. */
  async signIn(provider: string, who: FakeLogin, query = ''): Promise<URL> {
    return this.callback(await this.atProvider(await this.start(provider, query), who));
  }
}

async function exchange(code: string | null) {
  return api('POST', `${R}/oauth/exchange`, { body: { code } });
}

/** Signs in with the provider and trades the code: the token pair. */
async function socialTokens(provider: string, who: FakeLogin) {
  const landed = await new Browser().signIn(provider, who);
  expect(landed.searchParams.get('error')).toBeNull();
  const res = await exchange(landed.searchParams.get('code'));
  expect(res.status).toBe(200);
  return res.body as { access_token: string; refresh_token: string };
}

async function me(token: string) {
  const res = await api('GET', '/api/v1/users/me', { token });
  expect(res.status).toBe(200);
  return res.body;
}

/** A registered user whose address is confirmed with the mailed link. */
async function verifiedUser() {
  const u = await register({ tag: 'social' });
  const { token } = await waitForMail(u.email, /verify your email/i);
  expect((await api('POST', `${R}/email/verify`, { body: { token } })).status).toBe(204);
  return u;
}

describe(`auth: social sign-in (${process.env.E2E_MODE} mode)`, () => {
  it('creates an account for a new identity and signs it in through a one-time code', async () => {
    const email = uniqueEmail('social');
    const browser = new Browser();
    const authorize = await browser.start('acme');

    // The authorization request: code flow with state, nonce and PKCE S256 to our callback.
    const q = authorize.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(process.env.E2E_OIDC_CLIENT_ID);
    expect(new URL(q.get('redirect_uri')!).pathname).toBe(`${R}/oauth/acme/callback`);
    expect(q.get('scope')!.split(' ')).toEqual(['openid', 'email', 'profile']);
    expect(q.get('state')!.length).toBeGreaterThanOrEqual(32);
    expect(q.get('nonce')!.length).toBeGreaterThanOrEqual(32);
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('code_challenge_method')).toBe('S256');
    // The browser-binding cookie: HttpOnly, SameSite=Lax, only sent to the oauth routes.
    expect(browser.cookie).toMatch(/^oauth_binding=[A-Za-z0-9_-]{43}$/);
    const [setCookie] = browser.setCookies;
    expect(setCookie).toMatch(/; HttpOnly/i);
    expect(setCookie).toMatch(/; SameSite=Lax/i);
    expect(setCookie).toMatch(/; Path=\/api\/v1\/auth\/oauth(;|$)/);
    expect(setCookie).toMatch(/; Max-Age=600/);
    expect(setCookie).not.toMatch(/; Secure/i); // PUBLIC_URL is http here

    const callback = await browser.atProvider(authorize, {
      sub: subject(),
      email,
      email_verified: true,
      name: 'Ada Lovelace',
    });
    const landed = await browser.callback(callback);
    const code = landed.searchParams.get('code')!;
    expect(code).toMatch(/^soc_/);
    expect(landed.searchParams.get('access_token')).toBeNull();

    const res = await exchange(code);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.stringMatching(/^rt_/),
      expires_in: expect.any(Number),
      token_type: 'Bearer',
    });
    expect(claims(res.body.access_token)).toMatchObject({ amr: ['fed'], aal: 'aal1' });

    // A working pair: the API knows the new user, and the refresh token rotates.
    const profile = await me(res.body.access_token);
    expect(profile).toMatchObject({ email, name: 'Ada Lovelace', email_verified: true });
    const refreshed = await api('POST', `${R}/refresh`, {
      body: { refresh_token: res.body.refresh_token },
    });
    expect(refreshed.status).toBe(200);
    expect(claims(refreshed.body.access_token).amr).toEqual(['fed']);

    const audit = await api('GET', `${R}/audit`, { token: res.body.access_token });
    expect(audit.body.items.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['user.registered', 'identity.linked', 'login.succeeded']),
    );
    // The export lists the link; the account has no password.
    const exported = await api('GET', '/api/v1/users/me/export', {
      token: res.body.access_token,
    });
    expect(exported.status).toBe(200);
    expect(exported.body.auth.credentials).toMatchObject({ email, has_password: false });
    expect(exported.body.auth.identities).toEqual([
      {
        provider: 'acme',
        subject: expect.any(String),
        email,
        created_at: expect.any(String),
      },
    ]);
  });

  it('signs the same identity in to the same account the next time', async () => {
    const sub = subject();
    const first = await socialTokens('acme', {
      sub,
      email: uniqueEmail('again'),
      email_verified: true,
    });
    // The link is by provider and subject: a changed address at the provider changes nothing.
    const second = await socialTokens('acme', {
      sub,
      email: uniqueEmail('renamed'),
      email_verified: true,
    });
    expect((await me(second.access_token)).id).toBe((await me(first.access_token)).id);
  });

  it('links an existing account when the provider and the account both verified the email', async () => {
    const u = await verifiedUser();
    const t = await socialTokens('acme', { sub: subject(), email: u.email, email_verified: true });
    expect((await me(t.access_token)).id).toBe(u.id);
    // The password still works, and the owner sees the link in the audit log.
    const pwd = await login(u.email, u.password);
    const audit = await api('GET', `${R}/audit`, { token: pwd.access_token });
    expect(audit.body.items.map((e: { type: string }) => e.type)).toContain('identity.linked');
  });

  it('never links when the provider has not verified the email, or the account never confirmed it', async () => {
    const u = await verifiedUser();
    const sub = subject();
    const refused = await new Browser().signIn('acme', {
      sub,
      email: u.email,
      email_verified: false,
    });
    expect(refused.searchParams.get('error')).toBe('email_not_verified');
    expect(refused.searchParams.get('code')).toBeNull();
    // Nothing was linked: the same identity is still refused, and nothing else happened.
    const again = await new Browser().signIn('acme', { sub, email: u.email });
    expect(again.searchParams.get('error')).toBe('email_not_verified');
    const pwd = await login(u.email, u.password);
    const audit = await api('GET', `${R}/audit`, { token: pwd.access_token });
    const types = audit.body.items.map((e: { type: string }) => e.type);
    expect(types).not.toContain('identity.linked');
    expect(types).toContain('login.failed');

    // An account whose owner never confirmed the address is not handed to a provider either.
    const unconfirmed = await register({ tag: 'unconfirmed' });
    const blocked = await new Browser().signIn('acme', {
      sub: subject(),
      email: unconfirmed.email,
      email_verified: true,
    });
    expect(blocked.searchParams.get('error')).toBe('account_email_unverified');
  });

  it('refuses a callback without state, with a made-up one, from another browser or twice', async () => {
    const who = { sub: subject(), email: uniqueEmail('csrf'), email_verified: true };
    const mine = new Browser();
    const callback = await mine.atProvider(await mine.start('acme'), who);

    const noState = new URL(callback);
    noState.searchParams.delete('state');
    expect((await mine.callback(noState)).searchParams.get('error')).toBe('invalid_state');
    const madeUp = new URL(callback);
    madeUp.searchParams.set('state', randomBytes(32).toString('base64url'));
    expect((await mine.callback(madeUp)).searchParams.get('error')).toBe('invalid_state');

    // Login CSRF: the attacker's callback opened in a victim's browser lacks the cookie.
    const victim = new Browser();
    await victim.start('acme');
    expect((await victim.callback(callback)).searchParams.get('error')).toBe('invalid_state');
    expect((await mine.callback(callback, '')).searchParams.get('error')).toBe('invalid_state');

    // A state is claimed by its first callback: the legitimate one now finds it used.
    expect((await mine.callback(callback)).searchParams.get('error')).toBe('invalid_state');

    // A fresh start in the right browser works, once.
    const browser = new Browser();
    const ok = await browser.atProvider(await browser.start('acme'), who);
    expect((await browser.callback(ok)).searchParams.get('code')).toMatch(/^soc_/);
    const replay = await browser.callback(
      ok,
      `oauth_binding=${randomBytes(32).toString('base64url')}`,
    );
    expect(replay.searchParams.get('error')).toBe('invalid_state');
  });

  it('a one-time code works once', async () => {
    const landed = await new Browser().signIn('acme', {
      sub: subject(),
      email: uniqueEmail('once'),
      email_verified: true,
    });
    const code = landed.searchParams.get('code');
    expect((await exchange(code)).status).toBe(200);
    expectProblem(await exchange(code), 401);
    expectProblem(await exchange('soc_' + randomBytes(32).toString('base64url')), 401);
    expectProblem(await exchange(''), 400);
  });

  it('refuses an id_token with a wrong nonce, audience, issuer, expiry or signature, creating nothing', async () => {
    const now = Math.floor(Date.now() / 1000);
    const forgeries: Partial<FakeLogin>[] = [
      { override: { nonce: 'not-the-nonce-we-sent' } },
      { override: { aud: 'another-client' } },
      { override: { iss: 'https://issuer.example' } },
      { override: { iat: now - 7200, exp: now - 3600 } },
      { forge_signature: true },
    ];
    for (const forgery of forgeries) {
      const email = uniqueEmail('forged');
      const landed = await new Browser().signIn('acme', {
        sub: subject(),
        email,
        email_verified: true,
        ...forgery,
      });
      expect([forgery, landed.searchParams.get('error')]).toEqual([forgery, 'provider_error']);
      expect(landed.searchParams.get('code')).toBeNull();
      // No account was made with that address: it is still free to register.
      expect((await register({ email })).email).toBe(email);
    }
  });

  it('reports the provider declining as access_denied', async () => {
    const browser = new Browser();
    const authorize = await browser.start('github');
    // Signing in as nobody: the GitHub stand-in answers error=access_denied, as GitHub does.
    const res = await fetch(authorize, { redirect: 'manual' });
    const landed = await browser.callback(new URL(res.headers.get('location')!));
    expect(landed.searchParams.get('error')).toBe('access_denied');
  });

  it('signs in with GitHub (OAuth 2.0, the verified primary address of /user/emails)', async () => {
    const email = uniqueEmail('octo');
    const id = String(Date.now() % 1e9);
    const browser = new Browser();
    const authorize = await browser.start('github', '?return_to=%2Fsettings%2Fsecurity');
    expect(authorize.pathname).toBe('/login/oauth/authorize');
    expect(authorize.searchParams.get('scope')).toBe('read:user user:email');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('nonce')).toBeNull();
    const landed = await browser.callback(
      await browser.atProvider(authorize, {
        sub: id,
        name: 'Octo Cat',
        emails: [
          { email: uniqueEmail('old'), primary: false, verified: false },
          { email, primary: true, verified: true },
        ],
      }),
    );
    expect(landed.searchParams.get('return_to')).toBe('/settings/security');
    const res = await exchange(landed.searchParams.get('code'));
    expect(res.status).toBe(200);
    expect(claims(res.body.access_token).amr).toEqual(['fed']);
    expect(await me(res.body.access_token)).toMatchObject({
      email,
      name: 'Octo Cat',
      email_verified: true,
    });
    // GitHub's numeric id is the link: the same person again is the same user.
    const again = await socialTokens('github', { sub: id, email, email_verified: true });
    expect((await me(again.access_token)).email).toBe(email);

    // An unverified primary address at GitHub is not linked to the account that has it.
    const u = await verifiedUser();
    const refused = await new Browser().signIn('github', {
      sub: String(Number(id) + 1),
      emails: [{ email: u.email, primary: true, verified: false }],
    });
    expect(refused.searchParams.get('error')).toBe('email_not_verified');
  });

  it('asks for the second factor when the account has TOTP on', async () => {
    const who = { sub: subject(), email: uniqueEmail('social-mfa'), email_verified: true };
    const t = await socialTokens('acme', who);
    const setup = await api('POST', `${R}/mfa/totp/setup`, { token: t.access_token });
    const secret: string = setup.body.secret;
    const activate = await api('POST', `${R}/mfa/totp/activate`, {
      token: t.access_token,
      body: { code: await generate({ secret }) },
    });
    expect(activate.status).toBe(200);

    const landed = await new Browser().signIn('acme', who);
    const challenge = await exchange(landed.searchParams.get('code'));
    expect(challenge.status).toBe(200);
    expect(challenge.body).toEqual({
      mfa_required: true,
      mfa_token: expect.any(String),
      expires_in: 300,
    });
    // Any code of the next time step (the one used above was spent).
    const next = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    const verified = await api('POST', `${R}/mfa/verify`, {
      body: { mfa_token: challenge.body.mfa_token, code: next },
    });
    expect(verified.status).toBe(200);
    expect(claims(verified.body.access_token)).toMatchObject({ amr: ['fed', 'otp'], aal: 'aal2' });
  });

  it('an account without a password: no password change, but a reset link sets one', async () => {
    const email = uniqueEmail('nopwd');
    const t = await socialTokens('acme', { sub: subject(), email, email_verified: true });
    const change = await api('POST', `${R}/password/change`, {
      token: t.access_token,
      body: { current_password: 'Anything-1234', new_password: 'Brand-new-Passw0rd!' },
    });
    expectProblem(change, 409);
    expect(change.body.type).toMatch(/no-password$/);
    expectProblem(
      await api('POST', `${R}/login`, { body: { email, password: 'Anything-1234' } }),
      401,
    );
    await api('POST', `${R}/password/forgot`, { body: { email } });
    const { token } = await waitForMail(email, /reset your password/i);
    const password = 'Brand-new-Passw0rd!';
    expect((await api('POST', `${R}/password/reset`, { body: { token, password } })).status).toBe(
      204,
    );
    expect((await login(email, password)).access_token).toEqual(expect.any(String));
  });

  it('answers 404 problem+json for a provider that is not configured', async () => {
    expectProblem(await api('GET', `${R}/oauth/nowhere`), 404);
    expectProblem(await api('GET', `${R}/oauth/nowhere/callback?code=x&state=y`), 404);
    expectProblem(await api('GET', `${R}/oauth/Not..A.Name`), 404);
    const u = await registerAndLogin({ tag: 'social-404' });
    expect((await api('GET', `${R}/oauth/nowhere`, { token: u.token })).status).toBe(404);
    expectProblem(await api('GET', `${R}/oauth/acme?return_to=https://evil.example`), 400);
    expectProblem(await api('GET', `${R}/oauth/acme?return_to=//evil.example`), 400);
  });
});
