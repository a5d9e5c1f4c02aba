import { describe, expect, it } from '@jest/globals';
import { needsRehash } from './argon2-params.js';
import { lockoutDelaySec } from './lockout.js';
import { hashToken, newOpaqueToken } from './opaque-token.js';
import { checkPassword, normalizeEmail } from './password-policy.js';

const common = new Set(['password', 'qwerty123']);
const isCommon = (p: string) => common.has(p) || common.has(p.toLowerCase());

describe('password policy', () => {
  it('counts characters, not bytes, and never truncates', () => {
    expect(checkPassword('é'.repeat(8), 'a@b.c', isCommon)).toEqual([]);
    expect(checkPassword('😀'.repeat(128), 'a@b.c', isCommon)).toEqual([]);
    expect(checkPassword('😀'.repeat(129), 'a@b.c', isCommon)[0].message).toMatch(/128/);
    expect(checkPassword('1234567', 'a@b.c', isCommon)[0].message).toMatch(/between 8/);
  });

  it('refuses common passwords (any case) and the email itself', () => {
    expect(checkPassword('PassWord', 'a@b.c', isCommon)[0].message).toMatch(/common/);
    expect(checkPassword('User@Example.com', 'user@example.com', isCommon)[0].message).toMatch(
      /email/,
    );
    expect(checkPassword('x', 'a@b.c', isCommon, 'new_password')[0].field).toBe('new_password');
  });

  it('normalises emails', () => {
    expect(normalizeEmail('  John.Doe@Example.COM ')).toBe('john.doe@example.com');
  });
});

describe('lockout', () => {
  const policy = { threshold: 5, baseDelaySec: 30, maxDelaySec: 900 };
  it('grows from the threshold and is capped at 15 minutes', () => {
    expect([1, 4].map((n) => lockoutDelaySec(n, policy))).toEqual([0, 0]);
    expect([5, 6, 7, 8, 9, 10].map((n) => lockoutDelaySec(n, policy))).toEqual([
      30, 60, 120, 240, 480, 900,
    ]);
    expect(lockoutDelaySec(1000, policy)).toBe(900);
  });
});

describe('argon2 parameters', () => {
  it('upgrades anything weaker than argon2id m=19456 t=2 p=1', () => {
    const ok = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g';
    expect(needsRehash(ok)).toBe(false);
    expect(needsRehash(ok.replace('m=19456', 'm=4096'))).toBe(true);
    expect(needsRehash(ok.replace('t=2', 't=1'))).toBe(true);
    expect(needsRehash(ok.replace('argon2id', 'argon2i'))).toBe(true);
    expect(needsRehash('$2b$10$abcdefghijklmnopqrstuv')).toBe(true);
  });
});

describe('opaque tokens', () => {
  it('carry 256 random bits and are stored as SHA-256', () => {
    const t = newOpaqueToken('rt');
    expect(t).toMatch(/^rt_[A-Za-z0-9_-]{43}$/);
    expect(newOpaqueToken('rt')).not.toBe(t);
    expect(hashToken(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(t)).not.toContain(t.slice(3));
  });
});
