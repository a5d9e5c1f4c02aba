/**
 * Direct SQL access to the data of a platform the suite started, for checks the API cannot
 * show. PostgreSQL: the run's own database, while the platform runs. PGlite: the data
 * directory of each process, opened here once the platform has stopped (PGlite serves one
 * process at a time).
 */
import pg from 'pg';
import type { PlatformHandle } from '../../support/platform-process.js';

export const PARTS = ['auth', 'users', 'payments', 'analytics'] as const;
export type Part = (typeof PARTS)[number];

export interface PartDb {
  query<T = Record<string, any>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface PartDatabases {
  of(part: Part): PartDb;
  close(): Promise<void>;
}

/** Whether the platform runs on PGlite (its data can only be read once it stopped). */
export function embedded(platform: PlatformHandle): boolean {
  return !platform.env.DATABASE_URL;
}

export async function openPartDatabases(platform: PlatformHandle): Promise<PartDatabases> {
  if (!embedded(platform)) {
    const client = new pg.Client({ connectionString: platform.env.DATABASE_URL });
    await client.connect();
    const db: PartDb = {
      query: async (sql, params) => (await client.query(sql, params as unknown[])).rows,
    };
    return { of: () => db, close: () => client.end() };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  // One directory for the all-in-one process, one per part in split mode.
  const dirOf = (part: Part) =>
    (platform.procs.get('all') ?? platform.procs.get(part))!.env.DATA_DIR!;
  const opened = new Map<string, InstanceType<typeof PGlite>>();
  const open = async (dir: string) => {
    let db = opened.get(dir);
    if (!db) {
      db = await PGlite.create(dir);
      opened.set(dir, db);
    }
    return db;
  };
  return {
    of: (part) => ({
      query: async (sql, params) =>
        (await (await open(dirOf(part))).query(sql, params)).rows as any[],
    }),
    close: async () => {
      for (const db of opened.values()) await db.close();
    },
  };
}
