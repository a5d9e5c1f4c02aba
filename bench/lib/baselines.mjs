/* global setTimeout, performance */
/**
 * Baselines that are not HTTP, each run in its own forked process (IPC: one spec in, one result
 * out) so they get the machine the way the platform would:
 *
 * - argon2: the machine's argon2id ceiling, verifications per second of a password hashed with
 *   the platform's parameters (m=19456 KiB, t=2, p=1) on every core at once (libuv pool);
 * - insert: a raw multi-row INSERT of the same event rows the analytics scenario sends, into a
 *   scratch table in the platform's own database (PostgreSQL), or into a fresh PGlite when the
 *   platform runs embedded (its PGlite lives inside the platform process, unreachable from here).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, availableParallelism } from 'node:os';
import { join } from 'node:path';

async function argon2Rate({ seconds, concurrency }) {
  const { hash, verify } = await import('@node-rs/argon2');
  const params = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 };
  const phc = await hash('correct horse battery staple', params);
  // One serial round first: the cost of one verification on one core.
  let t0 = performance.now();
  for (let i = 0; i < 3; i++) await verify(phc, 'correct horse battery staple');
  const singleMs = (performance.now() - t0) / 3;
  const workers = concurrency ?? Math.max(4, availableParallelism() * 2);
  let done = 0;
  const cpu0 = process.cpuUsage(); // the whole process: the libuv pool threads included
  t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (performance.now() < deadline) {
        await verify(phc, 'correct horse battery staple');
        done++;
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuMsPerHash = done ? (cpu.user + cpu.system) / 1000 / done : undefined;
  return {
    perSec: done / elapsed,
    done,
    seconds: elapsed,
    singleMs,
    cpuMsPerHash,
    concurrency: workers,
  };
}

const COLUMNS = [
  'event_id',
  'name',
  'occurred_at',
  'received_at',
  'anonymous_id',
  'source',
  'properties',
];
const DDL = [
  `CREATE SCHEMA IF NOT EXISTS bench_scratch`,
  `CREATE TABLE bench_scratch.events (
     event_id     text        PRIMARY KEY,
     name         text        NOT NULL,
     occurred_at  timestamptz NOT NULL,
     received_at  timestamptz NOT NULL,
     user_id      text,
     anonymous_id text,
     source       text        NOT NULL,
     properties   jsonb       NOT NULL DEFAULT '{}'::jsonb
   )`,
  `CREATE INDEX ON bench_scratch.events (name, occurred_at)`,
];

/** The rows the analytics scenario sends, as one multi-row INSERT statement. */
function batchStatement(run, start, batch) {
  const values = [];
  const params = [];
  const now = new Date().toISOString();
  for (let i = 0; i < batch; i++) {
    const id = start + i;
    const b = params.length;
    values.push(`($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7})`);
    params.push(
      `bench_${run}_${id}`,
      'Bench Event',
      now,
      now,
      `anon_${id % 1000}`,
      'bench',
      JSON.stringify({ i: id, plan: 'pro' }),
    );
  }
  return {
    sql: `INSERT INTO bench_scratch.events (${COLUMNS.join(', ')}) VALUES ${values.join(', ')}`,
    params,
  };
}

async function insertRate({ databaseUrl, seconds, batch, connections }) {
  const run = randomBytes(4).toString('hex');
  let next = 0;
  let done = 0;
  const take = () => {
    const start = next;
    next += batch;
    return batchStatement(run, start, batch);
  };
  if (databaseUrl) {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({ connectionString: databaseUrl, max: connections });
    try {
      await pool.query(`DROP SCHEMA IF EXISTS bench_scratch CASCADE`);
      for (const q of DDL) await pool.query(q);
      const t0 = performance.now();
      const deadline = t0 + seconds * 1000;
      await Promise.all(
        Array.from({ length: connections }, async () => {
          while (performance.now() < deadline) {
            const { sql, params } = take();
            await pool.query(sql, params);
            done += batch;
          }
        }),
      );
      const elapsed = (performance.now() - t0) / 1000;
      await pool.query(`DROP SCHEMA bench_scratch CASCADE`);
      return {
        perSec: done / elapsed,
        rows: done,
        seconds: elapsed,
        where: 'PostgreSQL (platform database)',
        connections,
      };
    } finally {
      await pool.end();
    }
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const dir = mkdtempSync(join(tmpdir(), 'bench-pglite-'));
  const db = new PGlite(dir);
  try {
    for (const q of DDL) await db.query(q);
    const t0 = performance.now();
    const deadline = t0 + seconds * 1000;
    while (performance.now() < deadline) {
      const { sql, params } = take();
      await db.query(sql, params);
      done += batch;
    }
    const elapsed = (performance.now() - t0) / 1000;
    return {
      perSec: done / elapsed,
      rows: done,
      seconds: elapsed,
      where: 'PGlite (fresh, same engine)',
      connections: 1,
    };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

process.once('message', async (spec) => {
  try {
    const result = spec.kind === 'argon2' ? await argon2Rate(spec) : await insertRate(spec);
    process.send({ type: 'result', result });
  } catch (err) {
    process.send({ type: 'error', message: String(err?.stack ?? err) });
  }
  process.disconnect();
  setTimeout(() => process.exit(0), 100).unref();
});
