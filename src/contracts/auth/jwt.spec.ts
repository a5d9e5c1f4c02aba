import { describe, expect, it } from '@jest/globals';
import { createSecretKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT, createLocalJWKSet, jwtVerify } from 'jose';
import {
  hs256KeySet,
  importPublicJwk,
  signJwt,
  verifyJwt,
  type AsymmetricAlgorithm,
  type KeySet,
  type PublicJwk,
  type VerificationKey,
} from './jwt.js';

const now = 1_800_000_000;
const opts = { issuer: 'https://id.example.com', audience: 'api', leewaySec: 5, now, typ: 'JWT' };
const claims = { sub: 'usr_1', iss: opts.issuer, aud: 'api', iat: now - 10, exp: now + 600 };

function pair(alg: AsymmetricAlgorithm, kid: string) {
  const { publicKey, privateKey } =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('ed25519');
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  const jwk = { kty, crv, x, ...(y ? { y } : {}), kid, alg, use: 'sig' } as PublicJwk;
  return { jwk, privateKey, signing: { alg, kid, key: privateKey } };
}

function setOf(alg: AsymmetricAlgorithm, keys: (VerificationKey & { kid: string })[]): KeySet {
  const byKid = new Map(keys.map((k) => [k.kid, k]));
  return { alg, find: (kid) => (typeof kid === 'string' ? byKid.get(kid) : undefined) };
}

const reason = (token: string, keys: KeySet, o = opts) => {
  const r = verifyJwt(token, keys, o);
  return r.ok ? 'ok' : r.reason;
};

describe.each(['ES256', 'EdDSA'] as const)('%s tokens', (alg) => {
  const a = pair(alg, 'key-a');
  const b = pair(alg, 'key-b');
  const keys = setOf(alg, [
    { kid: 'key-a', key: importPublicJwk(a.jwk, alg) },
    { kid: 'key-b', key: importPublicJwk(b.jwk, alg) },
  ]);

  it('verifies what it signs, the kid choosing the key', () => {
    const t = signJwt(claims, a.signing, 'JWT');
    expect(JSON.parse(Buffer.from(t.split('.')[0], 'base64url').toString())).toEqual({
      alg,
      typ: 'JWT',
      kid: 'key-a',
    });
    expect(verifyJwt(t, keys, opts)).toEqual({ ok: true, claims });
    expect(reason(signJwt(claims, b.signing, 'JWT'), keys)).toBe('ok');
  });

  it('is what a third party verifies with jose and the published JWKS, and the reverse', async () => {
    const jwks = createLocalJWKSet({ keys: [a.jwk, b.jwk] });
    const t = signJwt(claims, b.signing, 'JWT');
    const { payload, protectedHeader } = await jwtVerify(t, jwks, {
      algorithms: [alg],
      issuer: opts.issuer,
      audience: 'api',
      currentDate: new Date(now * 1000),
    });
    expect(payload.sub).toBe('usr_1');
    expect(protectedHeader.kid).toBe('key-b');
    const byJose = await new SignJWT(claims)
      .setProtectedHeader({ alg, typ: 'JWT', kid: 'key-a' })
      .sign(a.privateKey);
    expect(reason(byJose, keys)).toBe('ok');
  });

  it('refuses an unknown or missing kid, a kid naming another key, and tampering', () => {
    const t = signJwt(claims, a.signing, 'JWT');
    expect(reason(signJwt(claims, { ...a.signing, kid: 'nope' }, 'JWT'), keys)).toBe('key');
    expect(reason(signJwt(claims, { ...a.signing, kid: undefined }, 'JWT'), keys)).toBe('key');
    expect(reason(signJwt(claims, { ...a.signing, kid: 'key-b' }, 'JWT'), keys)).toBe('signature');
    const [h, , s] = t.split('.');
    const edited = Buffer.from(JSON.stringify({ ...claims, sub: 'usr_2' })).toString('base64url');
    expect(reason(`${h}.${edited}.${s}`, keys)).toBe('signature');
    expect(reason(`${h}.${t.split('.')[1]}.${s.slice(0, -4)}`, keys)).toBe('signature');
  });

  it('pins the algorithm: HS256 keyed with the public key, another curve or none are refused', () => {
    const pem = importPublicJwk(a.jwk, alg).export({ type: 'spki', format: 'pem' });
    const hmacKey = createSecretKey(Buffer.from(pem));
    const confused = signJwt(claims, { alg: 'HS256', kid: 'key-a', key: hmacKey }, 'JWT');
    expect(reason(confused, keys)).toBe('algorithm');
    const [, body, sig] = signJwt(claims, a.signing, 'JWT').split('.');
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', kid: 'key-a' }));
    expect(reason(`${none.toString('base64url')}.${body}.${sig}`, keys)).toBe('algorithm');
    const otherAlg: AsymmetricAlgorithm = alg === 'ES256' ? 'EdDSA' : 'ES256';
    const foreign = pair(otherAlg, 'key-a');
    expect(reason(signJwt(claims, foreign.signing, 'JWT'), keys)).toBe('algorithm');
    // A key of the other algorithm never enters a set: importing it for this one throws.
    expect(() => importPublicJwk({ ...foreign.jwk, alg }, alg)).toThrow(/not an/);
    expect(() => importPublicJwk(foreign.jwk, alg)).toThrow(/not an/);
  });

  it('refuses tokens issued outside the key window (before it signed, after it retired)', () => {
    const windowed = setOf(alg, [
      { kid: 'key-a', key: importPublicJwk(a.jwk, alg), notBefore: now - 100, notAfter: now - 50 },
    ]);
    const issued = (iat: number) => reason(signJwt({ ...claims, iat }, a.signing, 'JWT'), windowed);
    expect(issued(now - 100)).toBe('ok');
    expect(issued(now - 50)).toBe('ok');
    expect(issued(now - 46)).toBe('ok'); // leeway
    expect(issued(now - 44)).toBe('key'); // signed after the key retired
    expect(issued(now - 106)).toBe('key'); // before it was meant to sign
  });
});

describe('verifyJwt checks', () => {
  const secret: KeyObject = createSecretKey(Buffer.from('a-test-secret-of-at-least-32-bytes!!'));
  const keys = hs256KeySet(secret);
  const hs = (c: object, typ = 'JWT') => signJwt(c, { alg: 'HS256', key: secret }, typ);

  it('checks typ, expiry, not-before, issuer, audience and claim shapes', () => {
    expect(reason(hs(claims), keys)).toBe('ok');
    expect(reason(hs(claims, 'at+jwt'), keys)).toBe('type');
    expect(reason(hs({ ...claims, exp: now - 5 }), keys)).toBe('expired');
    expect(reason(hs({ ...claims, iat: now + 60 }), keys)).toBe('not-yet-valid');
    expect(reason(hs({ ...claims, nbf: now + 60 }), keys)).toBe('not-yet-valid');
    expect(reason(hs({ ...claims, nbf: 'soon' }), keys)).toBe('not-yet-valid');
    expect(reason(hs({ ...claims, iss: 'other' }), keys)).toBe('issuer');
    expect(reason(hs({ ...claims, aud: ['api'] }), keys)).toBe('audience');
    expect(reason(hs({ ...claims, exp: undefined }), keys)).toBe('claims');
    expect(reason(hs({ ...claims, iat: '1' }), keys)).toBe('claims');
    expect(reason(hs([claims]), keys)).toBe('malformed');
  });
});
