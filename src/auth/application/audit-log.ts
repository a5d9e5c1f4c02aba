import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { newId } from '../../contracts/common/ids.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';
import { AuditEventEntity } from '../persistence/auth.entities.js';

/** Security events kept by auth (never a secret: no password, token or hash). */
export type AuditType =
  | 'user.registered'
  | 'user.invited'
  | 'login.succeeded'
  | 'login.failed'
  | 'account.locked'
  | 'token.refresh_reuse'
  | 'session.revoked'
  | 'logout'
  | 'password.changed'
  | 'password.reset_requested'
  | 'password.reset'
  | 'email.verified'
  | 'user.erased'
  | 'mfa.totp_setup'
  | 'mfa.totp_activated'
  | 'mfa.verify_succeeded'
  | 'mfa.verify_failed'
  | 'mfa.recovery_code_used'
  | 'mfa.recovery_codes_regenerated'
  | 'mfa.totp_disabled'
  | 'identity.linked'
  | 'oauth.client_created'
  | 'oauth.client_updated'
  | 'oauth.client_deleted'
  | 'oauth.client_secret_rotated'
  | 'oauth.consent_granted'
  | 'oauth.consent_denied'
  | 'oauth.code_reuse'
  | 'oauth.token_revoked'
  | 'signing_key.created'
  | 'signing_key.rotated';

export interface AuditInput {
  type: AuditType;
  userId?: string | null;
  sessionId?: string | null;
  meta?: RpcMeta;
  /** Internal details (e.g. the reason of a failure); not shown to the user. */
  data?: Record<string, unknown>;
}

@Injectable()
export class AuditLog {
  /** Records inside the caller's transaction. */
  async record(manager: EntityManager, input: AuditInput): Promise<void> {
    await manager.getRepository(AuditEventEntity).insert({
      id: newId('aud'),
      userId: input.userId ?? null,
      type: input.type,
      createdAt: new Date(),
      ip: input.meta?.ip ?? null,
      userAgent: input.meta?.userAgent?.slice(0, 512) ?? null,
      requestId: input.meta?.requestId ?? null,
      sessionId: input.sessionId ?? null,
      data: (input.data ?? {}) as AuditEventEntity['data'] & object,
    });
  }
}
