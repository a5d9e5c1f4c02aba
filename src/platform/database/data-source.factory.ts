import { resolve } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/config.js';
import { lockDataDir } from './embedded-lock.js';
import type { PartSchema } from './part-schema.js';

export interface OpenedDatabase {
  dataSource: DataSource;
  embedded: boolean;
  close(): Promise<void>;
}

/**
 * PostgreSQL when DATABASE_URL is set; otherwise PGlite (Postgres in WASM) through its own
 * node-postgres adapter with a pool of exactly one connection, the only safe way to share it.
 */
export async function openDatabase(
  config: AppConfig,
  parts: PartSchema[],
): Promise<OpenedDatabase> {
  const entities = parts.flatMap((p) => p.entities);
  const url = config.get('DATABASE_URL');
  if (url) {
    const ds = new DataSource({
      type: 'postgres',
      url,
      entities,
      synchronize: false,
      migrationsRun: false,
      poolSize: config.get('DATABASE_POOL_SIZE'),
      applicationName: `platform:${config.roles.join(',')}`,
      extra: { connectionTimeoutMillis: 3000, statement_timeout: 30000 },
    } as DataSourceOptions);
    await ds.initialize();
    return { dataSource: ds, embedded: false, close: () => ds.destroy() };
  }

  const dir = resolve(config.get('DATA_DIR'));
  const unlock = lockDataDir(dir);
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const { createPgConfig } = await import('@electric-sql/pglite/node-postgres');
    const pglite = await PGlite.create(dir);
    const ds = new DataSource({
      type: 'postgres',
      entities,
      synchronize: false,
      migrationsRun: false,
      poolSize: 1,
      extra: { ...createPgConfig(pglite), max: 1, idleTimeoutMillis: 0 },
    } as DataSourceOptions);
    await ds.initialize();
    return {
      dataSource: ds,
      embedded: true,
      close: async () => {
        await ds.destroy();
        await pglite.close();
        unlock();
      },
    };
  } catch (err) {
    unlock();
    throw err;
  }
}
