import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { LinkedIdentityDto } from '../../../contracts/auth/auth.dto.js';
import type { RpcMeta } from '../../../platform/transport/rpc-meta.js';
import type { FederatedIdentity } from '../../domain/federated-identity.js';
import { FederatedIdentityEntity } from '../../persistence/auth.entities.js';
import { AuditLog } from '../audit-log.js';

/** Provider accounts linked to users (`auth.federated_identities`). */
@Injectable()
export class FederatedIdentities {
  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditLog,
  ) {}

  /** The user this provider account signs in to, or null. */
  async userOf(provider: string, subject: string): Promise<string | null> {
    const row = await this.ds
      .getRepository(FederatedIdentityEntity)
      .findOneBy({ provider, subject });
    return row?.userId ?? null;
  }

  /** Links inside `m`'s transaction and audits `identity.linked`. */
  async link(
    m: EntityManager,
    identity: FederatedIdentity,
    userId: string,
    meta: RpcMeta,
  ): Promise<void> {
    await m.getRepository(FederatedIdentityEntity).insert({
      provider: identity.provider,
      subject: identity.subject,
      userId,
      email: identity.email ?? null,
      createdAt: new Date(),
    });
    await this.audit.record(m, {
      type: 'identity.linked',
      userId,
      meta,
      data: { provider: identity.provider },
    });
  }

  /** For the data export. */
  async listFor(userId: string): Promise<LinkedIdentityDto[]> {
    const rows = await this.ds
      .getRepository(FederatedIdentityEntity)
      .find({ where: { userId }, order: { createdAt: 'ASC' } });
    return rows.map((r) => ({
      provider: r.provider,
      subject: r.subject,
      email: r.email,
      created_at: new Date(r.createdAt).toISOString(),
    }));
  }

  /** Erasure: the links go, so the provider account could never sign in to this user again. */
  async erase(m: EntityManager, userId: string): Promise<void> {
    await m.query(`DELETE FROM auth.federated_identities WHERE user_id = $1`, [userId]);
  }
}
