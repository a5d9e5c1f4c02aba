import { describe, expect, it } from '@jest/globals';
import { CommonPasswords } from './common-passwords.js';

describe('the bundled common-password list', () => {
  const list = new CommonPasswords();
  it('holds the 10,000 most common passwords, read from node_modules', () => {
    expect(list.size).toBe(10000);
    for (const p of ['password', '123456', 'qwerty', 'iloveyou', 'letmein', 'dragon']) {
      expect(list.has(p)).toBe(true);
    }
    expect(list.has('PASSWORD')).toBe(true);
    expect(list.has('SecurePass123!')).toBe(false);
    expect(list.has('correct horse battery staple 42')).toBe(false);
  });
});
