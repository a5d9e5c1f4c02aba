/**
 * Token signing keys, JWKS and OpenID discovery, on platforms of this file's own:
 * - ES256 (E2E_MODE: one process, or five over NATS where the gateway only knows the public
 *   keys auth sends it) with a short publish delay and token lifetime: JWKS, third-party
 *   verification with jose, discovery, the whole rotation (published before it signs, old
 *   tokens valid until they expire, the old key gone after its window), and the bound on key
 *   reloads under a flood of unknown kids;
 * - EdDSA (one process): tokens, JWKS, jose, and `npm run keys:rotate`;
 * - HS256 (the shared platform): an empty JWKS, nothing to rotate.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { SignJWT, createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { api, expectProblem, uniqueEmail } from '../support/api.js';
import { call, type EdgeResponse } from '../support/edge.js';
import {
  E2E_ADMIN,
  startPlatform,
  type Mode,
  type PlatformHandle,
} from '../support/platform-process.js';
import { publicKeySet, verifyJwt } from '../../src/contracts/auth/jwt.js';
import { clientPost, codeFlow, pkce, type RegisteredClient } from '../support/oauth.js';
import { adminToken, strongPassword, type Tokens } from '../support/session.js';

const mode = (process.env.E2E_MODE ?? 'all') as Mode;
const ISSUER = 'https://id.example.test';
const TOKEN_TTL = 30; // the shortest ACCESS_TOKEN_TTL allowed
const LEEWAY = 1;
const PUBLISH_DELAY = 6;
const JWKS = '/.well-known/jwks.json';
const DISCOVERY = '/.well-known/openid-configuration';
const PROTECTED = '/api/v1/auth/sessions';

const keysEnv = (alg: string): NodeJS.ProcessEnv => ({
  JWT_ALGORITHM: alg,
  JWT_KEY_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
  JWT_KEY_PUBLISH_DELAY_S: String(PUBLISH_DELAY),
  ACCESS_TOKEN_TTL: String(TOKEN_TTL),
  JWT_LEEWAY_S: String(LEEWAY),
  JWT_ISSUER: ISSUER,
  PUBLIC_URL: ISSUER,
});

let es: PlatformHandle;
let ed: PlatformHandle;

const header = (token: string) => decodeProtectedHeader(token);
const claims = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const kidsOf = (res: EdgeResponse): string[] => res.body.keys.map((k: { kid: string }) => k.kid);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not seen in time`);
    await sleep(200);
  }
}

/** Signs in; the bootstrap admin appears shortly after start, so it is retried a while. */
function signIn(base: string, email: string, password: string): Promise<Tokens> {
  return until(`sign-in of ${email}`, async () => {
    const res = await call(base, 'POST', '/api/v1/auth/login', { body: { email, password } });
    return res.status === 200 ? (res.body as Tokens) : undefined;
  });
}

type Member = Tokens & { id: string; email: string; password: string };

async function newMember(base: string): Promise<Member> {
  const email = uniqueEmail('keys');
  const password = strongPassword();
  const reg = await call(base, 'POST', '/api/v1/auth/register', {
    body: { email, password, name: 'Key Tester' },
  });
  expect(reg.status).toBe(201);
  return { ...(await signIn(base, email, password)), id: reg.body.id, email, password };
}

/** Verifies like a relying party: fetch the JWKS, pin the algorithm, check iss and aud. */
async function verifyAsThirdParty(base: string, token: string, alg: string) {
  const jwks = createRemoteJWKSet(new URL(base + JWKS));
  const { payload, protectedHeader } = await jwtVerify(token, jwks, {
    algorithms: [alg],
    issuer: ISSUER,
    audience: 'platform-api',
    typ: 'at+jwt',
  });
  return { payload, protectedHeader };
}

/** Calls of `auth.keys.public` made by the gateway, from its /metrics. */
async function keyReloads(base: string): Promise<number> {
  const text = (await call(base, 'GET', '/metrics')).text;
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('rpc_call_duration_seconds_count{') && line.includes('"auth.keys.public"'))
      total += Number(line.split(' ').at(-1));
  }
  return total;
}

beforeAll(async () => {
  [es, ed] = await Promise.all([
    startPlatform({ mode, env: keysEnv('ES256') }),
    startPlatform({ mode: 'all', env: keysEnv('EdDSA') }),
  ]);
}, 300_000);

afterAll(async () => {
  await Promise.all([es?.stop(), ed?.stop()]);
}, 60_000);

describe(`signing keys with ES256 (${mode} mode)`, () => {
  let member: Member;
  let admin: Tokens;

  beforeAll(async () => {
    admin = await signIn(es.url, E2E_ADMIN.email, E2E_ADMIN.password);
    member = await newMember(es.url);
  });

  it('publishes the key of the tokens; a third party verifies them with the JWKS alone', async () => {
    const { alg, typ, kid } = header(member.access_token);
    expect({ alg, typ }).toEqual({ alg: 'ES256', typ: 'at+jwt' });
    const jwks = await call(es.url, 'GET', JWKS);
    expect(jwks.status).toBe(200);
    expect(jwks.headers.get('content-type')).toMatch(/^application\/json/);
    expect(jwks.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    expect(kidsOf(jwks)).toEqual([kid]);
    const [jwk] = jwks.body.keys;
    expect(jwk).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: expect.any(String),
      y: expect.any(String),
      kid,
      alg: 'ES256',
      use: 'sig',
    });
    const { payload } = await verifyAsThirdParty(es.url, member.access_token, 'ES256');
    expect(payload).toMatchObject({ sub: member.id, iss: ISSUER, typ: 'access' });
    expect((await call(es.url, 'GET', PROTECTED, bearer(member.access_token))).status).toBe(200);
    // Served at the root only.
    expect((await call(es.url, 'GET', `/api/v1${JWKS}`)).status).toBe(404);
  });

  it('describes the server in the discovery document, its issuer being the tokens iss', async () => {
    const res = await call(es.url, 'GET', DISCOVERY);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    expect(res.body).toMatchObject({
      issuer: claims(member.access_token).iss,
      jwks_uri: `${ISSUER}${JWKS}`,
      authorization_endpoint: `${ISSUER}/api/v1/oauth/authorize`,
      token_endpoint: `${ISSUER}/api/v1/oauth/token`,
      revocation_endpoint: `${ISSUER}/api/v1/oauth/revoke`,
      introspection_endpoint: `${ISSUER}/api/v1/oauth/introspect`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      id_token_signing_alg_values_supported: ['ES256'],
      subject_types_supported: ['public'],
      authorization_response_iss_parameter_supported: true,
    });
    expect(res.body.issuer).toBe(ISSUER);
    expect([...res.body.grant_types_supported].sort()).toEqual([
      'authorization_code',
      'client_credentials',
      'refresh_token',
    ]);
    expect(res.body.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['client_secret_basic', 'none']),
    );
    expect(res.body.scopes_supported).toContain('openid');
  });

  it('shows the keys to admins only, never a private part', async () => {
    expectProblem(await call(es.url, 'GET', '/api/v1/auth/keys', bearer(member.access_token)), 403);
    expectProblem(
      await call(es.url, 'POST', '/api/v1/auth/keys/rotate', bearer(member.access_token)),
      403,
    );
    expectProblem(await call(es.url, 'GET', '/api/v1/auth/keys'), 401);
    const list = await call(es.url, 'GET', '/api/v1/auth/keys', bearer(admin.access_token));
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ alg: 'ES256', publish_delay_s: PUBLISH_DELAY });
    expect(list.body.keys).toEqual([
      expect.objectContaining({
        kid: header(member.access_token).kid,
        state: 'active',
        retires_at: null,
        published_until: null,
      }),
    ]);
    expect(list.text).not.toMatch(/"d"|private|BEGIN/);
  });

  it('signs OAuth tokens with the key too: relying parties verify ID tokens with the JWKS', async () => {
    const created = await call(es.url, 'POST', '/api/v1/oauth/clients', {
      ...bearer(admin.access_token),
      body: {
        name: 'Relying party',
        type: 'confidential',
        grant_types: ['authorization_code', 'client_credentials'],
        redirect_uris: ['https://rp.example.com/callback'],
        scopes: ['openid', 'email'],
      },
    });
    expect(created.status).toBe(201);
    const client = created.body as RegisteredClient;
    const { kid } = header(member.access_token);
    // The OAuth helpers talk to E2E_URL: point them at this platform for this test only.
    const shared = process.env.E2E_URL;
    process.env.E2E_URL = es.url;
    try {
      const { verifier, challenge } = pkce();
      const nonce = randomBytes(8).toString('hex');
      const { res } = await codeFlow({
        client,
        user: member,
        scope: 'openid email',
        nonce,
        challenge,
        verifier,
      });
      expect(res.status).toBe(200);
      const idToken: string = res.body.id_token;
      expect(header(idToken)).toEqual({ alg: 'ES256', typ: 'JWT', kid });
      expect(header(res.body.access_token)).toMatchObject({ alg: 'ES256', kid });
      // A relying party: discovery, then the JWKS, with jose.
      const jwks = createRemoteJWKSet(new URL(es.url + JWKS));
      const { payload } = await jwtVerify(idToken, jwks, {
        algorithms: ['ES256'],
        issuer: ISSUER,
        audience: client.client_id,
      });
      expect(payload).toMatchObject({ sub: member.id, nonce, email: member.email });
      // The same check with the platform's own verifier and the published keys.
      const keys = publicKeySet(
        'ES256',
        (await call(es.url, 'GET', JWKS)).body.keys.map((jwk: never) => ({ jwk })),
      );
      const ours = verifyJwt(idToken, keys, {
        typ: 'JWT',
        issuer: ISSUER,
        audience: client.client_id,
        leewaySec: LEEWAY,
      });
      expect(ours).toMatchObject({ ok: true, claims: { sub: member.id, nonce } });
      // An ID token is not an access token.
      expectProblem(await call(es.url, 'GET', PROTECTED, bearer(idToken)), 401);
      // Introspection checks signatures with the key pairs too.
      const introspected = await clientPost('introspect', client, { token: res.body.access_token });
      expect(introspected.body).toMatchObject({ active: true, sub: member.id });
      const cc = await clientPost('token', client, { grant_type: 'client_credentials' });
      expect(cc.status).toBe(200);
      expect(header(cc.body.access_token)).toMatchObject({ alg: 'ES256', kid });
      await verifyAsThirdParty(es.url, cc.body.access_token, 'ES256');
      expect(
        (await clientPost('introspect', client, { token: cc.body.access_token })).body,
      ).toMatchObject({ active: true, client_id: client.client_id });
    } finally {
      process.env.E2E_URL = shared;
    }
  });

  it('rotates: publishes before signing, keeps old tokens valid until they expire, then drops the old key', async () => {
    // Fresh tokens of the current key: they must keep working after the switch.
    const adminOld = await signIn(es.url, E2E_ADMIN.email, E2E_ADMIN.password);
    const oldKid = header(adminOld.access_token).kid!;
    const first = await call(es.url, 'POST', '/api/v1/auth/refresh', {
      body: { refresh_token: member.refresh_token },
    });
    const oldToken: string = first.body.access_token;
    expect(header(oldToken).kid).toBe(oldKid);
    const rotated = await call(
      es.url,
      'POST',
      '/api/v1/auth/keys/rotate',
      bearer(adminOld.access_token),
    );
    expect(rotated.status).toBe(200);
    const newKid: string = rotated.body.key.kid;
    expect(newKid).not.toBe(oldKid);
    expect(rotated.body.key.state).toBe('next');
    expect(rotated.body.previous).toMatchObject({ kid: oldKid, state: 'active' });
    const activatesAt = Date.parse(rotated.body.key.activates_at) / 1000;
    expect(rotated.body.previous.retires_at).toBe(rotated.body.key.activates_at);
    const publishedUntil = Date.parse(rotated.body.previous.published_until) / 1000;
    expect(publishedUntil).toBe(activatesAt + TOKEN_TTL + LEEWAY);
    // One rotation at a time.
    const again = await call(
      es.url,
      'POST',
      '/api/v1/auth/keys/rotate',
      bearer(adminOld.access_token),
    );
    expectProblem(again, 409);
    expect(again.body).toMatchObject({ kid: newKid });

    // Watch the JWKS and new tokens (refreshes) until a token carries the new kid.
    let refresh: string = first.body.refresh_token;
    let publishedSeen = false;
    const oldKidTokens: string[] = [];
    let newToken: string | undefined;
    const deadline = Date.now() + 60_000;
    while (!newToken) {
      if (Date.now() > deadline) throw new Error('the new key never signed');
      const jwks = await call(es.url, 'GET', JWKS);
      expect(kidsOf(jwks)).toContain(oldKid);
      publishedSeen ||= kidsOf(jwks).includes(newKid);
      const res = await call(es.url, 'POST', '/api/v1/auth/refresh', {
        body: { refresh_token: refresh },
      });
      expect(res.status).toBe(200);
      refresh = res.body.refresh_token;
      const { kid } = header(res.body.access_token);
      const iat = claims(res.body.access_token).iat;
      if (kid === newKid) {
        // Published before anything was signed with it; signed only from its activation.
        expect(publishedSeen).toBe(true);
        expect(iat).toBeGreaterThanOrEqual(activatesAt);
        newToken = res.body.access_token;
      } else {
        expect([kid, iat <= activatesAt]).toEqual([oldKid, true]);
        oldKidTokens.push(res.body.access_token);
      }
      await sleep(250);
    }
    expect(publishedSeen).toBe(true);
    expect(kidsOf(await call(es.url, 'GET', JWKS))).toEqual(
      expect.arrayContaining([oldKid, newKid]),
    );
    // The old key signed nothing that outlives its publication.
    for (const t of [oldToken, ...oldKidTokens]) {
      expect(claims(t).exp + LEEWAY).toBeLessThanOrEqual(publishedUntil);
    }
    // Both keys' tokens work at the gateway (in split mode a process of its own that only
    // knows the public keys), and a relying party verifies both with the JWKS.
    for (const token of [oldToken, adminOld.access_token, newToken]) {
      expect((await call(es.url, 'GET', PROTECTED, bearer(token))).status).toBe(200);
      await verifyAsThirdParty(es.url, token, 'ES256');
    }
    const states = await call(es.url, 'GET', '/api/v1/auth/keys', bearer(adminOld.access_token));
    expect(states.body.keys.map((k: { kid: string; state: string }) => [k.kid, k.state])).toEqual([
      [oldKid, 'retired'],
      [newKid, 'active'],
    ]);
    const adminNew = await signIn(es.url, E2E_ADMIN.email, E2E_ADMIN.password);
    expect(header(adminNew.access_token).kid).toBe(newKid);

    // After the window the old key leaves the JWKS, and what it signed is refused.
    await until('the old key leaving the JWKS', async () =>
      kidsOf(await call(es.url, 'GET', JWKS)).includes(oldKid) ? undefined : true,
    );
    expect(Date.now() / 1000).toBeGreaterThanOrEqual(publishedUntil);
    expect(kidsOf(await call(es.url, 'GET', JWKS))).toEqual([newKid]);
    for (const token of [oldToken, adminOld.access_token]) {
      const refused = await call(es.url, 'GET', PROTECTED, bearer(token));
      expectProblem(refused, 401);
      expect(refused.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    }
    const adminLater = await signIn(es.url, E2E_ADMIN.email, E2E_ADMIN.password);
    expect(header(adminLater.access_token).kid).toBe(newKid);
    expect((await call(es.url, 'GET', PROTECTED, bearer(adminLater.access_token))).status).toBe(
      200,
    );
    const fresh = await call(es.url, 'POST', '/api/v1/auth/refresh', {
      body: { refresh_token: refresh },
    });
    expect(fresh.status).toBe(200);
    expect(header(fresh.body.access_token).kid).toBe(newKid);
    expect((await call(es.url, 'GET', PROTECTED, bearer(fresh.body.access_token))).status).toBe(
      200,
    );
  });

  it('refuses tokens naming unknown kids, reloading the keys a bounded number of times', async () => {
    const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const body = claims(member.access_token);
    const before = await keyReloads(es.url);
    const started = Date.now();
    // Waves of a few requests: each wave would cost a reload without the bound.
    const results: EdgeResponse[] = [];
    for (let wave = 0; wave < 25; wave++) {
      results.push(
        ...(await Promise.all(
          Array.from({ length: 4 }, async () => {
            const forged = await new SignJWT({ ...body, exp: Math.floor(Date.now() / 1000) + 20 })
              .setProtectedHeader({
                alg: 'ES256',
                typ: 'at+jwt',
                kid: randomBytes(16).toString('hex'),
              })
              .sign(attacker.privateKey);
            return call(es.url, 'GET', PROTECTED, bearer(forged));
          }),
        )),
      );
    }
    const seconds = Math.ceil((Date.now() - started) / 1000);
    for (const res of results) expectProblem(res, 401);
    const reloads = (await keyReloads(es.url)) - before;
    // At most one reload a second for unknown kids, plus the regular refresh.
    expect(reloads).toBeLessThanOrEqual(2 * seconds + 2);
  });
});

describe('signing keys with EdDSA (one process)', () => {
  it('signs with Ed25519 keys a third party verifies, and rotates from the command line', async () => {
    const member = await newMember(ed.url);
    const { alg, kid } = header(member.access_token);
    expect(alg).toBe('EdDSA');
    const jwks = await call(ed.url, 'GET', JWKS);
    expect(jwks.body.keys).toEqual([
      { kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid, alg: 'EdDSA', use: 'sig' },
    ]);
    const { payload } = await verifyAsThirdParty(ed.url, member.access_token, 'EdDSA');
    expect(payload.sub).toBe(member.id);
    expect(
      (await call(ed.url, 'GET', DISCOVERY)).body.id_token_signing_alg_values_supported,
    ).toEqual(['EdDSA']);
    // An ES256 token with a published kid is of the wrong algorithm: refused.
    const es256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const wrongAlg = await new SignJWT(claims(member.access_token))
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid })
      .sign(es256.privateKey);
    expectProblem(await call(ed.url, 'GET', PROTECTED, bearer(wrongAlg)), 401);

    const env = ed.procs.get('all')!.env;
    const cli = spawnSync(process.execPath, ['dist/platform/cli/keys-rotate.js'], {
      env: { ...env, LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (!env.DATABASE_URL) {
      // The embedded database serves one process: the command says so and changes nothing.
      expect(cli.status).not.toBe(0);
      expect(cli.stderr).toMatch(/DATA_DIR .* is in use/);
      return;
    }
    expect(cli.status).toBe(0);
    const rotation = JSON.parse(cli.stdout);
    expect(rotation.key).toMatchObject({ alg: 'EdDSA', state: 'next' });
    expect(rotation.previous.kid).toBe(kid);
    // The running platform publishes it without being told.
    await until('the new key in the JWKS', async () =>
      kidsOf(await call(ed.url, 'GET', JWKS)).includes(rotation.key.kid) ? true : undefined,
    );
    const again = spawnSync(process.execPath, ['dist/platform/cli/keys-rotate.js'], {
      env: { ...env, LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/one rotation at a time/);
  });
});

describe(`HS256, the default (${mode} mode)`, () => {
  it('publishes no key: the shared secret never leaves the platform', async () => {
    const jwks = await api('GET', JWKS);
    expect(jwks.status).toBe(200);
    expect(jwks.body).toEqual({ keys: [] });
    const discovery = await api('GET', DISCOVERY);
    expect(discovery.body.id_token_signing_alg_values_supported).toEqual(['HS256']);
    expect(discovery.body.issuer).toBe('platform');
  });

  it('has no key pairs to list or rotate', async () => {
    const token = await adminToken();
    const list = await api('GET', '/api/v1/auth/keys', { token });
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ alg: 'HS256', keys: [] });
    const rotate = await api('POST', '/api/v1/auth/keys/rotate', { token });
    expectProblem(rotate, 409);
    expect(rotate.body.type).toMatch(/no-key-pairs$/);
  });
});
