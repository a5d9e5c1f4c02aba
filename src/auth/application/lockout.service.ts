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

  /**
   * One read: seconds the account stays locked (0 when it is not) and whether failures are
   * being counted (so a successful sign-in clears them only when there are some).
   */
  async state(email: string): Promise<{ lockedForSec: number; failures: boolean }> {
    const k = this.keys(email);
    const [lock, fail] = await this.kv.mget([k.lock, k.fail]);
    const until = Number(lock);
    const left = lock && until > Date.now() ? Math.ceil((until - Date.now()) / 1000) : 0;
    return { lockedForSec: left, failures: fail !== null };
  }

  /** Throws 429 with Retry-After while the account is locked. */
  async assertNotLocked(email: string): Promise<{ failures: boolean }> {
    const s = await this.state(email);
    if (s.lockedForSec > 0) throw tooManyAttempts(s.lockedForSec);
    return s;
  }

  /** Counts a failure; returns the lock it started (seconds, 0 for none). */
  async recordFailure(email: string): Promise<{ failures: number; lockedForSec: number }> {
    const k = this.keys(email);
    const resetMs = this.settings.lockoutResetSec * 1000;
    const failures = await this.kv.incr(k.fail, resetMs);
    await this.kv.expire(k.fail, resetMs);
    const lockedForSec = lockoutDelaySec(failures, this.settings.lockout);
    if (lockedForSec > 0) {
      // The value is the unlock time, so one read tells how long is left.
      const until = Date.now() + lockedForSec * 1000;
      await this.kv.set(k.lock, String(until), lockedForSec * 1000);
    }
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
