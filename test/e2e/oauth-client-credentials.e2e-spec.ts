/**
 * The token endpoint with client_credentials (RFC 6749 §4.4): client authentication by Basic
 * and by body, the RFC 6749 §5.2 errors, RFC 9068 claims, and what a client token may reach;
 * then revocation (RFC 7009) and introspection (RFC 7662) of such tokens.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { api } from '../support/api.js';
import {
  basic,
  claimsOf,
  expectOAuthError,
  OAUTH,
  oauthPost,
  registerClient,
  type RegisteredClient,
} from '../support/oauth.js';
import { adminToken } from '../support/session.js';

let service: RegisteredClient;
let resource: RegisteredClient;
const auth = (c: RegisteredClient) => ({ id: c.client_id, secret: c.client_secret! });

beforeAll(async () => {
  service = await registerClient({
    name: 'Billing worker',
    grant_types: ['client_credentials'],
    redirect_uris: [],
    scopes: ['reports:read', 'reports:write', 'openid'],
  });
  // A resource server that introspects tokens.
  resource = await registerClient({ grant_types: ['client_credentials'], redirect_uris: [] });
});

describe(`oauth: client_credentials (${process.env.E2E_MODE} mode)`, () => {
  it('issues an RFC 9068 access token to a client authenticated with Basic', async () => {
    const res = await oauthPost(
      'token',
      { grant_type: 'client_credentials', scope: 'reports:read' },
      auth(service),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('pragma')).toBe('no-cache');
    expect(res.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'reports:read',
    });
    expect(
      JSON.parse(Buffer.from(res.body.access_token.split('.')[0], 'base64url').toString()),
    ).toEqual({ alg: 'HS256', typ: 'at+jwt' });
    const c = claimsOf(res.body.access_token);
    expect(c).toEqual({
      sub: service.client_id,
      client_id: service.client_id,
      scope: 'reports:read',
      typ: 'access',
      iat: expect.any(Number),
      exp: c.iat + 3600,
      iss: 'platform',
      aud: 'platform-api',
      jti: expect.any(String),
    });
  });

  it('authenticates by client_id and client_secret in the body too', async () => {
    const res = await oauthPost('token', {
      grant_type: 'client_credentials',
      client_id: service.client_id,
      client_secret: service.client_secret!,
    });
    expect(res.status).toBe(200);
    // Without scope: every scope the client may have, except those that need a user.
    expect(res.body.scope).toBe('reports:read reports:write');
  });

  it('refuses a wrong or missing secret with 401 invalid_client and a Basic challenge', async () => {
    for (const res of [
      await oauthPost(
        'token',
        { grant_type: 'client_credentials' },
        { ...auth(service), secret: 'cs_wrong' },
      ),
      await oauthPost('token', {
        grant_type: 'client_credentials',
        client_id: service.client_id,
        client_secret: `${service.client_secret}x`,
      }),
      await oauthPost('token', { grant_type: 'client_credentials', client_id: service.client_id }),
      await oauthPost('token', { grant_type: 'client_credentials' }),
      await oauthPost(
        'token',
        { grant_type: 'client_credentials' },
        { id: 'cli_00000000000000000000', secret: 'x' },
      ),
    ]) {
      expectOAuthError(res, 401, 'invalid_client');
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="platform"/);
    }
  });

  it('answers RFC 6749 §5.2 errors for malformed requests', async () => {
    const a = auth(service);
    expectOAuthError(await oauthPost('token', {}, a), 400, 'invalid_request');
    expectOAuthError(
      await oauthPost('token', { grant_type: 'password' }, a),
      400,
      'unsupported_grant_type',
    );
    // Both client authentication methods at once.
    expectOAuthError(
      await oauthPost('token', { grant_type: 'client_credentials', client_secret: a.secret }, a),
      400,
      'invalid_request',
    );
    // A repeated parameter.
    const repeated = await api('POST', `${OAUTH}/token`, {
      raw: 'grant_type=client_credentials&scope=reports:read&scope=reports:write',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic(a.id, a.secret),
      },
    });
    expectOAuthError(repeated, 400, 'invalid_request');
    // JSON is not the token endpoint's format.
    const json = await api('POST', `${OAUTH}/token`, {
      body: { grant_type: 'client_credentials' },
      headers: { authorization: basic(a.id, a.secret) },
    });
    expectOAuthError(json, 400, 'invalid_request');
  });

  it('refuses scopes the client may not ask for, and grants it may not use', async () => {
    const a = auth(service);
    for (const scope of ['admin', 'reports:read admin', 'openid', 'bad"scope']) {
      expectOAuthError(
        await oauthPost('token', { grant_type: 'client_credentials', scope }, a),
        400,
        'invalid_scope',
      );
    }
    expectOAuthError(
      await oauthPost('token', { grant_type: 'refresh_token', refresh_token: 'rt_x' }, a),
      400,
      'unauthorized_client',
    );
    expectOAuthError(
      await oauthPost('token', { grant_type: 'authorization_code', code: 'ac_x' }, a),
      400,
      'unauthorized_client',
    );
  });

  it('never lets a client token act as a user on the platform routes', async () => {
    const token = (await oauthPost('token', { grant_type: 'client_credentials' }, auth(service)))
      .body.access_token;
    for (const [method, path] of [
      ['GET', '/api/v1/users/me'],
      ['GET', '/api/v1/auth/sessions'],
      ['POST', '/api/v1/auth/logout'],
      ['GET', `${OAUTH}/clients`],
      ['GET', '/api/v1/payments'],
    ]) {
      const res = await api(method, path, { token });
      expect([path, res.status]).toEqual([path, 403]);
      expect(res.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
    }
  });
});

describe(`oauth: revocation and introspection of client tokens (${process.env.E2E_MODE} mode)`, () => {
  const issue = async () =>
    (
      await oauthPost(
        'token',
        { grant_type: 'client_credentials', scope: 'reports:read' },
        auth(service),
      )
    ).body.access_token as string;

  it('introspects an active token, then answers active:false once it is revoked', async () => {
    const token = await issue();
    const before = await oauthPost('introspect', { token }, auth(resource));
    expect(before.status).toBe(200);
    expect(before.headers.get('cache-control')).toBe('no-store');
    expect(before.body).toEqual({
      active: true,
      token_type: 'Bearer',
      client_id: service.client_id,
      scope: 'reports:read',
      sub: service.client_id,
      iat: expect.any(Number),
      exp: expect.any(Number),
      iss: 'platform',
      aud: 'platform-api',
      jti: claimsOf(token).jti,
    });
    const revoked = await oauthPost(
      'revoke',
      { token, token_type_hint: 'access_token' },
      auth(service),
    );
    expect(revoked.status).toBe(200);
    expect(revoked.text).toBe('');
    expect((await oauthPost('introspect', { token }, auth(resource))).body).toEqual({
      active: false,
    });
    // The same revocation again, and unknown tokens: still 200 (RFC 7009 §2.2).
    expect((await oauthPost('revoke', { token }, auth(service))).status).toBe(200);
    expect((await oauthPost('revoke', { token: 'not-a-token' }, auth(service))).status).toBe(200);
    expect((await oauthPost('revoke', { token: 'rt_unknown' }, auth(service))).status).toBe(200);
  });

  it('refuses to revoke a token issued to another client', async () => {
    const token = await issue();
    expectOAuthError(
      await oauthPost('revoke', { token }, auth(resource)),
      400,
      'unauthorized_client',
    );
    expect((await oauthPost('introspect', { token }, auth(resource))).body.active).toBe(true);
  });

  it('introspects only for authenticated clients; garbage is inactive, not an error', async () => {
    const token = await issue();
    const anonymous = await oauthPost('introspect', { token });
    expectOAuthError(anonymous, 401, 'invalid_client');
    expect(anonymous.text).not.toContain('active');
    expectOAuthError(
      await oauthPost('introspect', { token }, { ...auth(resource), secret: 'cs_nope' }),
      401,
      'invalid_client',
    );
    // A user's bearer token is not client authentication.
    const asUser = await api('POST', `${OAUTH}/introspect`, {
      form: { token },
      token: await adminToken(),
    });
    expectOAuthError(asUser, 401, 'invalid_client');
    // A public client has no secret: it cannot introspect.
    const pub = await registerClient({ type: 'public' });
    expectOAuthError(
      await oauthPost('introspect', { token, client_id: pub.client_id }),
      401,
      'invalid_client',
    );
    for (const garbage of ['x', `${token}x`, 'rt_nothing', 'a.b.c']) {
      expect((await oauthPost('introspect', { token: garbage }, auth(resource))).body).toEqual({
        active: false,
      });
    }
    expectOAuthError(await oauthPost('introspect', {}, auth(resource)), 400, 'invalid_request');
  });
});
