import type { DataSource } from 'typeorm';
import type { PartSchema } from './part-schema.js';

// Any constant shared by every process of the platform; pg_advisory_lock takes a bigint.
const MIGRATION_LOCK_KEY = 7_210_457_112;

export interface MigrationReport {
  applied: string[];
}

/**
 * Applies each part's pending migrations, one transaction per migration, under a session-level
 * advisory lock so replicas starting together cannot race. Migrations are recorded per schema,
 * so processes running different parts never see each other's history.
 */
export async function runMigrations(ds: DataSource, parts: PartSchema[]): Promise<MigrationReport> {
  const applied: string[] = [];
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      for (const part of parts) {
        const s = quoteIdent(part.schema);
        await runner.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
        await runner.query(
          `CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (
             name text PRIMARY KEY,
             applied_at timestamptz NOT NULL DEFAULT now())`,
        );
        const rows: { name: string }[] = await runner.query(
          `SELECT name FROM ${s}.schema_migrations`,
        );
        const done = new Set(rows.map((r) => r.name));
        for (const Migration of part.migrations) {
          const name = Migration.name;
          if (done.has(name)) continue;
          await runner.startTransaction();
          try {
            await new Migration().up(runner);
            await runner.query(`INSERT INTO ${s}.schema_migrations (name) VALUES ($1)`, [name]);
            await runner.commitTransaction();
            applied.push(`${part.schema}.${name}`);
          } catch (err) {
            await runner.rollbackTransaction();
            throw new Error(`migration ${part.schema}.${name} failed: ${(err as Error).message}`);
          }
        }
      }
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
  return { applied };
}

export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad identifier ${name}`);
  return `"${name}"`;
}
