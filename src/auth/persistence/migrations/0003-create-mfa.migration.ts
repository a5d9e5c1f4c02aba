import type { MigrationInterface, QueryRunner } from 'typeorm';

/** TOTP factors (secret encrypted, last accepted time step) and hashed recovery codes. */
export class AuthCreateMfaTables0003 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE auth.mfa_factors (
        user_id text PRIMARY KEY,
        secret_enc text NOT NULL,
        status text NOT NULL,
        last_time_step bigint,
        created_at timestamptz NOT NULL,
        activated_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE auth.mfa_recovery_codes (
        hash text PRIMARY KEY,
        user_id text NOT NULL,
        created_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
    await q.query(`CREATE INDEX mfa_recovery_codes_user_idx ON auth.mfa_recovery_codes (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE auth.mfa_recovery_codes`);
    await q.query(`DROP TABLE auth.mfa_factors`);
  }
}
