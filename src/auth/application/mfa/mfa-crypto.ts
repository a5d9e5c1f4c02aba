import { Injectable, Logger } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { AppConfig } from '../../../platform/config/config.js';
import { ProblemException } from '../../../platform/errors/problem.js';

/** Parses MFA_ENCRYPTION_KEY: 64 hex characters or base64 of 32 bytes. */
export function parseMfaKey(raw: string): Buffer {
  const v = raw.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(v) ? Buffer.from(v, 'hex') : Buffer.from(v, 'base64');
  if (key.length !== 32) {
    throw new Error('MFA_ENCRYPTION_KEY: must be 32 bytes (64 hex characters or base64)');
  }
  return key;
}

/** Development only: never protects anything real. */
const DEV_KEY = createHash('sha256').update('platform-development-only-mfa-key').digest();

/**
 * Encrypts TOTP secrets at rest with AES-256-GCM (`v1.<iv>.<tag>.<ciphertext>`, base64url).
 * In production without MFA_ENCRYPTION_KEY, sign-in keeps working but no factor can be set
 * up or used (503), and the boot log says why.
 */
@Injectable()
export class MfaCrypto {
  private readonly logger = new Logger('MfaCrypto');
  private readonly key: Buffer | null;

  constructor(config: AppConfig) {
    const raw = config.get('MFA_ENCRYPTION_KEY');
    if (raw) {
      this.key = parseMfaKey(raw);
    } else if (config.get('NODE_ENV') === 'production') {
      this.key = null;
      this.logger.error(
        'MFA_ENCRYPTION_KEY is not set: it is required in production (32 random bytes, hex or ' +
          'base64). Two-factor authentication is unavailable until it is set.',
      );
    } else {
      this.key = DEV_KEY;
    }
  }

  private need(): Buffer {
    if (!this.key) {
      throw new ProblemException(
        503,
        'mfa-unavailable',
        'Two-factor authentication is not configured on this server.',
      );
    }
    return this.key;
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.need(), iv);
    const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return ['v1', iv, c.getAuthTag(), ct]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  decrypt(sealed: string): string {
    const [v, iv, tag, ct] = sealed.split('.');
    if (v !== 'v1' || !iv || !tag || ct === undefined) throw new Error('unknown secret format');
    const d = createDecipheriv('aes-256-gcm', this.need(), Buffer.from(iv, 'base64url'));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
  }
}
