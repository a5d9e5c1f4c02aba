import { describe, expect, it } from '@jest/globals';
import { createHmac, createSecretKey } from 'node:crypto';
import { signHs256, verifyAccessToken, type AccessTokenClaims } from './access-token.js';
import { hs256KeySet } from './jwt.js';

const key = createSecretKey(Buffer.from('a-test-secret-of-at-least-32-bytes!!'));
const keys = hs256KeySet(key);
const now = 1_800_000_000;
const opts = { issuer: 'platform', audience: 'platform-api', leewaySec: 5, now };
const claims: AccessTokenClaims = {
  sub: 'usr_1',
  sid: 'ses_1',
  role: 'member',
  typ: 'access',
  aal: 'aal1',
  amr: ['pwd'],
  auth_time: now - 10,
  iat: now - 10,
  exp: now + 3600,
  iss: 'platform',
  aud: 'platform-api',
};
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const reason = (t: string, o = opts) => {
  const r = verifyAccessToken(t, keys, o);
  return r.ok ? 'ok' : r.reason;
};

describe('access tokens', () => {
  it('verifies what it signs', () => {
    const r = verifyAccessToken(signHs256(claims, key, 'at+jwt'), keys, opts);
    expect(r).toEqual({ ok: true, claims });
  });

  it('pins HS256: none, other algorithms and a missing signature are refused', () => {
    const body = b64(claims);
    expect(reason(`${b64({ alg: 'none', typ: 'at+jwt' })}.${body}.`)).toBe('malformed');
    const hs512 = `${b64({ alg: 'HS512', typ: 'at+jwt' })}.${body}`;
    const sig = createHmac('sha512', key).update(hs512).digest('base64url');
    expect(reason(`${hs512}.${sig}`)).toBe('algorithm');
    expect(reason(`${b64({ alg: 'RS256', typ: 'at+jwt' })}.${body}.abc`)).toBe('algorithm');
  });

  it('refuses other token types, tampering and other keys', () => {
    expect(reason(signHs256(claims, key, 'JWT'))).toBe('type');
    expect(reason(signHs256({ ...claims, typ: 'refresh' }, key, 'at+jwt'))).toBe('type');
    const t = signHs256(claims, key, 'at+jwt').split('.');
    expect(reason(`${t[0]}.${b64({ ...claims, role: 'admin' })}.${t[2]}`)).toBe('signature');
    const other = createSecretKey(Buffer.from('another-secret-of-at-least-32-bytes!'));
    expect(reason(signHs256(claims, other, 'at+jwt'))).toBe('signature');
    expect(reason('a.b')).toBe('malformed');
    expect(reason('x'.repeat(5000))).toBe('malformed');
  });

  it('checks expiry with a leeway of at most 10 s, issuer and audience', () => {
    const at = (exp: number, leewaySec = 5) =>
      reason(signHs256({ ...claims, exp }, key, 'at+jwt'), { ...opts, leewaySec });
    expect(at(now + 1)).toBe('ok');
    expect(at(now - 4)).toBe('ok');
    expect(at(now - 5)).toBe('expired');
    expect(at(now - 30, 60)).toBe('expired'); // leeway capped at 10 s
    expect(reason(signHs256({ ...claims, iat: now + 60 }, key, 'at+jwt'))).toBe('not-yet-valid');
    expect(reason(signHs256({ ...claims, iss: 'evil' }, key, 'at+jwt'))).toBe('issuer');
    expect(reason(signHs256({ ...claims, aud: 'other' }, key, 'at+jwt'))).toBe('audience');
    expect(reason(signHs256({ ...claims, sid: 1 }, key, 'at+jwt'))).toBe('claims');
  });

  it('tells client tokens (sub = client_id, no session) from malformed ones', () => {
    const client = {
      sub: 'cli_1',
      client_id: 'cli_1',
      scope: 'reports:read',
      typ: 'access',
      iat: now,
      exp: now + 60,
      iss: 'platform',
      aud: 'platform-api',
      jti: 'j',
    };
    const sign = (c: object) => signHs256(c, key, 'at+jwt');
    expect(reason(sign(client))).toBe('ok');
    expect(reason(sign({ ...client, sub: 'usr_1' }))).toBe('claims');
    expect(reason(sign({ ...client, jti: undefined }))).toBe('claims');
    expect(reason(sign({ ...client, scope: undefined }))).toBe('claims');
    expect(reason(sign({ ...claims, client_id: 'cli_1', scope: 'x' }))).toBe('claims'); // no jti
    expect(reason(sign({ ...claims, client_id: 'cli_1', scope: 'x', jti: 'j' }))).toBe('ok');
  });
});
