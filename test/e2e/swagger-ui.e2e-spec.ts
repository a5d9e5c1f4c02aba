/**
 * Swagger UI at /docs in a real browser (Debian's Chromium through playwright-core): the page
 * loads under the gateway's Content-Security-Policy, lists the parts' tags, a "Try it out"
 * login returns tokens, "Authorize" takes the access token, and GET /users/{user_id} then
 * answers with the user.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { baseUrl } from '../support/api.js';
import { launchChromium, type Browser } from '../support/chromium.js';
import { register, type TestUser } from '../support/session.js';

describe(`Swagger UI in Chromium (${process.env.E2E_MODE} mode)`, () => {
  let browser: Browser;
  let page: Page;
  let user: TestUser;

  beforeAll(async () => {
    user = await register({ tag: 'swagger' });
    browser = await launchChromium();
    page = browser.page;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  /** Opens an operation, presses "Try it out", runs `fill`, executes; returns status and body. */
  async function tryOut(opId: string, fill: (op: ReturnType<Page['locator']>) => Promise<void>) {
    const op = page.locator(`[id$="-${opId}"]`).first();
    await op.locator('.opblock-summary').first().click();
    await op.locator('button.try-out__btn').click();
    await fill(op);
    await op.locator('button.execute').click();
    const row = op.locator('.live-responses-table .response').first();
    await row.waitFor({ timeout: 20_000 });
    const status = Number((await row.locator('.response-col_status').innerText()).trim());
    const text = await row.locator('.response-col_description pre').first().innerText();
    return { status, body: JSON.parse(text) };
  }

  it('loads /docs and lists the tags of the parts', async () => {
    await page.goto(`${baseUrl()}/docs`, { waitUntil: 'domcontentloaded' });
    await page.locator('.opblock-tag').first().waitFor({ timeout: 30_000 });
    const tags = await page
      .locator('h3.opblock-tag')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-tag')));
    expect(tags).toEqual(expect.arrayContaining(['auth', 'users', 'payments', 'analytics']));
    expect(await page.title()).toBe('Platform API');
  }, 60_000);

  it('logs in with "Try it out", authorizes with the token and reads GET /users/{user_id}', async () => {
    const login = await tryOut('AuthController_login', async (op) => {
      await op
        .locator('textarea.body-param__text')
        .fill(JSON.stringify({ email: user.email, password: user.password }));
    });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ token_type: 'Bearer' });
    expect(login.body.access_token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(login.body.refresh_token).toBeTruthy();

    await page.locator('.scheme-container button.authorize').click();
    const dialog = page.locator('.modal-ux');
    const bearer = dialog.locator('.auth-container').first();
    await bearer.locator('input').first().fill(login.body.access_token);
    await bearer.locator('button.authorize').click();
    await dialog.locator('button.btn-done').first().click();

    const read = await tryOut('UsersAdminController_read', async (op) => {
      await op.locator('.parameters input').first().fill(user.id);
    });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: user.id });
    // The page ran under the gateway's Content-Security-Policy without violations.
    expect(
      browser.consoleErrors.filter((e) => /Content Security Policy|Refused to/i.test(e)),
    ).toEqual([]);
  }, 90_000);
});
