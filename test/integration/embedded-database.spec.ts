import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { AppConfig } from '../../src/platform/config/config.js';
import { loadConfig } from '../../src/platform/config/load-config.js';
import {
  openDatabase,
  PGLITE_START_PARAMS,
} from '../../src/platform/database/data-source.factory.js';
import { dropTemplate, templateFile } from '../../src/platform/database/embedded-template.js';
import { runMigrations } from '../../src/platform/database/migrator.js';
import type { PartSchema } from '../../src/platform/database/part-schema.js';

class CreateNotes1 implements MigrationInterface {
  async up(q: QueryRunner) {
    await q.query('CREATE TABLE notes.note (id text PRIMARY KEY, body text NOT NULL)');
  }
  async down() {}
}

const schema: PartSchema = { schema: 'notes', entities: [], migrations: [CreateNotes1] };

describe('embedded PGlite database', () => {
  it('keeps data across a restart, applies each migration once and locks its directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pglite-'));
    try {
      const config = new AppConfig(loadConfig({ DATA_DIR: dir }), ['users']);
      const first = await openDatabase(config, [schema]);
      expect((await runMigrations(first.dataSource, [schema])).applied).toEqual([
        'notes.CreateNotes1',
      ]);
      await first.dataSource.query(`INSERT INTO notes.note VALUES ('n1', 'survives')`);
      await first.close();

      const second = await openDatabase(config, [schema]);
      expect((await runMigrations(second.dataSource, [schema])).applied).toEqual([]);
      const rows = await second.dataSource.query('SELECT body FROM notes.note');
      expect(rows).toEqual([{ body: 'survives' }]);
      await second.close();

      // A second process on the same directory would corrupt it: refused with a clear message.
      writeFileSync(join(dir, 'platform.lock'), String(process.ppid));
      await expect(openDatabase(config, [schema])).rejects.toThrow(/in use by process/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('takes over the lock a killed process left behind, with its data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pglite-'));
    try {
      const config = new AppConfig(loadConfig({ DATA_DIR: dir }), ['users']);
      const first = await openDatabase(config, [schema]);
      await runMigrations(first.dataSource, [schema]);
      await first.dataSource.query(`INSERT INTO notes.note VALUES ('n1', 'committed')`);
      await first.close();
      // What `kill -9` leaves: the lock file of a process that no longer exists.
      const dead = spawnSync(process.execPath, ['-e', 'process.pid']).pid!;
      writeFileSync(join(dir, 'platform.lock'), String(dead));

      const second = await openDatabase(config, [schema]);
      try {
        expect(readFileSync(join(dir, 'platform.lock'), 'utf8')).toBe(String(process.pid));
        expect(await second.dataSource.query('SELECT body FROM notes.note')).toEqual([
          { body: 'committed' },
        ]);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('starts a fresh directory from the migrated template the first start left', async () => {
    // A migration of its own, so this test makes (and then removes) its own template.
    const name = `CreateNotes${process.pid}x${Date.now()}`;
    const unique: PartSchema = {
      schema: 'notes',
      entities: [],
      migrations: [{ [name]: class extends CreateNotes1 {} }[name]],
    };
    const template = templateFile([unique], PGLITE_START_PARAMS);
    const first = mkdtempSync(join(tmpdir(), 'pglite-'));
    const second = mkdtempSync(join(tmpdir(), 'pglite-'));
    try {
      const config = (dir: string) => new AppConfig(loadConfig({ DATA_DIR: dir }), ['users']);
      const a = await openDatabase(config(first), [unique], { fromTemplate: true });
      expect((await runMigrations(a.dataSource, [unique])).applied).toEqual([`notes.${name}`]);
      await a.saveTemplate?.();
      await a.close();
      expect(existsSync(join(template, 'PG_VERSION'))).toBe(true);
      expect(existsSync(join(template, 'platform.lock'))).toBe(false);

      const b = await openDatabase(config(second), [unique], { fromTemplate: true });
      try {
        expect(b.saveTemplate).toBeUndefined();
        expect((await runMigrations(b.dataSource, [unique])).applied).toEqual([]);
        await b.dataSource.query(`INSERT INTO notes.note VALUES ('n1', 'from the template')`);
        expect(await b.dataSource.query('SELECT body FROM notes.note')).toEqual([
          { body: 'from the template' },
        ]);
        expect(readFileSync(join(second, 'platform.lock'), 'utf8')).toBe(String(process.pid));
      } finally {
        await b.close();
      }
    } finally {
      dropTemplate(template);
      rmSync(first, { recursive: true, force: true });
      rmSync(second, { recursive: true, force: true });
    }
  }, 90_000);
});
