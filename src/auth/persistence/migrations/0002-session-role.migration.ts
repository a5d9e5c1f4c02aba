import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The role granted at sign-in, kept with the session so a refresh needs no call to the users
 * part (which revokes the sessions itself when it changes a role or disables a user).
 */
export class AuthSessionRole0002 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE auth.sessions ADD COLUMN role text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE auth.sessions DROP COLUMN role`);
  }
}
