import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { createSecretKey, type KeyObject } from 'node:crypto';
import {
  hs256KeySet,
  publicKeySet,
  type AsymmetricAlgorithm,
  type KeySet,
  type SigningKey,
} from '../../../contracts/auth/jwt.js';
import { ProblemException } from '../../../platform/errors/problem.js';
import { publishedUntil, signingKeyAt } from '../../domain/signing-key.js';
import type { SigningKeyRow } from '../../persistence/signing-key.repository.js';
import type { AuthSettings } from '../auth-settings.js';
import { openPrivateKey } from './key-material.js';
import type { SigningKeys } from './signing-keys.service.js';

/**
 * The key this auth process signs with, held in memory so that signing never touches the
 * database (TokenIssuer is called inside transactions; on PGlite a second query there would
 * wait for the only connection forever).
 *
 * With ES256 / EdDSA the keys are reloaded every `keyRefreshMs` (a quarter of the publish
 * delay), so a rotation made by any replica or by the CLI is known here long before its key
 * starts signing, and the switch happens at the key's `activatesAt` in every replica at once.
 * Private keys are opened (decrypted) on first use and kept in memory only.
 */
export class SigningKeyRing implements OnApplicationShutdown {
  private readonly logger = new Logger('SigningKeyRing');
  private readonly hs?: SigningKey;
  private rows: SigningKeyRow[] = [];
  private verifying: KeySet;
  private readonly opened = new Map<string, KeyObject>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly settings: AuthSettings,
    private readonly keys: SigningKeys,
  ) {
    const alg = settings.jwtAlgorithm;
    if (alg === 'HS256') {
      this.hs = { alg: 'HS256', key: createSecretKey(Buffer.from(settings.jwtSecret, 'utf8')) };
      this.verifying = hs256KeySet(this.hs.key);
    } else {
      this.verifying = publicKeySet(alg, []);
    }
  }

  /** Creates the first key when needed, loads the keys and starts reloading them. */
  async start(): Promise<this> {
    const alg = this.keys.alg;
    if (!alg) return this;
    await this.keys.ensureKey();
    await this.reload(alg);
    this.timer = setInterval(() => {
      this.reload(alg).catch((err: unknown) =>
        this.logger.warn(`signing keys not reloaded: ${String(err)}`),
      );
    }, this.settings.keyRefreshMs);
    this.timer.unref();
    return this;
  }

  /** The key that signs now. */
  current(now = new Date()): SigningKey {
    if (this.hs) return this.hs;
    const row = signingKeyAt(this.rows, now);
    if (!row) {
      throw new ProblemException(503, 'signing-key-unavailable', 'No signing key is available.');
    }
    let key = this.opened.get(row.kid);
    if (!key) {
      key = openPrivateKey(row.privateKeyEnc, this.settings.keyEncryptionKey);
      this.opened.set(row.kid, key);
    }
    return { alg: row.alg, kid: row.kid, key };
  }

  /**
   * The keys that verify what this platform signed (as the gateways see them, windows
   * included): for auth's own checks of its tokens, e.g. `verifyJwt(token, ring.verificationKeys(), …)`.
   */
  verificationKeys(): KeySet {
    return this.verifying;
  }

  private async reload(alg: AsymmetricAlgorithm): Promise<void> {
    const rows = await this.keys.rows(alg);
    this.rows = rows;
    const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
    this.verifying = publicKeySet(
      alg,
      rows.map((r) => {
        const until = publishedUntil(r, this.settings.keyRetentionSec);
        return {
          jwk: r.publicJwk,
          notBefore: seconds(r.activatesAt),
          notAfter: r.retiresAt ? seconds(r.retiresAt) : undefined,
          until: until ? seconds(until) : undefined,
        };
      }),
    );
    const kids = new Set(rows.map((r) => r.kid));
    for (const kid of this.opened.keys()) if (!kids.has(kid)) this.opened.delete(kid);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
