import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/config.js';
import { lockDataDir } from './embedded-lock.js';
import { copyTemplate, dropTemplate, saveTemplate, templateFile } from './embedded-template.js';
import type { PartSchema } from './part-schema.js';

export interface OpenedDatabase {
  dataSource: DataSource;
  embedded: boolean;
  close(): Promise<void>;
  /**
   * Set when a fresh embedded directory was created the slow way (initdb) and may become the
   * template of later fresh directories: call it once the migrations are applied.
   */
  saveTemplate?: () => Promise<void>;
}

export interface OpenOptions {
  /** A fresh embedded directory may start from the migrated template (the caller migrates). */
  fromTemplate?: boolean;
}

/**
 * PGlite's defaults plus a small buffer cache: 128 MB of shared_buffers live in the WASM heap
 * and cost about 115 MB of resident memory even idle; an embedded database needs far less.
 */
export const PGLITE_START_PARAMS = [
  '--single',
  '-F',
  '-O',
  '-j',
  '-c',
  'search_path=public',
  '-c',
  'exit_on_error=false',
  '-c',
  'log_checkpoints=false',
  '-c',
  'max_worker_processes=0',
  '-c',
  'max_parallel_workers=0',
  '-c',
  'max_parallel_workers_per_gather=0',
  '-c',
  'io_method=sync',
  '-c',
  'max_parallel_maintenance_workers=0',
  '-c',
  'shared_buffers=16MB',
  '-c',
  'wal_buffers=1MB',
];

/**
 * PostgreSQL when DATABASE_URL is set; otherwise PGlite (Postgres in WASM) through its own
 * node-postgres adapter with a pool of exactly one connection, the only safe way to share it.
 */
export async function openDatabase(
  config: AppConfig,
  parts: PartSchema[],
  opts: OpenOptions = {},
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
    const fresh = !existsSync(join(dir, 'PG_VERSION'));
    const template = fresh && opts.fromTemplate ? templateFile(parts, PGLITE_START_PARAMS) : '';
    const copied = template !== '' && copyTemplate(template, dir);
    const create = () => PGlite.create({ dataDir: dir, startParams: PGLITE_START_PARAMS });
    let pglite: Awaited<ReturnType<typeof create>>;
    try {
      pglite = await create();
    } catch (err) {
      if (!copied) throw err;
      // A template this PGlite cannot start (damaged, or another build): the slow way.
      dropTemplate(template);
      emptyExceptLock(dir);
      pglite = await create();
    }
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
      saveTemplate:
        template && !copied
          ? async () => {
              await pglite.exec('CHECKPOINT');
              saveTemplate(dir, template);
            }
          : undefined,
    };
  } catch (err) {
    unlock();
    throw err;
  }
}

function emptyExceptLock(dir: string): void {
  for (const name of readdirSync(dir)) {
    if (name !== 'platform.lock') rmSync(join(dir, name), { recursive: true, force: true });
  }
}
