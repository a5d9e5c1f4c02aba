import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ids of profiles discarded because their registration was undone. A `users.user.create` that
 * arrives after the discard (held in a queue past the caller's timeout) finds the id here and
 * is refused, instead of creating a profile nobody would ever discard.
 */
export class UsersDiscardedUsers0002 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users.discarded_users (
        id text PRIMARY KEY,
        discarded_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE users.discarded_users`);
  }
}
