import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { newId } from '../../contracts/common/ids.js';
import type { RpcMeta } from '../../platform/transport/rpc-meta.js';

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

/** Columns of auth.audit_events in the order `auditRow` gives their values. */
export const AUDIT_COLUMNS =
  '(id, user_id, type, created_at, ip, user_agent, request_id, session_id, data)';

/** One audit row's values, in AUDIT_COLUMNS order (`data` as JSON text for a jsonb cast). */
export function auditRow(input: AuditInput, at: Date = new Date()): unknown[] {
  return [
    newId('aud'),
    input.userId ?? null,
    input.type,
    at,
    input.meta?.ip ?? null,
    input.meta?.userAgent?.slice(0, 512) ?? null,
    input.meta?.requestId ?? null,
    input.sessionId ?? null,
    JSON.stringify(input.data ?? {}),
  ];
}

/**
 * `($n, …)` placeholders for `row`, appended to `params`; a `::jsonb` cast where `jsonb` says
 * (by column index). For multi-row or multi-table statements built by hand.
 */
export function placeholders(params: unknown[], row: unknown[], jsonb: number[] = []): string {
  const marks = row.map((v, i) => {
    params.push(v);
    return `$${params.length}${jsonb.includes(i) ? '::jsonb' : ''}`;
  });
  return `(${marks.join(', ')})`;
}

/** The index of `data` in an audit row (jsonb). */
export const AUDIT_JSONB = [8];

@Injectable()
export class AuditLog {
  /** Records inside the caller's transaction (one plain INSERT). */
  async record(manager: EntityManager, input: AuditInput): Promise<void> {
    const params: unknown[] = [];
    const values = placeholders(params, auditRow(input), AUDIT_JSONB);
    await manager.query(`INSERT INTO auth.audit_events ${AUDIT_COLUMNS} VALUES ${values}`, params);
  }
}
