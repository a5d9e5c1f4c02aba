import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { hashToken, newOpaqueToken } from '../domain/opaque-token.js';
import { OneTimeTokenEntity, type OneTimePurpose } from '../persistence/auth.entities.js';
import { rowsOf } from './session.service.js';

const PREFIX: Record<OneTimePurpose, string> = {
  'verify-email': 'evt',
  'reset-password': 'prt',
  invite: 'ivt',
};

/** Single-use, expiring tokens for mailed links; stored only as hashes. */
@Injectable()
export class OneTimeTokens {
  /** Issues a token; earlier unused tokens of the same purpose stop working. */
  async issue(
    m: EntityManager,
    userId: string,
    purpose: OneTimePurpose,
    ttlSec: number,
  ): Promise<string> {
    const now = new Date();
    await m.query(
      `UPDATE auth.one_time_tokens SET used_at = $1
        WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL`,
      [now, userId, purpose],
    );
    const token = newOpaqueToken(PREFIX[purpose]);
    await m.getRepository(OneTimeTokenEntity).insert({
      hash: hashToken(token),
      userId,
      purpose,
      createdAt: now,
      expiresAt: new Date(now.getTime() + ttlSec * 1000),
      usedAt: null,
    });
    return token;
  }

  /** The user a valid (unused, unexpired) token belongs to, without using it. */
  async peek(
    m: EntityManager,
    token: string,
    purposes: OneTimePurpose[],
  ): Promise<{ userId: string; purpose: OneTimePurpose } | null> {
    if (typeof token !== 'string' || token.length > 200) return null;
    const rows = (await m.query(
      `SELECT user_id, purpose FROM auth.one_time_tokens
        WHERE hash = $1 AND purpose = ANY($2) AND used_at IS NULL AND expires_at > $3`,
      [hashToken(token), purposes, new Date()],
    )) as { user_id: string; purpose: OneTimePurpose }[];
    return rows[0] ? { userId: rows[0].user_id, purpose: rows[0].purpose } : null;
  }

  /** Uses a token atomically: only one caller ever gets its user back. */
  async consume(
    m: EntityManager,
    token: string,
    purposes: OneTimePurpose[],
  ): Promise<{ userId: string; purpose: OneTimePurpose } | null> {
    if (typeof token !== 'string' || token.length > 200) return null;
    const rows = rowsOf<{ user_id: string; purpose: OneTimePurpose }>(
      await m.query(
        `UPDATE auth.one_time_tokens SET used_at = $1
          WHERE hash = $2 AND purpose = ANY($3) AND used_at IS NULL AND expires_at > $1
          RETURNING user_id, purpose`,
        [new Date(), hashToken(token), purposes],
      ),
    );
    return rows[0] ? { userId: rows[0].user_id, purpose: rows[0].purpose } : null;
  }
}
