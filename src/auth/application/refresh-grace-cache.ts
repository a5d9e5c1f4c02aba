import { Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { TokenPairDto } from '../../contracts/auth/auth.dto.js';
import { KeyValueStore, type KeyValueEntry } from '../../platform/kv/key-value.store.js';

/**
 * Keeps the successor pair of a just-rotated refresh token for the grace window, so a second
 * tab presenting the same token gets the same pair. The pair is encrypted (AES-256-GCM) with
 * a key derived from the old refresh token, which only its holder knows: the store never
 * holds a usable token.
 */
@Injectable()
export class RefreshGraceCache {
  constructor(private readonly kv: KeyValueStore) {}

  private keyOf(token: string): Buffer {
    return Buffer.from(hkdfSync('sha256', token, 'platform-auth', 'refresh-grace', 32));
  }

  async put(oldToken: string, oldHash: string, pair: TokenPairDto, ttlMs: number): Promise<void> {
    const e = this.entry(oldToken, oldHash, pair, ttlMs);
    if (e) await this.kv.set(e.key, e.value, e.ttlMs);
  }

  /** What `put` writes, for a caller that sends it with other writes (null: nothing to keep). */
  entry(
    oldToken: string,
    oldHash: string,
    pair: TokenPairDto,
    ttlMs: number,
  ): KeyValueEntry | null {
    if (ttlMs <= 0) return null;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keyOf(oldToken), iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(pair), 'utf8'), cipher.final()]);
    const blob = Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    return { key: `auth:refresh-grace:${oldHash}`, value: blob, ttlMs };
  }

  async get(oldToken: string, oldHash: string): Promise<TokenPairDto | null> {
    const blob = await this.kv.get(`auth:refresh-grace:${oldHash}`);
    if (!blob) return null;
    try {
      const raw = Buffer.from(blob, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', this.keyOf(oldToken), raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      const json = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
      return JSON.parse(json.toString('utf8')) as TokenPairDto;
    } catch {
      return null;
    }
  }
}
