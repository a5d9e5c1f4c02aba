import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { ProblemException } from '../../platform/errors/problem.js';
import { KeyValueStore } from '../../platform/kv/key-value.store.js';
import { lockoutDelaySec } from '../domain/lockout.js';
import { AuthSettings } from './auth-settings.js';

/**
 * Per-account lockout kept in the key-value store (shared by every replica). Keyed by the
 * normalised email whether or not an account exists, so a lock says nothing about existence.
 */
@Injectable()
export class LockoutService {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly settings: AuthSettings,
  ) {}

  private keys(email: string) {
    const h = createHash('sha256').update(email).digest('hex').slice(0, 40);
    return { fail: `auth:lockout:fail:${h}`, lock: `auth:lockout:lock:${h}` };
  }

  /** Seconds the account stays locked (0 when it is not). */
  async lockedFor(email: string): Promise<number> {
    const ttl = await this.kv.ttl(this.keys(email).lock);
    return ttl > 0 ? Math.ceil(ttl / 1000) : 0;
  }

  /** Throws 429 with Retry-After while the account is locked. */
  async assertNotLocked(email: string): Promise<void> {
    const seconds = await this.lockedFor(email);
    if (seconds > 0) throw tooManyAttempts(seconds);
  }

  /** Counts a failure; returns the lock it started (seconds, 0 for none). */
  async recordFailure(email: string): Promise<{ failures: number; lockedForSec: number }> {
    const k = this.keys(email);
    const resetMs = this.settings.lockoutResetSec * 1000;
    const failures = await this.kv.incr(k.fail, resetMs);
    await this.kv.expire(k.fail, resetMs);
    const lockedForSec = lockoutDelaySec(failures, this.settings.lockout);
    if (lockedForSec > 0) await this.kv.set(k.lock, String(failures), lockedForSec * 1000);
    return { failures, lockedForSec };
  }

  async reset(email: string): Promise<void> {
    const k = this.keys(email);
    await this.kv.del(k.fail, k.lock);
  }
}

export function tooManyAttempts(seconds: number): ProblemException {
  return new ProblemException(
    429,
    'too-many-attempts',
    'Too many failed attempts for this account. Try again later.',
    { retry_after: seconds, headers: { 'Retry-After': String(seconds) } },
  );
}
