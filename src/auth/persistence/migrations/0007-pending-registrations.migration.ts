import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Registrations under way: the profile is created in the users part before the credentials
 * here, so a process that dies in between would leave a profile nobody can sign in to. A row
 * lives from before the profile is created until the credentials commit (same transaction);
 * one left behind is undone by `PendingRegistrations`.
 */
export class AuthPendingRegistrations0007 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE auth.pending_registrations (
        user_id text PRIMARY KEY,
        started_at timestamptz NOT NULL DEFAULT now(),
        abandoned boolean NOT NULL DEFAULT false
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE auth.pending_registrations`);
  }
}
