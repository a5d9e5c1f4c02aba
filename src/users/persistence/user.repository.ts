import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import { UserRecord } from './user.entity.js';

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

  async findById(id: string, m: EntityManager = this.ds.manager): Promise<UserRecord | null> {
    const { sql, columns } = (this.byId ??= this.byIdQuery());
    const rows = (await m.query(sql, [id])) as Record<string, unknown>[];
    if (!rows.length) return null;
    // What TypeORM does when it hydrates an entity, without building the query each time.
    const record = new UserRecord();
    const target = record as unknown as Record<string, unknown>;
    for (const c of columns) {
      target[c.propertyName] = this.ds.driver.prepareHydratedValue(rows[0][c.databaseName], c);
    }
    return record;
  }

  /** The by-id lookup (the hottest query: every GET /users/{id}), its SQL built once. */
  private byId: { sql: string; columns: ColumnMetadata[] } | undefined;

  private byIdQuery(): { sql: string; columns: ColumnMetadata[] } {
    const meta = this.ds.getMetadata(UserRecord);
    const list = meta.columns.map((c) => `"${c.databaseName}"`).join(', ');
    return {
      sql: `SELECT ${list} FROM "${meta.schema}"."${meta.tableName}" WHERE "id" = $1`,
      columns: meta.columns,
    };
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
