import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  OAUTH_GRANT_TYPES,
  type CreateOAuthClientCommand,
  type OAuthClientDto,
  type OAuthClientPageDto,
  type OAuthClientWithSecretDto,
  type OAuthGrantType,
  type UpdateOAuthClientCommand,
} from '../../../contracts/auth/oauth.dto.js';
import { SessionKeys } from '../../../contracts/auth/session-keys.js';
import { hasPrefix, newId } from '../../../contracts/common/ids.js';
import {
  notFound,
  ProblemException,
  validationProblem,
  type FieldError,
} from '../../../platform/errors/problem.js';
import { KeyValueStore } from '../../../platform/kv/key-value.store.js';
import type { RpcMeta } from '../../../platform/transport/rpc-meta.js';
import { redirectUriProblem } from '../../domain/oauth/redirect-uri.js';
import { isScopeToken, MAX_SCOPES } from '../../domain/oauth/scope.js';
import { hashToken, newOpaqueToken } from '../../domain/opaque-token.js';
import { OAuthClientEntity } from '../../persistence/auth.entities.js';
import { AuditLog } from '../audit-log.js';
import { AuthSettings } from '../auth-settings.js';
import { SessionService } from '../session.service.js';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
const MAX_REDIRECT_URIS = 10;

export function toClientDto(c: OAuthClientEntity): OAuthClientDto {
  return {
    client_id: c.id,
    name: c.name,
    type: c.type,
    redirect_uris: c.redirectUris,
    grant_types: c.grantTypes as OAuthGrantType[],
    scopes: c.scopes,
    created_at: iso(c.createdAt)!,
    updated_at: iso(c.updatedAt)!,
    secret_rotated_at: iso(c.secretRotatedAt),
  };
}

function requireAdmin(meta: RpcMeta): string {
  const actor = meta?.actor;
  if (!actor?.id) throw new ProblemException(401, 'unauthorized', 'An access token is required.');
  if (actor.role !== 'admin' || actor.client_id) {
    throw new ProblemException(403, 'forbidden', 'Your role does not allow this action.');
  }
  return actor.id;
}

/** The rules a client's settings follow together; field errors, empty when valid. */
function settingsErrors(c: {
  type: string;
  redirectUris: string[];
  grantTypes: string[];
  scopes: string[];
}): FieldError[] {
  const errors: FieldError[] = [];
  if (c.type !== 'confidential' && c.type !== 'public') {
    errors.push({ field: 'type', message: 'must be confidential or public' });
  }
  if (!c.grantTypes.length) {
    errors.push({ field: 'grant_types', message: 'must list at least one grant type' });
  }
  for (const g of c.grantTypes) {
    if (!OAUTH_GRANT_TYPES.includes(g as OAuthGrantType)) {
      errors.push({ field: 'grant_types', message: `unknown grant type "${String(g)}"` });
    }
  }
  if (c.type === 'public' && c.grantTypes.includes('client_credentials')) {
    errors.push({
      field: 'grant_types',
      message: 'client_credentials needs a confidential client (RFC 6749 §4.4)',
    });
  }
  if (c.grantTypes.includes('refresh_token') && !c.grantTypes.includes('authorization_code')) {
    errors.push({
      field: 'grant_types',
      message: 'refresh_token comes with authorization_code (only user sign-ins are refreshed)',
    });
  }
  if (c.grantTypes.includes('authorization_code') && !c.redirectUris.length) {
    errors.push({ field: 'redirect_uris', message: 'authorization_code needs a redirect URI' });
  }
  if (c.redirectUris.length > MAX_REDIRECT_URIS) {
    errors.push({ field: 'redirect_uris', message: `at most ${MAX_REDIRECT_URIS}` });
  }
  c.redirectUris.forEach((u, i) => {
    const why = redirectUriProblem(u);
    if (why) errors.push({ field: `redirect_uris.${i}`, message: why });
  });
  if (c.scopes.length > MAX_SCOPES) {
    errors.push({ field: 'scopes', message: `at most ${MAX_SCOPES}` });
  }
  c.scopes.forEach((s, i) => {
    if (!isScopeToken(s)) {
      errors.push({
        field: `scopes.${i}`,
        message: 'must be 1 to 100 printable ASCII characters without space, " or \\',
      });
    }
  });
  return errors;
}

const unique = <T>(list: T[] | undefined): T[] => [...new Set(list ?? [])];

/**
 * The registry of OAuth clients (admin only). A confidential client gets a secret of 256
 * random bits, shown once and stored as its SHA-256 hash; a public client (a browser or
 * native app) has none and must use PKCE.
 */
@Injectable()
export class ClientRegistry {
  constructor(
    private readonly ds: DataSource,
    private readonly kv: KeyValueStore,
    private readonly sessions: SessionService,
    private readonly audit: AuditLog,
    private readonly settings: AuthSettings,
  ) {}

  /** A client by id, or null (for the OAuth endpoints: no admin check). */
  async find(clientId: unknown): Promise<OAuthClientEntity | null> {
    if (!hasPrefix(clientId, 'cli')) return null;
    return this.ds.getRepository(OAuthClientEntity).findOneBy({ id: clientId });
  }

  async create(cmd: CreateOAuthClientCommand, meta: RpcMeta): Promise<OAuthClientWithSecretDto> {
    const adminId = requireAdmin(meta);
    const now = new Date();
    const client: OAuthClientEntity = {
      id: newId('cli'),
      name: String(cmd?.name ?? '').trim(),
      type: cmd?.type,
      secretHash: null,
      redirectUris: unique(cmd?.redirect_uris),
      grantTypes: unique(cmd?.grant_types),
      scopes: unique(cmd?.scopes),
      createdBy: adminId,
      createdAt: now,
      updatedAt: now,
      secretRotatedAt: null,
    };
    const errors = settingsErrors(client);
    if (!client.name || client.name.length > 100) {
      errors.unshift({ field: 'name', message: 'must be 1 to 100 characters' });
    }
    if (errors.length) throw validationProblem(errors);
    const secret = client.type === 'confidential' ? newOpaqueToken('cs') : undefined;
    client.secretHash = secret ? hashToken(secret) : null;
    await this.ds.transaction(async (m) => {
      await m.getRepository(OAuthClientEntity).insert(client);
      await this.audit.record(m, {
        type: 'oauth.client_created',
        userId: adminId,
        sessionId: meta.actor?.sid,
        meta,
        data: { client_id: client.id, type: client.type },
      });
    });
    return { ...toClientDto(client), ...(secret ? { client_secret: secret } : {}) };
  }

  async list(
    query: { limit?: number; cursor?: string },
    meta: RpcMeta,
  ): Promise<OAuthClientPageDto> {
    requireAdmin(meta);
    const limit = Math.min(Math.max(Number(query?.limit) || 50, 1), 100);
    const qb = this.ds.getRepository(OAuthClientEntity).createQueryBuilder('c');
    if (query?.cursor) {
      if (!hasPrefix(query.cursor, 'cli')) {
        throw validationProblem([{ field: 'cursor', message: 'is not a valid cursor' }]);
      }
      qb.where('c.id > :cursor', { cursor: query.cursor });
    }
    const rows = await qb
      .orderBy('c.id', 'ASC')
      .limit(limit + 1)
      .getMany();
    const items = rows.slice(0, limit);
    return {
      items: items.map(toClientDto),
      next_cursor: rows.length > limit ? items[items.length - 1].id : null,
    };
  }

  async get(clientId: string, meta: RpcMeta): Promise<OAuthClientDto> {
    requireAdmin(meta);
    return toClientDto(await this.existing(clientId));
  }

  async update(
    clientId: string,
    changes: UpdateOAuthClientCommand,
    meta: RpcMeta,
  ): Promise<OAuthClientDto> {
    const adminId = requireAdmin(meta);
    const client = await this.existing(clientId);
    const next: OAuthClientEntity = {
      ...client,
      name: changes?.name !== undefined ? String(changes.name).trim() : client.name,
      redirectUris:
        changes?.redirect_uris !== undefined ? unique(changes.redirect_uris) : client.redirectUris,
      grantTypes:
        changes?.grant_types !== undefined ? unique(changes.grant_types) : client.grantTypes,
      scopes: changes?.scopes !== undefined ? unique(changes.scopes) : client.scopes,
      updatedAt: new Date(),
    };
    const errors = settingsErrors(next);
    if (!next.name || next.name.length > 100) {
      errors.unshift({ field: 'name', message: 'must be 1 to 100 characters' });
    }
    if (errors.length) throw validationProblem(errors);
    await this.ds.transaction(async (m) => {
      await m.getRepository(OAuthClientEntity).update(
        { id: client.id },
        {
          name: next.name,
          redirectUris: next.redirectUris,
          grantTypes: next.grantTypes,
          scopes: next.scopes,
          updatedAt: next.updatedAt,
        },
      );
      await this.audit.record(m, {
        type: 'oauth.client_updated',
        userId: adminId,
        sessionId: meta.actor?.sid,
        meta,
        data: { client_id: client.id, fields: Object.keys(changes ?? {}) },
      });
    });
    return toClientDto(next);
  }

  /** A new secret, shown once; the old one stops working at once. */
  async rotateSecret(clientId: string, meta: RpcMeta): Promise<OAuthClientWithSecretDto> {
    const adminId = requireAdmin(meta);
    const client = await this.existing(clientId);
    if (client.type !== 'confidential') {
      throw new ProblemException(409, 'public-client', 'A public client has no secret to rotate.');
    }
    const secret = newOpaqueToken('cs');
    const now = new Date();
    await this.ds.transaction(async (m) => {
      await m
        .getRepository(OAuthClientEntity)
        .update(
          { id: client.id },
          { secretHash: hashToken(secret), secretRotatedAt: now, updatedAt: now },
        );
      await this.audit.record(m, {
        type: 'oauth.client_secret_rotated',
        userId: adminId,
        sessionId: meta.actor?.sid,
        meta,
        data: { client_id: client.id },
      });
    });
    return {
      ...toClientDto({ ...client, secretRotatedAt: now, updatedAt: now }),
      client_secret: secret,
    };
  }

  /**
   * Deletes the client: the sessions users opened for it are revoked (their tokens die on the
   * next request) and its client_credentials tokens are refused until they would expire.
   */
  async remove(clientId: string, meta: RpcMeta): Promise<void> {
    const adminId = requireAdmin(meta);
    const client = await this.existing(clientId);
    const revoked = await this.ds.transaction(async (m) => {
      const ids = (
        (await m.query(`SELECT id FROM auth.sessions WHERE client_id = $1 AND revoked_at IS NULL`, [
          client.id,
        ])) as { id: string }[]
      ).map((r) => r.id);
      const done = await this.sessions.revokeIn(m, ids, 'client_deleted');
      await m.query(`DELETE FROM auth.oauth_codes WHERE client_id = $1`, [client.id]);
      await m.getRepository(OAuthClientEntity).delete({ id: client.id });
      await this.audit.record(m, {
        type: 'oauth.client_deleted',
        userId: adminId,
        sessionId: meta.actor?.sid,
        meta,
        data: { client_id: client.id, sessions_revoked: done.length },
      });
      return done;
    });
    await this.sessions.forget(revoked);
    const ttl = (this.settings.accessTtl + this.settings.leewaySec + 5) * 1000;
    await this.kv.set(SessionKeys.revokedClient(client.id), '1', ttl);
  }

  private async existing(clientId: string): Promise<OAuthClientEntity> {
    const client = await this.find(clientId);
    if (!client) throw notFound('Client');
    return client;
  }
}
