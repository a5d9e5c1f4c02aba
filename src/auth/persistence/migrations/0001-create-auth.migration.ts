import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Credentials, sessions with their refresh-token family, one-time tokens and the audit log. */
export class AuthCreateTables0001 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE auth.credentials (
        user_id text PRIMARY KEY,
        email text NOT NULL,
        password_hash text,
        email_verified boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        password_changed_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX credentials_email_uq ON auth.credentials (email)`);
    await q.query(`
      CREATE TABLE auth.sessions (
        id text PRIMARY KEY,
        user_id text NOT NULL,
        created_at timestamptz NOT NULL,
        last_used_at timestamptz NOT NULL,
        idle_expires_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        ip text,
        user_agent text,
        aal text NOT NULL DEFAULT 'aal1',
        amr jsonb NOT NULL DEFAULT '["pwd"]',
        auth_time timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_reason text
      )`);
    await q.query(`CREATE INDEX sessions_user_idx ON auth.sessions (user_id)`);
    await q.query(`
      CREATE TABLE auth.refresh_tokens (
        hash text PRIMARY KEY,
        session_id text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        rotated_at timestamptz,
        successor_hash text,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX refresh_tokens_session_idx ON auth.refresh_tokens (session_id)`);
    await q.query(`
      CREATE TABLE auth.one_time_tokens (
        hash text PRIMARY KEY,
        user_id text NOT NULL,
        purpose text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX one_time_tokens_user_idx ON auth.one_time_tokens (user_id, purpose)`,
    );
    await q.query(`
      CREATE TABLE auth.audit_events (
        id text PRIMARY KEY,
        user_id text,
        type text NOT NULL,
        created_at timestamptz NOT NULL,
        ip text,
        user_agent text,
        request_id text,
        session_id text,
        data jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(
      `CREATE INDEX audit_events_user_idx ON auth.audit_events (user_id, created_at DESC, id DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'audit_events',
      'one_time_tokens',
      'refresh_tokens',
      'sessions',
      'credentials',
    ]) {
      await q.query(`DROP TABLE auth.${t}`);
    }
  }
}
