import { describe, expect, it } from '@jest/globals';
import { decodeCursor, encodeCursor } from './admin.use-cases.js';
import { canSee, isRecentSignIn } from '../domain/access.js';

describe('list cursors', () => {
  it('round-trips a user id and refuses anything it did not make', () => {
    const id = 'usr_00mwvizr988wprhcoqvi5ls91l';
    expect(decodeCursor(encodeCursor(id))).toBe(id);
    for (const bad of ['', 'bogus', 'dXNyXzEyMw', Buffer.from('v1:x').toString('base64url')]) {
      expect(decodeCursor(bad)).toBeUndefined();
    }
    expect(decodeCursor(Buffer.from("v1:usr_0' OR 1=1").toString('base64url'))).toBeUndefined();
  });
});

describe('access rules', () => {
  it('members see only themselves; admins see anyone; nobody without a caller', () => {
    expect(canSee({ id: 'usr_a', role: 'member' }, 'usr_a')).toBe(true);
    expect(canSee({ id: 'usr_a', role: 'member' }, 'usr_b')).toBe(false);
    expect(canSee({ id: 'usr_a', role: 'admin' }, 'usr_b')).toBe(true);
    expect(canSee(undefined, 'usr_b')).toBe(false);
  });

  it('a recent sign-in is one within the allowed age', () => {
    const now = 1_800_000_000_000;
    expect(isRecentSignIn(now / 1000 - 10, now, 300)).toBe(true);
    expect(isRecentSignIn(now / 1000 - 301, now, 300)).toBe(false);
    expect(isRecentSignIn(undefined, now, 300)).toBe(false);
    expect(isRecentSignIn(now / 1000 + 3600, now, 300)).toBe(false);
  });
});
