import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Asymmetric token signing keys (JWT_ALGORITHM ES256 or EdDSA): the public JWK, the private
 * key encrypted with JWT_KEY_ENCRYPTION_KEY, and the two instants of its lifecycle.
 */
export class AuthSigningKeys0004 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE auth.signing_keys (
        kid text PRIMARY KEY,
        alg text NOT NULL,
        public_jwk jsonb NOT NULL,
        private_key_enc text NOT NULL,
        created_at timestamptz NOT NULL,
        activates_at timestamptz NOT NULL,
        retires_at timestamptz
      )`);
    await q.query(`CREATE INDEX signing_keys_alg_idx ON auth.signing_keys (alg, activates_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE auth.signing_keys`);
  }
}
