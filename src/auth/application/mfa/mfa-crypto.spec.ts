import { describe, expect, it } from '@jest/globals';
import type { AppConfig } from '../../../platform/config/config.js';
import { decodeKey256 } from '../../../platform/config/env-var.js';
import { MfaCrypto } from './mfa-crypto.js';

const config = (env: Record<string, string | undefined>) =>
  ({ get: (k: string) => env[k] }) as unknown as AppConfig;

describe('MfaCrypto', () => {
  const key = 'ab'.repeat(32);

  it('round-trips a secret and never stores it in clear', () => {
    const c = new MfaCrypto(config({ MFA_ENCRYPTION_KEY: key, NODE_ENV: 'production' }));
    const sealed = c.encrypt('JBSWY3DPEHPK3PXP');
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(c.encrypt('JBSWY3DPEHPK3PXP')).not.toBe(sealed);
    expect(c.decrypt(sealed)).toBe('JBSWY3DPEHPK3PXP');
  });

  it('refuses a tampered ciphertext or another key', () => {
    const c = new MfaCrypto(config({ MFA_ENCRYPTION_KEY: key }));
    const sealed = c.encrypt('JBSWY3DPEHPK3PXP');
    const other = new MfaCrypto(config({ MFA_ENCRYPTION_KEY: 'cd'.repeat(32) }));
    expect(() => other.decrypt(sealed)).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('x' + Buffer.from(parts[3], 'base64url').toString('latin1')).toString(
      'base64url',
    );
    expect(() => c.decrypt(parts.join('.'))).toThrow();
  });

  it('accepts 32-byte keys only; without one (never in production) uses a development key', () => {
    expect(decodeKey256(Buffer.alloc(32, 7).toString('base64'))).toHaveLength(32);
    expect(decodeKey256('ab'.repeat(32))).toEqual(Buffer.alloc(32, 0xab));
    expect(() => decodeKey256('short')).toThrow(/32 bytes/);
    const dev = new MfaCrypto(config({ NODE_ENV: 'development' }));
    expect(dev.decrypt(dev.encrypt('x'))).toBe('x');
  });
});
