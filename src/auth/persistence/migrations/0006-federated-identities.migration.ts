import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Provider accounts linked to users (social sign-in): one user, any number of providers. */
export class AuthFederatedIdentities0006 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE auth.federated_identities (
        provider text NOT NULL,
        subject text NOT NULL,
        user_id text NOT NULL,
        email text,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (provider, subject)
      )`);
    await q.query(
      `CREATE INDEX federated_identities_user_idx ON auth.federated_identities (user_id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE auth.federated_identities`);
  }
}
