import type { MigrationInterface, QueryRunner } from 'typeorm';

export class UsersCreateUsers0001 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users.users (
        id text PRIMARY KEY,
        email text,
        name text NOT NULL,
        role text NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'admin')),
        email_verified boolean NOT NULL DEFAULT false,
        disabled boolean NOT NULL DEFAULT false,
        locale text,
        timezone text,
        avatar_url text,
        theme text NOT NULL DEFAULT 'system',
        notifications jsonb NOT NULL
          DEFAULT '{"security": true, "product": true, "marketing": false}'::jsonb,
        custom jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        deleted_at timestamptz,
        erase_after timestamptz,
        erased_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX users_email_key ON users.users (email)`);
    await q.query(`CREATE INDEX users_role_idx ON users.users (role, id)`);
    await q.query(
      `CREATE INDEX users_erase_due_idx ON users.users (erase_after)
         WHERE erase_after IS NOT NULL AND erased_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE users.users`);
  }
}
