import type { PartSchema } from '../../platform/database/index.js';
import { outboxMigrations } from '../../platform/outbox/outbox.migration.js';
import {
  AuditEventEntity,
  CredentialEntity,
  OAuthClientEntity,
  OAuthCodeEntity,
  FederatedIdentityEntity,
  OneTimeTokenEntity,
  RefreshTokenEntity,
  SessionEntity,
} from './auth.entities.js';
import { AuthCreateTables0001 } from './migrations/0001-create-auth.migration.js';
import { AuthSessionRole0002 } from './migrations/0002-session-role.migration.js';
import { AuthCreateMfaTables0003 } from './migrations/0003-create-mfa.migration.js';
import { AuthSigningKeys0004 } from './migrations/0004-signing-keys.migration.js';
import { AuthOAuth0005 } from './migrations/0005-oauth.migration.js';
import { AuthFederatedIdentities0006 } from './migrations/0006-federated-identities.migration.js';
import { AuthPendingRegistrations0007 } from './migrations/0007-pending-registrations.migration.js';

export const authSchema: PartSchema = {
  schema: 'auth',
  entities: [
    CredentialEntity,
    SessionEntity,
    RefreshTokenEntity,
    OneTimeTokenEntity,
    AuditEventEntity,
    OAuthClientEntity,
    OAuthCodeEntity,
    FederatedIdentityEntity,
  ],
  migrations: [
    AuthCreateTables0001,
    ...outboxMigrations('auth'),
    AuthSessionRole0002,
    AuthCreateMfaTables0003,
    AuthSigningKeys0004,
    AuthOAuth0005,
    AuthFederatedIdentities0006,
    AuthPendingRegistrations0007,
  ],
};
