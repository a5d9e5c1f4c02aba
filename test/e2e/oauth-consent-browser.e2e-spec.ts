/**
 * The authorization pages in a real browser (Debian's Chromium through playwright-core): a
 * public client's redirect lands on a local "app" server; the user signs in, gives the second
 * factor when enrolled, consents, and the app exchanges the code with its PKCE verifier. The
 * pages run under their own Content-Security-Policy (no script, form-action limited to this
 * server and the client's origin) without a violation.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { Page } from 'playwright-core';
import { api, baseUrl } from '../support/api.js';
import { enrolTotp } from '../support/authenticator.js';
import { launchChromium, type Browser } from '../support/chromium.js';
import {
  claimsOf,
  exchange,
  pkce,
  registerClient,
  type RegisteredClient,
} from '../support/oauth.js';
import { registerAndLogin } from '../support/session.js';

describe(`oauth: consent page in Chromium (${process.env.E2E_MODE} mode)`, () => {
  let browser: Browser;
  let page: Page;
  let app: Server;
  let redirectUri: string;
  let client: RegisteredClient;
  const callbacks: URLSearchParams[] = [];

  beforeAll(async () => {
    // The client application: its redirect URI records what the authorization server sent.
    app = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/callback') callbacks.push(url.searchParams);
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>App</title><h1 id="done">Back in the app</h1>');
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    const port = (app.address() as { port: number }).port;
    redirectUri = `http://127.0.0.1:${port}/callback`;
    client = await registerClient({
      name: 'Photo Printer',
      type: 'public',
      redirect_uris: [redirectUri],
      scopes: ['openid', 'profile'],
    });
    browser = await launchChromium();
    page = browser.page;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => app?.close(r));
  });

  function authorizeUrl(state: string, challenge: string): string {
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: redirectUri,
      scope: 'openid profile',
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    return `${baseUrl()}/api/v1/oauth/authorize?${q}`;
  }

  /** Consents on the page shown and waits for the app's callback; its parameters. */
  async function allow(): Promise<URLSearchParams> {
    await page.locator('h1', { hasText: 'Allow access' }).waitFor();
    expect(await page.locator('#client').innerText()).toBe('Photo Printer');
    expect(
      await page.locator('#scopes li').evaluateAll((li) => li.map((e) => e.dataset.scope)),
    ).toEqual(['openid', 'profile']);
    const before = callbacks.length;
    await Promise.all([
      page.waitForURL((u) => u.href.startsWith(redirectUri), { timeout: 20_000 }),
      page.locator('button[value="allow"]').click(),
    ]);
    await page.locator('#done').waitFor();
    expect(callbacks.length).toBe(before + 1);
    return callbacks[callbacks.length - 1];
  }

  it('signs in, consents and returns to the app with a code it can exchange', async () => {
    const user = await registerAndLogin({ tag: 'oauth-browser' });
    const { verifier, challenge } = pkce();
    await page.goto(authorizeUrl('browser-state', challenge));
    await page.locator('input[name="email"]').fill(user.email);
    await page.locator('input[name="password"]').fill('not the password');
    await page.locator('button[type="submit"]').click();
    await expect(page.locator('#message').innerText()).resolves.toBe(
      'The email or password is incorrect.',
    );
    await page.locator('input[name="email"]').fill(user.email);
    await page.locator('input[name="password"]').fill(user.password);
    await page.locator('button[type="submit"]').click();
    const params = await allow();
    expect(params.get('state')).toBe('browser-state');
    const res = await exchange(client, params.get('code')!, {
      redirect_uri: redirectUri,
      code_verifier: verifier,
    });
    expect(res.status).toBe(200);
    expect(claimsOf(res.body.access_token)).toMatchObject({ sub: user.id, aal: 'aal1' });
    const me = await api('GET', '/api/v1/users/me', { token: res.body.access_token });
    expect(me.status).toBe(200);
    expect(me.body.email).toBe(user.email);
  }, 90_000);

  it('asks a user with two-factor authentication for the code before consent', async () => {
    const user = await registerAndLogin({ tag: 'oauth-browser-mfa' });
    const { auth } = await enrolTotp(user.token);
    const { verifier, challenge } = pkce();
    await page.goto(authorizeUrl('mfa-state', challenge));
    await page.locator('input[name="email"]').fill(user.email);
    await page.locator('input[name="password"]').fill(user.password);
    await page.locator('button[type="submit"]').click();
    await page.locator('h1', { hasText: 'Two-factor authentication' }).waitFor();
    await page.locator('input[name="code"]').fill(await auth.code());
    await page.locator('button[type="submit"]').click();
    const params = await allow();
    expect(params.get('state')).toBe('mfa-state');
    const res = await exchange(client, params.get('code')!, {
      redirect_uri: redirectUri,
      code_verifier: verifier,
    });
    expect(res.status).toBe(200);
    expect(claimsOf(res.body.access_token)).toMatchObject({ aal: 'aal2', amr: ['pwd', 'otp'] });
  }, 120_000);

  it('sends a denial back to the app, and ran every page without a CSP violation', async () => {
    const user = await registerAndLogin({ tag: 'oauth-browser-deny' });
    await page.goto(authorizeUrl('deny-state', pkce().challenge));
    await page.locator('input[name="email"]').fill(user.email);
    await page.locator('input[name="password"]').fill(user.password);
    await page.locator('button[type="submit"]').click();
    await page.locator('h1', { hasText: 'Allow access' }).waitFor();
    await Promise.all([
      page.waitForURL((u) => u.href.startsWith(redirectUri), { timeout: 20_000 }),
      page.locator('button[value="deny"]').click(),
    ]);
    const params = callbacks[callbacks.length - 1];
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('state')).toBe('deny-state');
    expect(
      browser.consoleErrors.filter((e) => /Content Security Policy|Refused to/i.test(e)),
    ).toEqual([]);
  }, 90_000);
});
