import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../../platform/config/config.js';
import { decodeKey256 } from '../../../platform/config/env-var.js';
import { developmentKey, seal, unseal } from '../../../platform/crypto/sealed.js';

/** Development only: never protects anything real (production refuses to start without a key). */
const DEV_KEY = developmentKey('mfa');

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
    return seal(this.key, plain);
  }

  decrypt(sealed: string): string {
    return unseal(this.key, sealed).toString('utf8');
  }
}
