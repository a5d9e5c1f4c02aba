import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OAuth 2.0 authorization server: registered clients (secret stored as a SHA-256 hash),
 * authorization codes (hash only; kept a day after use so a replay can be recognised), and
 * the client and granted scope of the sessions opened through OAuth.
 */
export class AuthOAuth0005 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE auth.oauth_clients (
        id text PRIMARY KEY,
        name text NOT NULL,
        type text NOT NULL,
        secret_hash text,
        redirect_uris jsonb NOT NULL DEFAULT '[]',
        grant_types jsonb NOT NULL DEFAULT '[]',
        scopes jsonb NOT NULL DEFAULT '[]',
        created_by text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        secret_rotated_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE auth.oauth_codes (
        hash text PRIMARY KEY,
        client_id text NOT NULL,
        user_id text NOT NULL,
        redirect_uri text NOT NULL,
        redirect_uri_given boolean NOT NULL,
        scope text NOT NULL,
        code_challenge text,
        nonce text,
        aal text NOT NULL,
        amr jsonb NOT NULL,
        auth_time timestamptz NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        session_id text
      )`);
    await q.query(`CREATE INDEX oauth_codes_expires_idx ON auth.oauth_codes (expires_at)`);
    await q.query(`ALTER TABLE auth.sessions ADD COLUMN client_id text, ADD COLUMN scope text`);
    await q.query(
      `CREATE INDEX sessions_client_idx ON auth.sessions (client_id) WHERE client_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX auth.sessions_client_idx`);
    await q.query(`ALTER TABLE auth.sessions DROP COLUMN client_id, DROP COLUMN scope`);
    await q.query(`DROP TABLE auth.oauth_codes`);
    await q.query(`DROP TABLE auth.oauth_clients`);
  }
}
