/**
 * Asymmetric signing keys against a real database (PostgreSQL when DATABASE_URL is set,
 * PGlite otherwise): one first key however many replicas start at once, private keys sealed
 * at rest, rotation (published first, signing after the delay, one at a time), retirement and
 * deletion, the signer's in-memory ring and TokenIssuer's limits.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditLog } from '../../src/auth/application/audit-log.js';
import { AuthSettings } from '../../src/auth/application/auth-settings.js';
import { openPrivateKey } from '../../src/auth/application/keys/key-material.js';
import { SigningKeyRing } from '../../src/auth/application/keys/signing-key-ring.js';
import { SigningKeys } from '../../src/auth/application/keys/signing-keys.service.js';
import { TokenIssuer } from '../../src/auth/application/token-issuer.js';
import { authSchema } from '../../src/auth/persistence/auth.schema.js';
import { hs256KeySet, publicKeySet, verifyJwt, type KeySet } from '../../src/contracts/auth/jwt.js';
import { AppConfig } from '../../src/platform/config/config.js';
import { loadConfig } from '../../src/platform/config/load-config.js';
import { ProblemException } from '../../src/platform/errors/problem.js';
import { createTestApp, type TestApp } from '../support/test-module.js';

const KEK = randomBytes(32).toString('hex');
const ENV = {
  JWT_ALGORITHM: 'ES256',
  JWT_KEY_PUBLISH_DELAY_S: '2',
  JWT_KEY_ENCRYPTION_KEY: KEK,
  JWT_ISSUER: 'https://id.example.test',
};
const admin = { actor: { id: 'usr_admin', role: 'admin', sid: 'ses_admin' }, requestId: 'it' };

let t: TestApp;
let ds: DataSource;
let settings: AuthSettings;
let keys: SigningKeys;
const rings: SigningKeyRing[] = [];

async function problemOf(p: Promise<unknown>): Promise<ProblemException> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ProblemException) return err;
    throw err;
  }
  throw new Error('expected a problem');
}

const rows = () =>
  ds.query(
    `SELECT kid, private_key_enc, activates_at, retires_at FROM auth.signing_keys`,
  ) as Promise<
    { kid: string; private_key_enc: string; activates_at: Date; retires_at: Date | null }[]
  >;
const headerOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8'));

/** The public set as a gateway builds it, to verify what the issuer signs. */
async function published(): Promise<KeySet> {
  const set = await keys.publicSet();
  return publicKeySet(
    'ES256',
    set.keys.map((k) => ({ jwk: k.jwk, notBefore: k.not_before })),
  );
}

beforeAll(async () => {
  t = await createTestApp({ schemas: [authSchema], env: ENV });
  ds = t.get(DataSource);
  settings = new AuthSettings(t.config);
  keys = new SigningKeys(ds, settings, new AuditLog());
});

afterAll(async () => {
  rings.forEach((r) => r.onApplicationShutdown());
  await t?.close();
});

describe('asymmetric signing keys', () => {
  it('creates exactly one first key when several replicas start at once', async () => {
    const replicas = Array.from({ length: 4 }, () => new SigningKeys(ds, settings, new AuditLog()));
    await Promise.all(replicas.map((r) => r.ensureKey()));
    await keys.ensureKey();
    const all = await rows();
    expect(all).toHaveLength(1);
    expect(all[0].retires_at).toBeNull();
    const audit = await ds.query(`SELECT data FROM auth.audit_events WHERE type = $1`, [
      'signing_key.created',
    ]);
    expect(audit).toHaveLength(1);
  });

  it('keeps the private key sealed at rest: only the encryption key opens it', async () => {
    const [row] = await rows();
    expect(row.private_key_enc).toMatch(/^v1\./);
    expect(row.private_key_enc).not.toMatch(/BEGIN|PRIVATE/);
    expect(() => openPrivateKey(row.private_key_enc, randomBytes(32))).toThrow();
    const key = openPrivateKey(row.private_key_enc, settings.keyEncryptionKey);
    const { jwk } = (await keys.publicSet()).keys[0];
    expect(key.asymmetricKeyType).toBe('ec');
    const pub = key.export({ format: 'jwk' });
    expect([pub.x, pub.y]).toEqual([jwk.x, jwk.y]);
  });

  it('rotates: the new key is published first and signs only from its activation', async () => {
    const ring = await new SigningKeyRing(settings, keys).start();
    rings.push(ring);
    const issuer = new TokenIssuer(settings, ring);
    const subject = {
      userId: 'usr_1',
      sessionId: 'ses_1',
      role: 'member',
      aal: 'aal1',
      amr: ['pwd'],
      authTime: new Date(),
      sessionExpiresAt: new Date(Date.now() + 3_600_000),
    };
    const first = issuer.issue(subject).token;
    const oldKid = headerOf(first).kid;
    expect(oldKid).toBe((await rows())[0].kid);

    expect(
      (await problemOf(keys.rotate({ actor: { id: 'usr_m', role: 'member' } }, 'api'))).getStatus(),
    ).toBe(403);
    expect((await problemOf(keys.rotate({}, 'api'))).getStatus()).toBe(401);
    const rotation = await keys.rotate(admin, 'api');
    expect(rotation.key.state).toBe('next');
    expect(rotation.previous).toMatchObject({ kid: oldKid, state: 'active' });
    expect(rotation.previous!.retires_at).toBe(rotation.key.activates_at);
    const activatesAt = Date.parse(rotation.key.activates_at);
    expect(activatesAt - Date.parse(rotation.key.created_at)).toBeGreaterThanOrEqual(2000);
    // Published at once, next to the active key; one rotation at a time.
    expect((await keys.publicSet()).keys.map((k) => k.jwk.kid)).toEqual([oldKid, rotation.key.kid]);
    const again = await problemOf(keys.rotate(admin, 'api'));
    expect(again.getStatus()).toBe(409);
    expect(again.problem).toMatchObject({ kid: rotation.key.kid });

    // Tokens carry the old kid until the activation instant, the new one from then on, and
    // every one of them verifies with the published keys.
    const set = await published();
    const seen = new Set<string>();
    const deadline = Date.now() + 30_000;
    while (!seen.has(rotation.key.kid)) {
      if (Date.now() > deadline) throw new Error('the new key never signed');
      const token = issuer.issue(subject).token;
      const { kid } = headerOf(token);
      const result = verifyJwt(token, set, {
        typ: 'at+jwt',
        issuer: ENV.JWT_ISSUER,
        audience: settings.audience,
        leewaySec: 0,
      });
      expect(result.ok).toBe(true);
      // Auth's own view of its keys (for its checks of its tokens) agrees.
      const own = verifyJwt(token, ring.verificationKeys(), {
        typ: 'at+jwt',
        issuer: ENV.JWT_ISSUER,
        audience: settings.audience,
        leewaySec: 0,
      });
      expect(own.ok).toBe(true);
      const iatMs = (result.ok ? (result.claims.iat as number) : 0) * 1000;
      if (kid === rotation.key.kid) expect(iatMs).toBeGreaterThanOrEqual(activatesAt);
      else expect([kid, iatMs <= activatesAt]).toEqual([oldKid, true]);
      seen.add(kid);
      await new Promise((r) => setTimeout(r, 100));
    }
    const listed = await keys.list(admin);
    expect(listed.keys.map((k) => [k.kid, k.state])).toEqual([
      [oldKid, 'retired'],
      [rotation.key.kid, 'active'],
    ]);
    expect(Date.parse(listed.keys[0].published_until!)).toBe(
      activatesAt + settings.keyRetentionSec * 1000,
    );
  });

  it('drops a retired key from the public set once its tokens have expired, then deletes it', async () => {
    const [oldest] = (await keys.list(admin)).keys;
    expect(oldest.state).toBe('retired');
    // As if the retention had passed: retired long ago.
    await ds.query(
      `UPDATE auth.signing_keys SET retires_at = now() - interval '2 days' WHERE kid = $1`,
      [oldest.kid],
    );
    expect((await keys.publicSet()).keys.map((k) => k.jwk.kid)).not.toContain(oldest.kid);
    expect((await keys.list(admin)).keys.map((k) => k.kid)).not.toContain(oldest.kid);
    await keys.rotate(undefined, 'cli');
    expect((await rows()).map((r) => r.kid)).not.toContain(oldest.kid);
    const [audit] = await ds.query(
      `SELECT user_id, data FROM auth.audit_events WHERE type = 'signing_key.rotated'
        ORDER BY created_at DESC LIMIT 1`,
    );
    expect(audit.user_id).toBeNull();
    expect(audit.data).toMatchObject({ via: 'cli', deleted: [oldest.kid] });
  });

  it('TokenIssuer.sign refuses tokens that would outlive the retention of their key', () => {
    const ring = rings[0];
    const issuer = new TokenIssuer(settings, ring);
    const now = Math.floor(Date.now() / 1000);
    const max = issuer.maxLifetime;
    const ok = issuer.sign(
      { iss: settings.issuer, sub: 'usr_1', aud: 'c', iat: now, exp: now + max },
      'JWT',
    );
    expect(headerOf(ok)).toMatchObject({ alg: 'ES256', typ: 'JWT' });
    expect(() => issuer.sign({ iat: now, exp: now + max + 60 }, 'JWT')).toThrow(/at most/);
    expect(() => issuer.sign({ iat: now + 0.5, exp: now + 60 }, 'JWT')).toThrow(/whole seconds/);
  });

  it('has nothing to rotate or publish with HS256', async () => {
    const hsConfig = new AppConfig(loadConfig({ NODE_ENV: 'test' }), ['auth']);
    const hs = new SigningKeys(ds, new AuthSettings(hsConfig), new AuditLog());
    expect(await hs.publicSet()).toEqual({ alg: 'HS256', keys: [] });
    expect((await problemOf(hs.rotate(admin, 'api'))).problem).toMatchObject({
      status: 409,
      type: expect.stringMatching(/no-key-pairs$/),
    });
    const ring = await new SigningKeyRing(new AuthSettings(hsConfig), hs).start();
    const token = new TokenIssuer(new AuthSettings(hsConfig), ring).sign(
      {
        iss: 'platform',
        aud: 'platform-api',
        iat: Math.floor(Date.now() / 1000),
        exp: Math.floor(Date.now() / 1000) + 60,
      },
      'JWT',
    );
    expect(headerOf(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const secretSet = hs256KeySet(hsConfig.get('JWT_SECRET'));
    expect(
      verifyJwt(token, secretSet, {
        typ: 'JWT',
        issuer: 'platform',
        audience: 'platform-api',
        leewaySec: 0,
      }).ok,
    ).toBe(true);
  });
});
