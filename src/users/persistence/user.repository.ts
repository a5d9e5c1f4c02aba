import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import { UserRecord } from './user.entity.js';

interface ByIdQuery {
  sql: string;
  columns: ColumnMetadata[];
}

const PUBLIC_COLUMNS = [
  'id',
  'email',
  'name',
  'role',
  'createdAt',
  'deletedAt',
  'erasedAt',
] as const satisfies readonly (keyof UserRecord)[];

/** A user row with the columns of PUBLIC_COLUMNS only. */
export type PublicUserRow = Pick<UserRecord, (typeof PUBLIC_COLUMNS)[number]>;

export interface UserListQuery {
  limit: number;
  /** Return users whose id sorts after this one (keyset pagination on the primary key). */
  afterId?: string;
  email?: string;
  role?: string;
  /** Case-insensitive substring of the email or the name. */
  q?: string;
}

/** Unique-key violation raised by PostgreSQL (and PGlite). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } };
  return e?.code === '23505' || e?.driverError?.code === '23505';
}

/**
 * Access to `users.users`. Every method takes the EntityManager to use: inside a transaction,
 * pass the transaction's manager (PGlite has one connection; the default one would wait forever).
 */
@Injectable()
export class UserRepository {
  constructor(private readonly ds: DataSource) {}

  get manager(): EntityManager {
    return this.ds.manager;
  }

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(work);
  }

  findById(id: string, m: EntityManager = this.ds.manager): Promise<UserRecord | null> {
    return this.selectById(this.byId('all', undefined), id, m) as Promise<UserRecord | null>;
  }

  /** The columns reading a user by id needs (its public view and whether it may be seen). */
  findPublicById(id: string, m: EntityManager = this.ds.manager): Promise<PublicUserRow | null> {
    return this.selectById(this.byId('public', PUBLIC_COLUMNS), id, m);
  }

  /** By-id lookups (the hottest queries: every GET /users/{id}), their SQL built once. */
  private readonly byIdQueries = new Map<string, ByIdQuery>();

  private byId(name: string, properties: readonly string[] | undefined): ByIdQuery {
    let q = this.byIdQueries.get(name);
    if (!q) {
      const meta = this.ds.getMetadata(UserRecord);
      const columns = properties
        ? meta.columns.filter((c) => properties.includes(c.propertyName))
        : meta.columns;
      const list = columns.map((c) => `"${c.databaseName}"`).join(', ');
      const sql = `SELECT ${list} FROM "${meta.schema}"."${meta.tableName}" WHERE "id" = $1`;
      q = { sql, columns };
      this.byIdQueries.set(name, q);
    }
    return q;
  }

  /** What TypeORM does when it hydrates an entity, without building the query each time. */
  private async selectById<T>(q: ByIdQuery, id: string, m: EntityManager): Promise<T | null> {
    const rows = (await m.query(q.sql, [id])) as Record<string, unknown>[];
    if (!rows.length) return null;
    const record = new UserRecord() as unknown as Record<string, unknown>;
    for (const c of q.columns) {
      record[c.propertyName] = this.ds.driver.prepareHydratedValue(rows[0][c.databaseName], c);
    }
    return record as T;
  }

  /** The row, locked until the end of the transaction `m` belongs to. */
  async lockById(id: string, m: EntityManager): Promise<UserRecord | null> {
    return m
      .createQueryBuilder(UserRecord, 'u')
      .setLock('pessimistic_write')
      .where('u.id = :id', { id })
      .getOne();
  }

  findByEmail(email: string, m: EntityManager = this.ds.manager): Promise<UserRecord | null> {
    return m.findOne(UserRecord, { where: { email } });
  }

  async insert(record: UserRecord, m: EntityManager): Promise<void> {
    // jsonb columns hold free JSON, which TypeORM's deep-partial type cannot express.
    await m.insert(UserRecord, record as never);
  }

  async save(record: UserRecord, m: EntityManager): Promise<void> {
    await m.save(UserRecord, record);
  }

  /** Idempotent: a redelivered verification changes nothing. */
  async markEmailVerified(id: string): Promise<void> {
    await this.ds.query(
      'UPDATE users.users SET email_verified = true, updated_at = now() WHERE id = $1 AND NOT email_verified',
      [id],
    );
  }

  /**
   * Serialises creating and discarding one id (until the end of `m`'s transaction), so a
   * create racing the discard of its registration cannot slip between the discard's delete
   * and its tombstone.
   */
  async lockId(id: string, m: EntityManager): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [id]);
  }

  async wasDiscarded(id: string, m: EntityManager): Promise<boolean> {
    const rows: unknown[] = await m.query(`SELECT 1 FROM users.discarded_users WHERE id = $1`, [
      id,
    ]);
    return rows.length > 0;
  }

  async markDiscarded(id: string, m: EntityManager): Promise<void> {
    await m.query(
      `INSERT INTO users.discarded_users (id) VALUES ($1) ON CONFLICT (id) DO NOTHING`,
      [id],
    );
  }

  async remove(id: string, m: EntityManager): Promise<number> {
    const res = await m.delete(UserRecord, { id });
    return res.affected ?? 0;
  }

  /** Live users (not erased) in id order, `limit + 1` rows so the caller knows if more follow. */
  async list(query: UserListQuery, m: EntityManager = this.ds.manager): Promise<UserRecord[]> {
    const qb = m
      .createQueryBuilder(UserRecord, 'u')
      .where('u.erased_at IS NULL')
      .orderBy('u.id', 'ASC')
      .limit(query.limit + 1);
    if (query.afterId) qb.andWhere('u.id > :after', { after: query.afterId });
    if (query.email) qb.andWhere('u.email = :email', { email: query.email });
    if (query.role) qb.andWhere('u.role = :role', { role: query.role });
    if (query.q) {
      const like = `%${query.q.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
      qb.andWhere('(u.email ILIKE :like OR u.name ILIKE :like)', { like });
    }
    return qb.getMany();
  }

  /** Admins that can act (not disabled, not deleted); locks them so two demotions serialise. */
  async countActiveAdmins(m: EntityManager): Promise<number> {
    const rows: { id: string }[] = await m.query(
      `SELECT id FROM users.users
        WHERE role = 'admin' AND NOT disabled AND deleted_at IS NULL AND erased_at IS NULL
        ORDER BY id FOR UPDATE`,
    );
    return rows.length;
  }

  /** Users whose erasure is due, oldest first. */
  dueForErasure(now: Date, limit: number, m: EntityManager = this.ds.manager) {
    return m
      .createQueryBuilder(UserRecord, 'u')
      .where('u.erase_after IS NOT NULL AND u.erased_at IS NULL AND u.erase_after <= :now', { now })
      .orderBy('u.erase_after', 'ASC')
      .limit(limit)
      .getMany();
  }
}
