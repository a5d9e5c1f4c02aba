import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PartSchema } from './part-schema.js';

/**
 * A migrated PGlite data directory, kept in node_modules/.cache, so a fresh
 * DATA_DIR starts from a copy instead of running initdb in WASM (seconds, and a second WASM
 * instance's memory) and every migration. Made once, by the first start that had to do that
 * work; keyed by the PGlite version, its start parameters and the migrations (their code), so
 * any change makes a new one. Failing to read or write it only costs the slow path.
 */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'platform');

function pgliteVersion(): string {
  try {
    const pkg = join(ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json');
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function templateFile(parts: PartSchema[], startParams: string[]): string {
  const key = createHash('sha256')
    .update(
      JSON.stringify({
        pglite: pgliteVersion(),
        startParams,
        parts: parts.map((p) => [p.schema, p.migrations.map((m) => `${m.name}:${String(m)}`)]),
      }),
    )
    .digest('hex')
    .slice(0, 24);
  return join(CACHE_DIR, `pglite-template-${key}`);
}

/** Copies the template into a fresh data directory; false when there is none (or it failed). */
export function copyTemplate(template: string, dir: string): boolean {
  if (!existsSync(join(template, 'PG_VERSION'))) return false;
  try {
    cpSync(template, dir, { recursive: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * Saves a data directory as the template. The caller has just run CHECKPOINT and nothing
 * writes meanwhile, so the copy is what a restart after a crash would find: consistent.
 */
export function saveTemplate(dir: string, template: string): void {
  const tmp = `${template}.${process.pid}.tmp`;
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    cpSync(dir, tmp, { recursive: true, filter: (src) => basename(src) !== 'platform.lock' });
    renameSync(tmp, template);
  } catch {
    // A read-only install, or another process saved it first: nothing lost.
    rmSync(tmp, { recursive: true, force: true });
  }
}

export function dropTemplate(template: string): void {
  rmSync(template, { recursive: true, force: true });
}
