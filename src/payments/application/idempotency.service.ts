import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../../platform/config/config.js';
import { ProblemException } from '../../platform/errors/index.js';
import { rowsOf } from '../persistence/payment.rows.js';

export type Begun =
  | { kind: 'new' | 'resume'; resourceId: string | null }
  | { kind: 'replay'; status: number; body: unknown };

/** Canonical JSON (sorted keys) so the same body always hashes the same. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export function fingerprint(operation: string, body: unknown): string {
  return createHash('sha256')
    .update(`${operation}\n${canonical(body)}`)
    .digest('hex');
}

/** The key given to Stripe / PayPal: ours, scoped to the user (their keys are per account). */
export function providerKey(userId: string, key: string, purpose: string): string {
  return `${purpose}-${createHash('sha256').update(`${userId}\n${key}`).digest('hex')}`;
}

/**
 * Idempotency-Key handling, Stripe's semantics, with the database as the arbiter: the primary
 * key (user, key) lets exactly one request own a key, whatever the number of processes.
 * Same key + same request → the first answer replayed; another request → 422; still running
 * → 409. Keys live PAYMENTS_IDEMPOTENCY_TTL_HOURS.
 */
@Injectable()
export class IdempotencyService {
  constructor(private readonly config: AppConfig) {}

  /**
   * Claims the key inside `m`'s transaction. `onNew` creates the resource for a fresh key in
   * the same transaction (its id is remembered, so a retry after a crash resumes it).
   */
  async begin(
    m: EntityManager,
    userId: string,
    key: string,
    hash: string,
    onNew: () => Promise<string | null>,
  ): Promise<Begun> {
    await m.query(
      `DELETE FROM payments.idempotency_keys WHERE user_id = $1 AND key = $2 AND expires_at <= now()`,
      [userId, key],
    );
    const ttl = this.config.get('PAYMENTS_IDEMPOTENCY_TTL_HOURS');
    // How long this request may hold the key before another attempt may take over (a crash).
    const lease = String(this.config.get('PAYMENTS_IDEMPOTENCY_LEASE_S'));
    const inserted = rowsOf(
      await m.query(
        `INSERT INTO payments.idempotency_keys (user_id, key, request_hash, state, locked_until, expires_at)
         VALUES ($1, $2, $3, 'in_flight', now() + ($5 || ' seconds')::interval,
                 now() + ($4 || ' hours')::interval)
         ON CONFLICT (user_id, key) DO NOTHING RETURNING key`,
        [userId, key, hash, String(ttl), lease],
      ),
    );
    if (inserted.length) {
      const resourceId = await onNew();
      if (resourceId) {
        await m.query(
          `UPDATE payments.idempotency_keys SET resource_id = $3 WHERE user_id = $1 AND key = $2`,
          [userId, key, resourceId],
        );
      }
      return { kind: 'new', resourceId };
    }
    const rows: Record<string, unknown>[] = await m.query(
      `SELECT request_hash, state, resource_id, response_status, response_body,
              locked_until > now() AS locked
         FROM payments.idempotency_keys WHERE user_id = $1 AND key = $2 FOR UPDATE`,
      [userId, key],
    );
    const row = rows[0];
    if (!row) throw new ProblemException(409, 'idempotency-key-in-use', 'Try again.');
    if (row.request_hash !== hash) {
      throw new ProblemException(
        422,
        'idempotency-key-reused',
        'This Idempotency-Key was already used with a different request. Use a new key for a new request.',
      );
    }
    if (row.state === 'done') {
      const body =
        typeof row.response_body === 'string' ? JSON.parse(row.response_body) : row.response_body;
      return { kind: 'replay', status: Number(row.response_status), body };
    }
    if (row.state === 'in_flight' && row.locked === true) {
      throw new ProblemException(
        409,
        'idempotency-key-in-use',
        'A request with this Idempotency-Key is still being processed. Retry after it completes.',
        { headers: { 'Retry-After': '1' } },
      );
    }
    // A failed attempt (provider unreachable) or a crashed one: this request takes over.
    await m.query(
      `UPDATE payments.idempotency_keys
          SET state = 'in_flight', locked_until = now() + ($3 || ' seconds')::interval
        WHERE user_id = $1 AND key = $2`,
      [userId, key, lease],
    );
    return { kind: 'resume', resourceId: (row.resource_id as string | null) ?? null };
  }

  /** Stores the answer to replay. */
  async complete(m: EntityManager, userId: string, key: string, status: number, body: unknown) {
    await m.query(
      `UPDATE payments.idempotency_keys
          SET state = 'done', response_status = $3, response_body = $4, locked_until = NULL
        WHERE user_id = $1 AND key = $2`,
      [userId, key, status, JSON.stringify(body)],
    );
  }

  /** The attempt failed in a way that is safe to retry (nothing stored to replay). */
  async release(m: EntityManager, userId: string, key: string) {
    await m.query(
      `UPDATE payments.idempotency_keys SET state = 'retryable', locked_until = NULL
        WHERE user_id = $1 AND key = $2`,
      [userId, key],
    );
  }

  /** The request was refused before anything ran (invalid): the key is free again. */
  async forget(m: EntityManager, userId: string, key: string) {
    await m.query(`DELETE FROM payments.idempotency_keys WHERE user_id = $1 AND key = $2`, [
      userId,
      key,
    ]);
  }

  async purgeExpired(m: EntityManager): Promise<void> {
    await m.query(`DELETE FROM payments.idempotency_keys WHERE expires_at <= now()`);
  }
}

/** The problem answered for a replayed failure, with the replay header. */
export function replayedProblem(body: unknown): ProblemException {
  const p = body as { status: number; type: string; detail?: string };
  return ProblemException.fromWire({ ...p, headers: { 'Idempotent-Replayed': 'true' } })!;
}
