/* global fetch, setTimeout, clearTimeout, AbortSignal, performance */
/**
 * Starts the built platform (dist/main.js) for the benchmark, the way
 * test/support/platform-process.ts does for e2e tests: `all` is one process, `split` is one
 * process per part over NATS. Each start gets its own database (a fresh PostgreSQL database or a
 * fresh PGlite directory), key prefix and NATS subject prefix, so runs never see each other's
 * data. Logs go straight from the child to a file (no pipe through this process).
 */
import { spawn } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const ROOT = resolve(process.cwd());
const MAIN = join(ROOT, 'dist/main.js');
export const ROLES = ['gateway', 'auth', 'users', 'payments', 'analytics'];

export async function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function databaseUrl(baseUrl, name) {
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function waitForReady(url, timeoutMs, child) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null)
      throw new Error(`process exited (${child.exitCode}) before ready`);
    try {
      const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(3000) });
      if (res.status === 200) return;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`not ready after ${timeoutMs} ms: ${last}`);
}

/** Resident set size of one process from /proc (kB): current and high-water mark. */
export function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
  } catch {
    return { rssKb: 0, hwmKb: 0 };
  }
}

/** CPU time (user + system) a process has used so far, in ms (Linux clock ticks of 10 ms). */
export function cpuMsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which sits in parentheses and may hold spaces.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return 0;
  }
}

/** Resets the kernel's peak-RSS mark (VmHWM) of a process we own; false when not allowed. */
export function resetPeak(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * @param {{mode?: 'all'|'split', env?: Record<string,string>, logDir: string, nodeArgs?: string[],
 *   readyTimeoutMs?: number, dataRoot?: string}} opts  `dataRoot`: an existing PGlite directory
 *   to (re)open, kept after stop; default a fresh one, removed after stop.
 */
export async function startPlatform(opts) {
  const mode = opts.mode ?? 'all';
  const tag = `${mode}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const logDir = join(opts.logDir, tag);
  mkdirSync(logDir, { recursive: true });
  const base = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    KV_PREFIX: `bench:${tag}:`,
    NATS_SUBJECT_PREFIX: `bench_${tag}.`,
    ...opts.env,
  };
  delete base.NODE_OPTIONS;
  const baseDbUrl = base.DATABASE_URL || undefined;
  if (!baseDbUrl) delete base.DATABASE_URL;
  if (!base.REDIS_URL) delete base.REDIS_URL;
  const dbName = `bench_${tag}`;
  let dataRoot = opts.dataRoot;
  const ownData = !dataRoot;
  if (baseDbUrl) {
    await withClient(baseDbUrl, (c) => c.query(`CREATE DATABASE "${dbName}"`));
    base.DATABASE_URL = databaseUrl(baseDbUrl, dbName);
  } else if (!dataRoot) {
    dataRoot = mkdtempSync(join(tmpdir(), `platform-bench-${tag}-`));
  }
  const port = await freePort();
  const specs = [];
  if (mode === 'all') {
    specs.push({
      name: 'all',
      env: {
        ...base,
        APP_ROLES: 'all',
        PORT: String(port),
        ...(dataRoot ? { DATA_DIR: dataRoot } : {}),
      },
      healthUrl: `http://127.0.0.1:${port}`,
    });
  } else {
    if (!base.NATS_URL || !base.REDIS_URL)
      throw new Error('split mode needs NATS_URL and REDIS_URL');
    for (const role of ROLES) {
      const hp = role === 'gateway' ? port : await freePort();
      specs.push({
        name: role,
        env: {
          ...base,
          APP_ROLES: role,
          PORT: String(port),
          HEALTH_PORT: String(hp),
          ...(dataRoot ? { DATA_DIR: join(dataRoot, role) } : {}),
        },
        healthUrl: `http://127.0.0.1:${hp}`,
      });
    }
  }

  const procs = new Map();
  const started = performance.now();
  for (const s of specs) {
    const logFile = join(logDir, `${s.name}.log`);
    const fd = openSync(logFile, 'a');
    const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), MAIN], {
      env: s.env,
      cwd: ROOT,
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    procs.set(s.name, { child, pid: child.pid, healthUrl: s.healthUrl, logFile });
  }

  const handle = {
    mode,
    url: `http://127.0.0.1:${port}`,
    env: base,
    databaseUrl: base.DATABASE_URL,
    dataRoot,
    procs,
    logDir,
    startupMs: 0,
    /** performance.now() when the processes were spawned (profiles count from about then). */
    spawnedAt: started,
    pids: () => [...procs.values()].map((p) => p.pid),
    /** Sum over the platform's processes of the current RSS (MB). */
    rssMb: () => sumMb(handle.pids().map((pid) => memoryOf(pid).rssKb)),
    /** The largest current RSS of one of the platform's processes (MB). */
    maxRssMb: () => Math.max(...handle.pids().map((pid) => memoryOf(pid).rssKb)) / 1024,
    /** Sum over the platform's processes of their peak RSS since the last resetPeaks (MB). */
    peakMb: () => sumMb(handle.pids().map((pid) => memoryOf(pid).hwmKb)),
    resetPeaks: () => handle.pids().every((pid) => resetPeak(pid)),
    async stop() {
      await Promise.all(
        [...procs.values()].map(
          ({ child }) =>
            new Promise((res) => {
              if (child.exitCode !== null || child.signalCode) return res();
              const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
              child.once('exit', () => {
                clearTimeout(timer);
                res();
              });
              child.kill('SIGTERM');
            }),
        ),
      );
      if (baseDbUrl) {
        await withClient(baseDbUrl, (c) =>
          c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`),
        ).catch(() => undefined);
      }
      if (dataRoot && ownData) rmSync(dataRoot, { recursive: true, force: true });
    },
  };
  try {
    await Promise.all(
      specs.map((s) =>
        waitForReady(s.healthUrl, opts.readyTimeoutMs ?? 90_000, procs.get(s.name).child),
      ),
    );
    handle.startupMs = performance.now() - started;
  } catch (err) {
    await handle.stop();
    throw new Error(`platform (${mode}) failed to start: ${err.message}; logs in ${logDir}`);
  }
  return handle;
}

const sumMb = (kbs) => kbs.reduce((a, b) => a + b, 0) / 1024;
