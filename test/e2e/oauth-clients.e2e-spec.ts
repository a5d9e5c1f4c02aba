/**
 * The OAuth client registry (admin only): registration with the secret shown once, the
 * rules on redirect URIs and grants, listing, changes, secret rotation and deletion.
 */
import { describe, expect, it } from '@jest/globals';
import { api, expectProblem } from '../support/api.js';
import {
  claimsOf,
  expectOAuthError,
  oauthPost,
  OAUTH,
  registerClient,
  type RegisteredClient,
} from '../support/oauth.js';
import { adminToken, registerAndLogin } from '../support/session.js';

const credentials = (c: RegisteredClient) => ({ id: c.client_id, secret: c.client_secret! });
const clientToken = (c: RegisteredClient) =>
  oauthPost('token', { grant_type: 'client_credentials' }, credentials(c));

describe(`oauth: client registry (${process.env.E2E_MODE} mode)`, () => {
  it('registers a confidential client: cli_ id, secret shown once, never listed again', async () => {
    const c = await registerClient({
      name: 'Reporting',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      scopes: ['reports:read'],
    });
    expect(c).toEqual({
      client_id: expect.stringMatching(/^cli_[0-9a-z]{26}$/),
      client_secret: expect.stringMatching(/^cs_[A-Za-z0-9_-]{43}$/),
      name: 'Reporting',
      type: 'confidential',
      redirect_uris: [],
      grant_types: ['client_credentials'],
      scopes: ['reports:read'],
      created_at: expect.any(String),
      updated_at: expect.any(String),
      secret_rotated_at: null,
    });
    const admin = await adminToken();
    const read = await api('GET', `${OAUTH}/clients/${c.client_id}`, { token: admin });
    expect(read.status).toBe(200);
    expect(read.body).not.toHaveProperty('client_secret');
    expect(read.text).not.toContain(c.client_secret!);
    expect(read.body.name).toBe('Reporting');

    // Listed, page by page, without secrets.
    let cursor: string | null = null;
    const seen: string[] = [];
    do {
      const page: any = await api(
        'GET',
        `${OAUTH}/clients?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { token: admin },
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      expect(page.text).not.toContain('client_secret');
      seen.push(...page.body.items.map((i: RegisteredClient) => i.client_id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toContain(c.client_id);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('registers a public client without a secret', async () => {
    const c = await registerClient({
      type: 'public',
      redirect_uris: ['http://127.0.0.1/callback', 'https://spa.example.com/cb'],
    });
    expect(c.type).toBe('public');
    expect(c).not.toHaveProperty('client_secret');
  });

  it('refuses unsafe redirect URIs and grants that do not fit the client type', async () => {
    const admin = await adminToken();
    const attempt = (body: Record<string, unknown>) =>
      api('POST', `${OAUTH}/clients`, {
        token: admin,
        body: { name: 'Bad', type: 'confidential', grant_types: ['authorization_code'], ...body },
      });
    const cases: [Record<string, unknown>, string][] = [
      [{ redirect_uris: ['http://app.example.com/cb'] }, 'redirect_uris.0'],
      [{ redirect_uris: ['https://app.example.com/cb#top'] }, 'redirect_uris.0'],
      [{ redirect_uris: ['/callback'] }, 'redirect_uris.0'],
      [{ redirect_uris: [] }, 'redirect_uris'],
      [{ type: 'public', grant_types: ['client_credentials'], redirect_uris: [] }, 'grant_types'],
      [
        { grant_types: ['refresh_token'], redirect_uris: ['https://app.example.com/cb'] },
        'grant_types',
      ],
      [{ grant_types: ['password'], redirect_uris: ['https://a.example/cb'] }, 'grant_types'],
      [{ scopes: ['has space'], redirect_uris: ['https://a.example/cb'] }, 'scopes.0'],
      [{ type: 'other', redirect_uris: ['https://a.example/cb'] }, 'type'],
      [{ client_secret: 'mine', redirect_uris: ['https://a.example/cb'] }, 'client_secret'],
    ];
    for (const [body, field] of cases) {
      const res = await attempt(body);
      expectProblem(res, 400);
      expect([JSON.stringify(body), res.body.errors.map((e: any) => e.field)]).toEqual([
        JSON.stringify(body),
        expect.arrayContaining([field]),
      ]);
    }
  });

  it('is for admins only: members get 403, anonymous callers 401', async () => {
    const member = await registerAndLogin({ tag: 'oauth-member' });
    const c = await registerClient();
    const body = { name: 'x', type: 'public', grant_types: ['authorization_code'] };
    for (const [method, path] of [
      ['POST', `${OAUTH}/clients`],
      ['GET', `${OAUTH}/clients`],
      ['GET', `${OAUTH}/clients/${c.client_id}`],
      ['PATCH', `${OAUTH}/clients/${c.client_id}`],
      ['DELETE', `${OAUTH}/clients/${c.client_id}`],
      ['POST', `${OAUTH}/clients/${c.client_id}/secret`],
    ]) {
      const withBody = method === 'GET' || method === 'DELETE' ? {} : { body };
      expectProblem(await api(method, path, { token: member.token, ...withBody }), 403);
      expectProblem(await api(method, path, withBody), 401);
    }
    const admin = await adminToken();
    expectProblem(
      await api('GET', `${OAUTH}/clients/cli_00000000000000000000`, { token: admin }),
      404,
    );
    expectProblem(await api('GET', `${OAUTH}/clients/nope`, { token: admin }), 404);
  });

  it('changes only the fields sent', async () => {
    const c = await registerClient();
    const admin = await adminToken();
    const res = await api('PATCH', `${OAUTH}/clients/${c.client_id}`, {
      token: admin,
      body: { name: 'Renamed', scopes: ['openid'] },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: 'Renamed',
      scopes: ['openid'],
      redirect_uris: c.redirect_uris,
      grant_types: c.grant_types,
    });
    expectProblem(
      await api('PATCH', `${OAUTH}/clients/${c.client_id}`, {
        token: admin,
        body: { type: 'public' },
      }),
      400,
    );
  });

  it('rotates the secret: the new one works, the old one stops at once', async () => {
    const c = await registerClient({ grant_types: ['client_credentials'], redirect_uris: [] });
    expect((await clientToken(c)).status).toBe(200);
    const admin = await adminToken();
    const rotated = await api('POST', `${OAUTH}/clients/${c.client_id}/secret`, { token: admin });
    expect(rotated.status).toBe(200);
    expect(rotated.body.client_secret).toMatch(/^cs_/);
    expect(rotated.body.client_secret).not.toBe(c.client_secret);
    expect(rotated.body.secret_rotated_at).toEqual(expect.any(String));
    expectOAuthError(await clientToken(c), 401, 'invalid_client');
    const fresh = await clientToken({ ...c, client_secret: rotated.body.client_secret });
    expect(fresh.status).toBe(200);

    const pub = await registerClient({ type: 'public' });
    expectProblem(
      await api('POST', `${OAUTH}/clients/${pub.client_id}/secret`, { token: admin }),
      409,
    );
  });

  it('deletes a client: it can no longer authenticate and its tokens are refused', async () => {
    const c = await registerClient({
      grant_types: ['client_credentials'],
      redirect_uris: [],
      scopes: ['reports:read'],
    });
    const issued = await clientToken(c);
    expect(issued.status).toBe(200);
    const introspect = (token: string, by: RegisteredClient) =>
      oauthPost('introspect', { token }, credentials(by));
    const observer = await registerClient({
      grant_types: ['client_credentials'],
      redirect_uris: [],
    });
    expect((await introspect(issued.body.access_token, observer)).body.active).toBe(true);
    expect(claimsOf(issued.body.access_token).client_id).toBe(c.client_id);

    const admin = await adminToken();
    expect((await api('DELETE', `${OAUTH}/clients/${c.client_id}`, { token: admin })).status).toBe(
      204,
    );
    expectProblem(await api('GET', `${OAUTH}/clients/${c.client_id}`, { token: admin }), 404);
    expectOAuthError(await clientToken(c), 401, 'invalid_client');
    expect((await introspect(issued.body.access_token, observer)).body).toEqual({ active: false });
  });
});
