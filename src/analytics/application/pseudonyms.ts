import { createHmac } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../platform/config/index.js';

/**
 * Stable pseudonyms for erased users: a keyed hash of the user id, so the same user always
 * maps to the same pseudonym (distinct counts stay right) and nobody without the key can tell
 * whose it is.
 */
@Injectable()
export class Pseudonyms {
  private readonly key: Buffer;

  constructor(config: AppConfig) {
    const explicit = config.get('ANALYTICS_PSEUDONYM_SECRET');
    this.key = explicit
      ? Buffer.from(explicit)
      : createHmac('sha256', config.get('JWT_SECRET')).update('analytics-pseudonym-v1').digest();
  }

  of(userId: string): string {
    return 'psn_' + createHmac('sha256', this.key).update(userId).digest('hex').slice(0, 32);
  }
}
