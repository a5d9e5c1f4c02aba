import { Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { AppConfig } from '../../../platform/config/config.js';
import { decodeKey256 } from '../../../platform/config/env-var.js';

/** Development only: never protects anything real (production refuses to start without a key). */
const DEV_KEY = createHash('sha256').update('platform-development-only-mfa-key').digest();

/**
 * Encrypts TOTP secrets at rest with AES-256-GCM (`v1.<iv>.<tag>.<ciphertext>`, base64url),
 * keyed by MFA_ENCRYPTION_KEY (validated at start; required in production).
 */
@Injectable()
export class MfaCrypto {
  private readonly key: Buffer;

  constructor(config: AppConfig) {
    const raw = config.get('MFA_ENCRYPTION_KEY');
    this.key = raw ? decodeKey256(raw) : DEV_KEY;
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return ['v1', iv, c.getAuthTag(), ct]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  decrypt(sealed: string): string {
    const [v, iv, tag, ct] = sealed.split('.');
    if (v !== 'v1' || !iv || !tag || ct === undefined) throw new Error('unknown secret format');
    const d = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
  }
}
