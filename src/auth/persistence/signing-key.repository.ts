import type { DataSource, EntityManager } from 'typeorm';
import type { AsymmetricAlgorithm, PublicJwk } from '../../contracts/auth/jwt.js';
import type { KeyWindow } from '../domain/signing-key.js';

export interface SigningKeyRow extends KeyWindow {
  alg: AsymmetricAlgorithm;
  publicJwk: PublicJwk;
  /** The PKCS#8 private key, sealed with JWT_KEY_ENCRYPTION_KEY. */
  privateKeyEnc: string;
  createdAt: Date;
}

interface Raw {
  kid: string;
  alg: AsymmetricAlgorithm;
  public_jwk: PublicJwk | string;
  private_key_enc: string;
  created_at: Date | string;
  activates_at: Date | string;
  retires_at: Date | string | null;
}

// Any constant of the platform's own; pg_advisory_xact_lock takes a bigint.
const KEYS_LOCK = 7_210_457_113;

/** The JWK in its usual member order (jsonb keeps its own). */
function jwkOf(raw: PublicJwk | string): PublicJwk {
  const j = (typeof raw === 'string' ? JSON.parse(raw) : raw) as PublicJwk;
  return {
    kty: j.kty,
    crv: j.crv,
    x: j.x,
    ...(j.y ? { y: j.y } : {}),
    kid: j.kid,
    alg: j.alg,
    use: j.use,
  };
}

const toRow = (r: Raw): SigningKeyRow => ({
  kid: r.kid,
  alg: r.alg,
  publicJwk: jwkOf(r.public_jwk),
  privateKeyEnc: r.private_key_enc,
  createdAt: new Date(r.created_at),
  activatesAt: new Date(r.activates_at),
  retiresAt: r.retires_at === null ? null : new Date(r.retires_at),
});

/** `auth.signing_keys` in raw SQL; writes happen inside the caller's transaction. */
export const SigningKeyRepository = {
  async list(db: DataSource | EntityManager, alg: AsymmetricAlgorithm): Promise<SigningKeyRow[]> {
    const rows = (await db.query(
      `SELECT kid, alg, public_jwk, private_key_enc, created_at, activates_at, retires_at
         FROM auth.signing_keys WHERE alg = $1 ORDER BY activates_at`,
      [alg],
    )) as Raw[];
    return rows.map(toRow);
  },

  /** Serialises key changes between replicas until the transaction ends. */
  async lock(m: EntityManager): Promise<void> {
    await m.query('SELECT pg_advisory_xact_lock($1)', [KEYS_LOCK]);
  },

  async insert(m: EntityManager, k: SigningKeyRow): Promise<void> {
    await m.query(
      `INSERT INTO auth.signing_keys
         (kid, alg, public_jwk, private_key_enc, created_at, activates_at, retires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        k.kid,
        k.alg,
        JSON.stringify(k.publicJwk),
        k.privateKeyEnc,
        k.createdAt,
        k.activatesAt,
        k.retiresAt,
      ],
    );
  },

  async retire(m: EntityManager, kids: string[], at: Date): Promise<void> {
    if (kids.length) {
      await m.query(`UPDATE auth.signing_keys SET retires_at = $2 WHERE kid = ANY($1)`, [kids, at]);
    }
  },

  async delete(m: EntityManager, kids: string[]): Promise<void> {
    if (kids.length) await m.query(`DELETE FROM auth.signing_keys WHERE kid = ANY($1)`, [kids]);
  },
};
