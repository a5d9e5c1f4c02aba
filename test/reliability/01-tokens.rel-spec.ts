/**
 * Forged and misused tokens against the gateway guard: every one must get 401 problem+json
 * with a Bearer challenge, and none may reach a handler. Tokens are forged with `jose`, some
 * with the platform's real signing secret (the suite sets JWT_SECRET) so that each claim check
 * (expiry, not-before, issuer, audience, type, session binding) is tested on its own.
 * A second platform signs with ES256 key pairs: wrong kids, keys of other algorithms and a
 * retired key (its private part read from the database, as if it had leaked) are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createSecretKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import {
  SignJWT,
  UnsecuredJWT,
  base64url,
  decodeProtectedHeader,
  exportJWK,
  exportSPKI,
} from 'jose';
import pg from 'pg';
import { openPrivateKey } from '../../src/auth/application/keys/key-material.js';
import { api, expectProblem, uniqueEmail, type ApiResponse } from '../support/api.js';
import { call } from '../support/edge.js';
import { E2E_ADMIN, type Mode, type PlatformHandle } from '../support/platform-process.js';
import { registerAndLogin, strongPassword, type SignedInUser } from '../support/session.js';
import {
  RELIABILITY_JWT_SECRET,
  recordFigures,
  recordSecrets,
  startReliabilityPlatform,
} from './support/run.js';

const PROTECTED = '/api/v1/auth/sessions';
const ISSUER = 'platform';
const AUDIENCE = 'platform-api';
const secret = createSecretKey(Buffer.from(RELIABILITY_JWT_SECRET, 'utf8'));
const now = () => Math.floor(Date.now() / 1000);

let user: SignedInUser;
let other: SignedInUser;
let sent = 0;
const violations: string[] = [];
const NBF_CASE = 'nbf in 1h';

function claimsOf(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

/** The claims of `user`'s real token, with overrides (undefined deletes a claim). */
function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const c: Record<string, unknown> = { ...claimsOf(user.token), ...overrides };
  for (const [k, v] of Object.entries(overrides)) if (v === undefined) delete c[k];
  return c;
}

async function hs(
  payload: Record<string, unknown>,
  header: Record<string, unknown> = {},
  key: Parameters<SignJWT['sign']>[0] = secret,
): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', ...header } as any)
    .sign(key);
}

/** Compact JWS from raw header and payload with a given signature segment. */
function raw(header: unknown, payload: unknown, signature = ''): string {
  const enc = (v: unknown) => base64url.encode(typeof v === 'string' ? v : JSON.stringify(v));
  return `${enc(header)}.${enc(payload)}.${signature}`;
}

/** A platform under attack and the user whose data must never come back. */
interface Target {
  base?: string;
  userId: string;
}

async function expect401(label: string, authorization: string, target?: Target): Promise<void> {
  sent++;
  const opts = { headers: { authorization } };
  const res: ApiResponse = target?.base
    ? await call(target.base, 'GET', PROTECTED, opts)
    : await api('GET', PROTECTED, opts);
  if (res.status !== 401) violations.push(`${label}: ${res.status}`);
  expectProblem(res, 401);
  expect(res.headers.get('www-authenticate') ?? '').toMatch(/^Bearer realm=/);
  // The caller's data never comes back with a refused token.
  expect(res.text).not.toContain(target?.userId ?? user.id);
}

beforeAll(async () => {
  user = await registerAndLogin({ tag: 'tok' });
  other = await registerAndLogin({ tag: 'tok2' });
  recordSecrets('password', [user.password, other.password]);
  recordSecrets('token', [
    user.access_token,
    user.refresh_token,
    other.access_token,
    other.refresh_token,
  ]);
});

afterAll(() => {
  recordFigures('tokens', { requests: sent, violations: violations.length, details: violations });
});

describe('tokens: the baseline works', () => {
  it('accepts the real access token and a token re-signed with the real secret', async () => {
    const res = await api('GET', PROTECTED, { token: user.token });
    expect(res.status).toBe(200);
    // The forging helpers are right: the same claims re-signed by the suite are accepted,
    // so every 401 below is caused by the one thing each case changes.
    const again = await api('GET', PROTECTED, { token: await hs(claims()) });
    expect(again.status).toBe(200);
    sent += 2;
  });
});

describe('tokens: algorithm attacks', () => {
  it('refuses alg "none" (unsigned) in every spelling, with or without a signature', async () => {
    const payload = claims();
    const unsecured = new UnsecuredJWT(payload).encode();
    await expect401('alg none (jose)', `Bearer ${unsecured}`);
    for (const alg of ['none', 'None', 'NONE', 'nOnE', '', null]) {
      await expect401(`alg ${alg} empty sig`, `Bearer ${raw({ alg, typ: 'at+jwt' }, payload)}`);
      await expect401(
        `alg ${alg} with sig`,
        `Bearer ${raw({ alg, typ: 'at+jwt' }, payload, user.token.split('.')[2])}`,
      );
    }
    await expect401('no alg', `Bearer ${raw({ typ: 'at+jwt' }, payload, 'c2ln')}`);
  });

  it('refuses other HMAC algorithms and case variants signed with the real secret', async () => {
    for (const alg of ['HS384', 'HS512']) {
      const t = await new SignJWT(claims()).setProtectedHeader({ alg, typ: 'at+jwt' }).sign(secret);
      await expect401(alg, `Bearer ${t}`);
    }
    // Same HMAC-SHA256 bytes, but the header does not say exactly HS256.
    const good = user.token.split('.');
    for (const alg of ['hs256', 'HS256 ', 'Hs256']) {
      const header = base64url.encode(JSON.stringify({ alg, typ: 'at+jwt' }));
      const body = good[1];
      const { createHmac } = await import('node:crypto');
      const sig = createHmac('sha256', secret).update(`${header}.${body}`).digest('base64url');
      await expect401(`alg "${alg}"`, `Bearer ${header}.${body}.${sig}`);
    }
  });

  it('refuses asymmetric tokens and algorithm confusion (public key used as HMAC secret)', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ed = generateKeyPairSync('ed25519');
    const payload = claims();
    const rs = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt' })
      .sign(rsa.privateKey);
    await expect401('RS256 attacker key', `Bearer ${rs}`);
    const ps = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'PS256', typ: 'at+jwt' })
      .sign(rsa.privateKey);
    await expect401('PS256 attacker key', `Bearer ${ps}`);
    const es = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
      .sign(ec.privateKey);
    await expect401('ES256 attacker key', `Bearer ${es}`);
    const eddsa = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt' })
      .sign(ed.privateKey);
    await expect401('EdDSA attacker key', `Bearer ${eddsa}`);
    // Embedded key (jwk header) and key URL (jku/x5u) injection.
    const jwk = await exportJWK(rsa.publicKey);
    const embedded = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', jwk })
      .sign(rsa.privateKey);
    await expect401('RS256 embedded jwk', `Bearer ${embedded}`);
    const jku = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', jku: 'http://127.0.0.1:1/jwks.json' })
      .sign(rsa.privateKey);
    await expect401('RS256 jku', `Bearer ${jku}`);
    // Confusion: HS256 keyed with a public key (PEM, DER, JWK text) an attacker can know.
    const pem = await exportSPKI(rsa.publicKey);
    for (const [label, k] of [
      ['PEM', Buffer.from(pem)],
      ['DER', rsa.publicKey.export({ type: 'spki', format: 'der' })],
      ['JWK', Buffer.from(JSON.stringify(jwk))],
    ] as const) {
      await expect401(
        `HS256 keyed with public ${label}`,
        `Bearer ${await hs(payload, {}, createSecretKey(k))}`,
      );
    }
    // kid path tricks with a key an attacker controls (empty / known file contents).
    for (const [kid, key] of [
      ['../../../../dev/null', Buffer.alloc(1)],
      ["' OR '1'='1", Buffer.from('x')],
    ] as const) {
      await expect401(`kid ${kid}`, `Bearer ${await hs(payload, { kid }, createSecretKey(key))}`);
    }
  });
});

describe('tokens: signatures', () => {
  it('refuses a bad, stripped, truncated or foreign signature', async () => {
    const [h, p, s] = user.token.split('.');
    const flipped = (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    await expect401('flipped first char', `Bearer ${h}.${p}.${flipped}`);
    const last = s.at(-1) === 'A' ? 'Q' : 'A';
    await expect401('flipped last char', `Bearer ${h}.${p}.${s.slice(0, -1)}${last}`);
    await expect401('stripped', `Bearer ${h}.${p}.`);
    await expect401('truncated', `Bearer ${h}.${p}.${s.slice(0, 20)}`);
    await expect401('doubled', `Bearer ${h}.${p}.${s}${s}`);
    await expect401(
      'other secret',
      `Bearer ${await hs(claims(), {}, createSecretKey(randomBytes(32)))}`,
    );
    await expect401(
      'empty-ish secret',
      `Bearer ${await hs(claims(), {}, createSecretKey(Buffer.from('secret')))}`,
    );
    // Privilege escalation: the real header and signature with an edited payload.
    const admin = base64url.encode(JSON.stringify(claims({ role: 'admin' })));
    await expect401('payload edited to admin', `Bearer ${h}.${admin}.${s}`);
    const otherSub = base64url.encode(JSON.stringify(claims({ sub: other.id })));
    await expect401('payload edited to another user', `Bearer ${h}.${otherSub}.${s}`);
  });

  it('refuses malformed tokens and headers', async () => {
    const cases: [string, string][] = [
      ['empty bearer', 'Bearer'],
      ['blank bearer', 'Bearer    '],
      ['basic scheme', `Basic ${Buffer.from('a:b').toString('base64')}`],
      ['token without scheme', user.token],
      ['two parts', `Bearer ${user.token.split('.').slice(0, 2).join('.')}`],
      ['four parts', `Bearer ${user.token}.x`],
      ['junk', 'Bearer not-a-token'],
      ['bad base64', `Bearer ${user.token.replace('.', '.!')}`],
      ['header is an array', `Bearer ${raw([], claims(), 'c2ln')}`],
      ['header is null', `Bearer ${raw(null, claims(), 'c2ln')}`],
      ['payload not json', `Bearer ${raw({ alg: 'HS256', typ: 'at+jwt' }, 'not json', 'c2ln')}`],
      ['huge token', `Bearer ${'a'.repeat(6000)}.${'b'.repeat(6000)}.${'c'.repeat(100)}`],
      ['latin-1 bytes', 'Bearer \u00e9\u00e0\u00ff.\u00fe\u00e2.\u00e7\u00ef'],
    ];
    for (const [label, header] of cases) await expect401(label, header);
  });
});

describe('tokens: claims checked with the real secret', () => {
  it('refuses an expired token (beyond the leeway)', async () => {
    const t = await hs(claims({ iat: now() - 7200, exp: now() - 3600 }));
    await expect401('expired 1h', `Bearer ${t}`);
    const recent = await hs(claims({ iat: now() - 120, exp: now() - 30 }));
    await expect401('expired 30s', `Bearer ${recent}`);
    await expect401('exp missing', `Bearer ${await hs(claims({ exp: undefined }))}`);
    await expect401('exp as string', `Bearer ${await hs(claims({ exp: String(now() + 3600) }))}`);
  });

  it('refuses a token issued in the future (iat beyond the leeway)', async () => {
    const t = await hs(claims({ iat: now() + 3600, exp: now() + 7200 }));
    await expect401('iat in 1h', `Bearer ${t}`);
  });

  it('refuses a token whose nbf (not before) is in the future', async () => {
    // RFC 7519 4.1.5: a JWT MUST NOT be accepted before its nbf time.
    const t = await hs(claims({ nbf: now() + 3600 }));
    await expect401(NBF_CASE, `Bearer ${t}`);
  });

  it('refuses a wrong or missing issuer and audience', async () => {
    for (const iss of ['evil', `${ISSUER} `, ISSUER.toUpperCase(), undefined, [ISSUER]]) {
      await expect401(`iss ${JSON.stringify(iss)}`, `Bearer ${await hs(claims({ iss }))}`);
    }
    for (const aud of ['evil', `${AUDIENCE}-admin`, undefined, ['evil'], ['evil', AUDIENCE]]) {
      await expect401(`aud ${JSON.stringify(aud)}`, `Bearer ${await hs(claims({ aud }))}`);
    }
  });

  it('refuses the wrong token type (header typ or claim typ)', async () => {
    for (const typ of ['JWT', 'jwt', 'refresh+jwt', 'at+jwt ', '']) {
      await expect401(`header typ ${typ}`, `Bearer ${await hs(claims(), { typ })}`);
    }
    await expect401(
      'no header typ',
      `Bearer ${await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256' }).sign(secret)}`,
    );
    for (const typ of ['refresh', 'id', 'mfa', 'Access', undefined]) {
      await expect401(`claim typ ${typ}`, `Bearer ${await hs(claims({ typ }))}`);
    }
  });

  it('refuses claims of the wrong shape and a token bound to another session or user', async () => {
    await expect401('sub missing', `Bearer ${await hs(claims({ sub: undefined }))}`);
    await expect401('sid missing', `Bearer ${await hs(claims({ sid: undefined }))}`);
    await expect401('sub as number', `Bearer ${await hs(claims({ sub: 42 }))}`);
    // Real secret, but the session does not belong to that subject / does not exist.
    await expect401('sub of another user', `Bearer ${await hs(claims({ sub: other.id }))}`);
    await expect401(
      'unknown sid',
      `Bearer ${await hs(claims({ sid: 'ses_00000000000000000000' }))}`,
    );
    await expect401('__proto__ sid', `Bearer ${await hs(claims({ sid: '__proto__' }))}`);
  });
});

describe('tokens: asymmetric keys (ES256 platform)', () => {
  const KEK = randomBytes(32).toString('hex');
  const LEEWAY = 1;
  // The private keys are read from the platform's PostgreSQL database (the embedded one is
  // held by the running process).
  const withDatabase = process.env.DATABASE_URL ? it : it.skip;
  let es: PlatformHandle;
  let target: Target;
  let victim: { id: string; access_token: string; refresh_token: string };
  let adminToken: string;
  let kid: string;

  const forge = (key: KeyObject, header: { alg: string; kid?: string }, over = {}) =>
    new SignJWT({ ...claimsOf(victim.access_token), ...over })
      .setProtectedHeader({ typ: 'at+jwt', ...header })
      .sign(key);
  const get = (token: string) =>
    call(es.url, 'GET', PROTECTED, { headers: { authorization: `Bearer ${token}` } });

  async function privateKeyOf(k: string): Promise<KeyObject> {
    const db = new pg.Client({ connectionString: es.env.DATABASE_URL });
    await db.connect();
    try {
      const { rows } = await db.query(
        'SELECT private_key_enc FROM auth.signing_keys WHERE kid = $1',
        [k],
      );
      return openPrivateKey(rows[0].private_key_enc, Buffer.from(KEK, 'hex'));
    } finally {
      await db.end();
    }
  }

  async function until(what: string, probe: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 90_000;
    while (!(await probe())) {
      if (Date.now() > deadline) throw new Error(`${what}: not seen in time`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  beforeAll(async () => {
    recordSecrets('secret', [KEK]);
    es = await startReliabilityPlatform({
      mode: (process.env.E2E_MODE ?? 'all') as Mode,
      env: {
        JWT_ALGORITHM: 'ES256',
        JWT_KEY_ENCRYPTION_KEY: KEK,
        JWT_KEY_PUBLISH_DELAY_S: '2',
        ACCESS_TOKEN_TTL: '30',
        JWT_LEEWAY_S: String(LEEWAY),
      },
    });
    const email = uniqueEmail('tok-es');
    const password = strongPassword();
    recordSecrets('password', [password]);
    const reg = await call(es.url, 'POST', '/api/v1/auth/register', {
      body: { email, password, name: 'Key Victim' },
    });
    expect(reg.status).toBe(201);
    const login = await call(es.url, 'POST', '/api/v1/auth/login', { body: { email, password } });
    expect(login.status).toBe(200);
    victim = { id: reg.body.id, ...login.body };
    target = { base: es.url, userId: victim.id };
    for (let i = 0; ; i++) {
      const res = await call(es.url, 'POST', '/api/v1/auth/login', {
        body: { email: E2E_ADMIN.email, password: E2E_ADMIN.password },
      });
      if (res.status === 200) {
        adminToken = res.body.access_token;
        break;
      }
      if (i > 120) throw new Error(`admin login: ${res.status}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    recordSecrets('token', [victim.access_token, victim.refresh_token, adminToken]);
    kid = decodeProtectedHeader(victim.access_token).kid!;
  }, 240_000);

  afterAll(async () => {
    await es?.stop();
  }, 60_000);

  it('baseline: the real token works (and one re-signed with the real private key)', async () => {
    sent++;
    expect((await get(victim.access_token)).status).toBe(200);
    if (!process.env.DATABASE_URL) return;
    sent++;
    const again = await forge(await privateKeyOf(kid), { alg: 'ES256', kid }, { iat: now() });
    expect((await get(again)).status).toBe(200);
  });

  it('refuses a wrong kid: attacker keys under the real kid, unknown, missing or odd kids', async () => {
    const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    await expect401(
      'attacker key, real kid',
      `Bearer ${await forge(attacker, { alg: 'ES256', kid })}`,
      target,
    );
    for (const k of [randomBytes(32).toString('base64url'), '', '../../etc/passwd', `${kid} `]) {
      await expect401(
        `kid ${JSON.stringify(k)}`,
        `Bearer ${await forge(attacker, { alg: 'ES256', kid: k })}`,
        target,
      );
    }
    await expect401('no kid', `Bearer ${await forge(attacker, { alg: 'ES256' })}`, target);
    // The real signature under a header whose kid is not a string.
    const [, body, sig] = victim.access_token.split('.');
    for (const k of [42, [kid], { kid }, null]) {
      const h = base64url.encode(JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid: k }));
      await expect401(`kid ${JSON.stringify(k)}`, `Bearer ${h}.${body}.${sig}`, target);
    }
    // The real header and signature over an edited payload.
    const h = victim.access_token.split('.')[0];
    const admin = base64url.encode(
      JSON.stringify({ ...claimsOf(victim.access_token), role: 'admin' }),
    );
    await expect401('ES256 payload edited to admin', `Bearer ${h}.${admin}.${sig}`, target);
  });

  it('refuses keys of another algorithm, even under the real kid', async () => {
    const ed = generateKeyPairSync('ed25519').privateKey;
    await expect401(
      'EdDSA under the real kid',
      `Bearer ${await forge(ed, { alg: 'EdDSA', kid })}`,
      target,
    );
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    await expect401(
      'RS256 under the real kid',
      `Bearer ${await forge(rsa, { alg: 'RS256', kid })}`,
      target,
    );
    for (const [alg, curve] of [
      ['ES384', 'P-384'],
      ['ES512', 'P-521'],
    ] as const) {
      const k = generateKeyPairSync('ec', { namedCurve: curve }).privateKey;
      await expect401(
        `${alg} under the real kid`,
        `Bearer ${await forge(k, { alg, kid })}`,
        target,
      );
    }
    // HS256 with the platform's own JWT_SECRET: the algorithm is pinned to ES256.
    await expect401(
      'HS256 with JWT_SECRET',
      `Bearer ${await forge(secret, { alg: 'HS256', kid })}`,
      target,
    );
    // Confusion: HS256 keyed with the published public key, in every form one could try.
    const jwks = await call(es.url, 'GET', '/.well-known/jwks.json');
    const jwk = jwks.body.keys.find((k: { kid: string }) => k.kid === kid);
    const { createPublicKey } = await import('node:crypto');
    const pub = createPublicKey({ key: jwk, format: 'jwk' });
    for (const [label, bytes] of [
      ['PEM', Buffer.from(pub.export({ type: 'spki', format: 'pem' }) as string)],
      ['DER', pub.export({ type: 'spki', format: 'der' })],
      ['JWK', Buffer.from(JSON.stringify(jwk))],
      ['x', Buffer.from(jwk.x, 'base64url')],
    ] as const) {
      await expect401(
        `HS256 keyed with the public ${label}`,
        `Bearer ${await forge(createSecretKey(bytes), { alg: 'HS256', kid })}`,
        target,
      );
    }
    const [, body] = victim.access_token.split('.');
    for (const alg of ['none', 'ES256K', 'es256']) {
      const h = base64url.encode(JSON.stringify({ alg, typ: 'at+jwt', kid }));
      await expect401(
        `alg ${alg} with the real kid`,
        `Bearer ${h}.${body}.${victim.access_token.split('.')[2]}`,
        target,
      );
    }
  });

  withDatabase(
    'refuses what a retired key signs after retiring, and all it signed once unpublished',
    async () => {
      const oldKey = await privateKeyOf(kid);
      const rotated = await call(es.url, 'POST', '/api/v1/auth/keys/rotate', {
        headers: { authorization: `Bearer ${adminToken}` },
      });
      expect(rotated.status).toBe(200);
      const newKid: string = rotated.body.key.kid;
      const retiredAt = Date.parse(rotated.body.previous.retires_at) / 1000;
      const publishedUntil = Date.parse(rotated.body.previous.published_until) / 1000;
      // The new key's private part under the old kid: the signature does not match.
      const newKey = await privateKeyOf(newKid);
      await expect401(
        'new key under the old kid',
        `Bearer ${await forge(newKey, { alg: 'ES256', kid })}`,
        target,
      );

      await until('the retirement', async () => now() > retiredAt + LEEWAY + 1);
      sent++;
      const current = await call(es.url, 'POST', '/api/v1/auth/refresh', {
        body: { refresh_token: victim.refresh_token },
      });
      expect(decodeProtectedHeader(current.body.access_token).kid).toBe(newKid);
      recordSecrets('token', [current.body.access_token, current.body.refresh_token]);
      // Still published (tokens it signed before retiring are valid), but it signs no more.
      const jwks = await call(es.url, 'GET', '/.well-known/jwks.json');
      expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).toContain(kid);
      const late = await forge(oldKey, { alg: 'ES256', kid }, { iat: now(), exp: now() + 25 });
      await expect401('retired key, issued after its retirement', `Bearer ${late}`, target);

      await until('the old key leaving the JWKS', async () => {
        const res = await call(es.url, 'GET', '/.well-known/jwks.json');
        return !res.body.keys.some((k: { kid: string }) => k.kid === kid);
      });
      expect(now()).toBeGreaterThanOrEqual(publishedUntil);
      const backdated = await forge(
        oldKey,
        { alg: 'ES256', kid },
        { iat: Math.floor(retiredAt) - 5, exp: now() + 25 },
      );
      await expect401('retired key once unpublished (backdated)', `Bearer ${backdated}`, target);
      await expect401('real token of the unpublished key', `Bearer ${victim.access_token}`, target);
      sent++;
      const fresh = await call(es.url, 'POST', '/api/v1/auth/refresh', {
        body: { refresh_token: current.body.refresh_token },
      });
      recordSecrets('token', [fresh.body.access_token, fresh.body.refresh_token]);
      expect((await get(fresh.body.access_token)).status).toBe(200);
    },
    180_000,
  );
});

describe('tokens: token kinds are not interchangeable', () => {
  it('refuses a refresh token used as an access token', async () => {
    await expect401('refresh as access', `Bearer ${user.refresh_token}`);
  });

  it('refuses an access token used as a refresh token (400 for its shape, or 401)', async () => {
    sent++;
    const res = await api('POST', '/api/v1/auth/refresh', {
      body: { refresh_token: user.access_token },
    });
    expectProblem(res, res.status === 400 ? 400 : 401);
    expect(res.text).not.toContain(user.access_token);
  });

  it('refuses the tokens of a session after logout, even re-signed with the real secret', async () => {
    const gone = await registerAndLogin({ tag: 'tok3' });
    recordSecrets('password', [gone.password]);
    recordSecrets('token', [gone.access_token, gone.refresh_token]);
    sent++;
    const out = await api('POST', '/api/v1/auth/logout', { token: gone.token });
    expect(out.status).toBe(204);
    await expect401('after logout', `Bearer ${gone.token}`);
    const c = claimsOf(gone.token);
    await expect401(
      're-signed after logout',
      `Bearer ${await hs({ ...c, iat: now(), exp: now() + 600 })}`,
    );
    sent++;
    const refreshed = await api('POST', '/api/v1/auth/refresh', {
      body: { refresh_token: gone.refresh_token },
    });
    expectProblem(refreshed, 401);
  });

  it('leaves no violations', () => {
    expect(violations).toEqual([]);
  });
});
