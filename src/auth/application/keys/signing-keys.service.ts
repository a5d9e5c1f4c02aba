import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AsymmetricAlgorithm } from '../../../contracts/auth/jwt.js';
import type {
  KeyRotationDto,
  PublicKeySetDto,
  SigningKeyDto,
  SigningKeyListDto,
} from '../../../contracts/auth/keys.dto.js';
import { ProblemException } from '../../../platform/errors/problem.js';
import type { RpcMeta } from '../../../platform/transport/rpc-meta.js';
import {
  expiredKeys,
  isPublished,
  keyState,
  planRotation,
  publishedUntil,
} from '../../domain/signing-key.js';
import {
  SigningKeyRepository,
  type SigningKeyRow,
} from '../../persistence/signing-key.repository.js';
import { AuditLog } from '../audit-log.js';
import { AuthSettings } from '../auth-settings.js';
import { newKeyMaterial } from './key-material.js';

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * The asymmetric signing keys in auth's database: the first key at start, rotation (admin
 * endpoint or `npm run keys:rotate`), and what is published. Every change runs in one
 * transaction under an advisory lock, so replicas starting or rotating together cannot create
 * two keys. States and instants are explained in `domain/signing-key.ts`.
 */
@Injectable()
export class SigningKeys {
  private readonly logger = new Logger('SigningKeys');

  constructor(
    private readonly ds: DataSource,
    private readonly settings: AuthSettings,
    private readonly audit: AuditLog,
  ) {}

  /** The algorithm keys are made for, or undefined with HS256 (no key pairs). */
  get alg(): AsymmetricAlgorithm | undefined {
    const alg = this.settings.jwtAlgorithm;
    return alg === 'HS256' ? undefined : alg;
  }

  /** Creates a signing key when none signs (first start, or a new JWT_ALGORITHM). */
  async ensureKey(): Promise<void> {
    const alg = this.alg;
    if (!alg) return;
    const now = new Date();
    if (
      (await SigningKeyRepository.list(this.ds, alg)).some((k) => keyState(k, now) === 'active')
    ) {
      return;
    }
    await this.change(alg, undefined, 'start', (plan) => plan.kind === 'first');
  }

  /** Publishes a new key that signs after the publish delay; the current key then retires. */
  async rotate(meta: RpcMeta | undefined, via: 'api' | 'cli'): Promise<KeyRotationDto> {
    if (via === 'api') requireAdmin(meta);
    const alg = this.alg;
    if (!alg) {
      throw new ProblemException(
        409,
        'no-key-pairs',
        'Tokens are signed with HS256 and JWT_SECRET: there are no key pairs to rotate. ' +
          'Set JWT_ALGORITHM to ES256 or EdDSA to sign with rotating key pairs.',
      );
    }
    return (await this.change(alg, meta, via, () => true))!;
  }

  async list(meta: RpcMeta): Promise<SigningKeyListDto> {
    requireAdmin(meta);
    const alg = this.alg;
    const now = new Date();
    const rows = alg ? await SigningKeyRepository.list(this.ds, alg) : [];
    return {
      alg: this.settings.jwtAlgorithm,
      publish_delay_s: this.settings.keyPublishDelaySec,
      keys: rows.filter((k) => isPublished(k, now, this.retention)).map((k) => this.dto(k, now)),
    };
  }

  /** What the gateways verify with and publish (read fresh: they cache it themselves). */
  async publicSet(): Promise<PublicKeySetDto> {
    const alg = this.alg;
    if (!alg) return { alg: 'HS256', keys: [] };
    const now = new Date();
    const rows = await SigningKeyRepository.list(this.ds, alg);
    return {
      alg,
      keys: rows
        .filter((k) => isPublished(k, now, this.retention))
        .map((k) => {
          const until = publishedUntil(k, this.retention);
          return {
            jwk: k.publicJwk,
            not_before: seconds(k.activatesAt),
            not_after: k.retiresAt ? seconds(k.retiresAt) : null,
            published_until: until ? seconds(until) : null,
          };
        }),
    };
  }

  /** Every key of the algorithm, private parts sealed (the signing ring opens the one it uses). */
  rows(alg: AsymmetricAlgorithm): Promise<SigningKeyRow[]> {
    return SigningKeyRepository.list(this.ds, alg);
  }

  private get retention(): number {
    return this.settings.keyRetentionSec;
  }

  /**
   * Plans and applies one change under the lock: `accept` says whether the plan (decided on
   * the rows read under the lock) is wanted. Keys whose publication ended are deleted.
   */
  private async change(
    alg: AsymmetricAlgorithm,
    meta: RpcMeta | undefined,
    via: 'start' | 'api' | 'cli',
    accept: (plan: ReturnType<typeof planRotation<SigningKeyRow>>) => boolean,
  ): Promise<KeyRotationDto | undefined> {
    // The key pair is made before the transaction: the lock is held for a few writes only.
    const material = await newKeyMaterial(alg, this.settings.keyEncryptionKey);
    const result = await this.ds.transaction(async (m) => {
      await SigningKeyRepository.lock(m);
      const now = new Date();
      const rows = await SigningKeyRepository.list(m, alg);
      const plan = planRotation(rows, now, this.settings.keyPublishDelaySec);
      if (plan.kind === 'pending') {
        throw new ProblemException(
          409,
          'rotation-pending',
          `Key ${plan.next.kid} is published and starts signing at ` +
            `${plan.next.activatesAt.toISOString()}: one rotation at a time.`,
          { kid: plan.next.kid, activates_at: plan.next.activatesAt.toISOString() },
        );
      }
      if (!accept(plan)) return undefined;
      const key: SigningKeyRow = {
        ...material,
        alg,
        createdAt: now,
        activatesAt: plan.activatesAt,
        retiresAt: null,
      };
      await SigningKeyRepository.insert(m, key);
      const previous = plan.kind === 'rotate' ? plan.retire : [];
      await SigningKeyRepository.retire(
        m,
        previous.map((k) => k.kid),
        plan.activatesAt,
      );
      previous.forEach((k) => (k.retiresAt = plan.activatesAt));
      const gone = expiredKeys(rows, now, this.retention);
      await SigningKeyRepository.delete(
        m,
        gone.map((k) => k.kid),
      );
      await this.audit.record(m, {
        type: plan.kind === 'first' ? 'signing_key.created' : 'signing_key.rotated',
        userId: meta?.actor?.id ?? null,
        sessionId: meta?.actor?.sid ?? null,
        meta,
        data: {
          via,
          alg,
          kid: key.kid,
          activates_at: key.activatesAt.toISOString(),
          retired: previous.map((k) => k.kid),
          deleted: gone.map((k) => k.kid),
        },
      });
      return {
        key: this.dto(key, now),
        previous: previous.length ? this.dto(previous[previous.length - 1], now) : null,
      };
    });
    if (result) {
      this.logger.log(
        `signing key ${result.key.kid} (${alg}) ${result.previous ? `signs from ${result.key.activates_at}, replacing ${result.previous.kid}` : 'signs from now'}`,
      );
    }
    return result;
  }

  private dto(k: SigningKeyRow, now: Date): SigningKeyDto {
    return {
      kid: k.kid,
      alg: k.alg,
      state: keyState(k, now),
      created_at: k.createdAt.toISOString(),
      activates_at: k.activatesAt.toISOString(),
      retires_at: iso(k.retiresAt),
      published_until: iso(publishedUntil(k, this.retention)),
    };
  }
}

function requireAdmin(meta: RpcMeta | undefined): void {
  const actor = meta?.actor;
  if (!actor?.id) throw new ProblemException(401, 'unauthorized', 'An access token is required.');
  if (actor.role !== 'admin') {
    throw new ProblemException(403, 'forbidden', 'Your role does not allow this action.');
  }
}
