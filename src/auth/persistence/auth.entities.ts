import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ schema: 'auth', name: 'credentials' })
export class CredentialEntity {
  @PrimaryColumn({ name: 'user_id', type: 'text' }) userId: string;
  @Column({ type: 'text' }) email: string;
  @Column({ name: 'password_hash', type: 'text', nullable: true }) passwordHash: string | null;
  @Column({ name: 'email_verified', type: 'boolean' }) emailVerified: boolean;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  @Column({ name: 'password_changed_at', type: 'timestamptz', nullable: true })
  passwordChangedAt: Date | null;
}

@Entity({ schema: 'auth', name: 'sessions' })
export class SessionEntity {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Column({ name: 'user_id', type: 'text' }) userId: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'last_used_at', type: 'timestamptz' }) lastUsedAt: Date;
  @Column({ name: 'idle_expires_at', type: 'timestamptz' }) idleExpiresAt: Date;
  @Column({ name: 'expires_at', type: 'timestamptz' }) expiresAt: Date;
  @Column({ type: 'text', nullable: true }) ip: string | null;
  @Column({ name: 'user_agent', type: 'text', nullable: true }) userAgent: string | null;
  @Column({ type: 'text' }) aal: string;
  /** The role at sign-in (null for sessions opened before it was kept). */
  @Column({ type: 'text', nullable: true }) role: string | null;
  @Column({ type: 'jsonb' }) amr: string[];
  @Column({ name: 'auth_time', type: 'timestamptz' }) authTime: Date;
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true }) revokedAt: Date | null;
  @Column({ name: 'revoked_reason', type: 'text', nullable: true }) revokedReason: string | null;
  /** The OAuth client the session was opened for (authorization code grant), else null. */
  @Column({ name: 'client_id', type: 'text', nullable: true }) clientId: string | null;
  /** The scopes granted to that client (space-separated). */
  @Column({ type: 'text', nullable: true }) scope: string | null;
}

@Entity({ schema: 'auth', name: 'refresh_tokens' })
export class RefreshTokenEntity {
  @PrimaryColumn({ type: 'text' }) hash: string;
  @Column({ name: 'session_id', type: 'text' }) sessionId: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'expires_at', type: 'timestamptz' }) expiresAt: Date;
  @Column({ name: 'rotated_at', type: 'timestamptz', nullable: true }) rotatedAt: Date | null;
  @Column({ name: 'successor_hash', type: 'text', nullable: true }) successorHash: string | null;
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true }) revokedAt: Date | null;
}

export type OneTimePurpose = 'verify-email' | 'reset-password' | 'invite';

@Entity({ schema: 'auth', name: 'one_time_tokens' })
export class OneTimeTokenEntity {
  @PrimaryColumn({ type: 'text' }) hash: string;
  @Column({ name: 'user_id', type: 'text' }) userId: string;
  @Column({ type: 'text' }) purpose: OneTimePurpose;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'expires_at', type: 'timestamptz' }) expiresAt: Date;
  @Column({ name: 'used_at', type: 'timestamptz', nullable: true }) usedAt: Date | null;
}

@Entity({ schema: 'auth', name: 'audit_events' })
export class AuditEventEntity {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Column({ name: 'user_id', type: 'text', nullable: true }) userId: string | null;
  @Column({ type: 'text' }) type: string;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'text', nullable: true }) ip: string | null;
  @Column({ name: 'user_agent', type: 'text', nullable: true }) userAgent: string | null;
  @Column({ name: 'request_id', type: 'text', nullable: true }) requestId: string | null;
  @Column({ name: 'session_id', type: 'text', nullable: true }) sessionId: string | null;
  @Column({ type: 'jsonb' }) data: Record<string, unknown>;
}

/** A provider's account linked to a user: signing in with it signs in as that user. */
@Entity({ schema: 'auth', name: 'federated_identities' })
export class FederatedIdentityEntity {
  @PrimaryColumn({ type: 'text' }) provider: string;
  /** The provider's stable id of the person (`sub`, GitHub's numeric id). */
  @PrimaryColumn({ type: 'text' }) subject: string;
  @Column({ name: 'user_id', type: 'text' }) userId: string;
  /** The address the provider gave when the link was made. */
  @Column({ type: 'text', nullable: true }) email: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}

@Entity({ schema: 'auth', name: 'oauth_clients' })
export class OAuthClientEntity {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text' }) type: 'confidential' | 'public';
  /** SHA-256 of the secret (256 random bits); null for public clients. */
  @Column({ name: 'secret_hash', type: 'text', nullable: true }) secretHash: string | null;
  @Column({ name: 'redirect_uris', type: 'jsonb' }) redirectUris: string[];
  @Column({ name: 'grant_types', type: 'jsonb' }) grantTypes: string[];
  @Column({ type: 'jsonb' }) scopes: string[];
  @Column({ name: 'created_by', type: 'text', nullable: true }) createdBy: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  @Column({ name: 'secret_rotated_at', type: 'timestamptz', nullable: true })
  secretRotatedAt: Date | null;
}

@Entity({ schema: 'auth', name: 'oauth_codes' })
export class OAuthCodeEntity {
  @PrimaryColumn({ type: 'text' }) hash: string;
  @Column({ name: 'client_id', type: 'text' }) clientId: string;
  @Column({ name: 'user_id', type: 'text' }) userId: string;
  @Column({ name: 'redirect_uri', type: 'text' }) redirectUri: string;
  /** Whether the authorization request named it (then the token request must too). */
  @Column({ name: 'redirect_uri_given', type: 'boolean' }) redirectUriGiven: boolean;
  @Column({ type: 'text' }) scope: string;
  @Column({ name: 'code_challenge', type: 'text', nullable: true }) codeChallenge: string | null;
  @Column({ type: 'text', nullable: true }) nonce: string | null;
  @Column({ type: 'text' }) aal: string;
  @Column({ type: 'jsonb' }) amr: string[];
  @Column({ name: 'auth_time', type: 'timestamptz' }) authTime: Date;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'expires_at', type: 'timestamptz' }) expiresAt: Date;
  @Column({ name: 'used_at', type: 'timestamptz', nullable: true }) usedAt: Date | null;
  /** The session the code's exchange opened: revoked if the code is presented again. */
  @Column({ name: 'session_id', type: 'text', nullable: true }) sessionId: string | null;
}
