/**
 * Starts the built platform (dist/main.js) as real processes for e2e tests and benchmarks:
 * mode `all` is one process, mode `split` is one process per part over NATS. Each start gets
 * its own database (a fresh PostgreSQL database, or a fresh PGlite directory), key prefix,
 * NATS subject prefix and ports, so runs never see each other's data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export type Mode = 'all' | 'split';

/** The admin every e2e platform bootstraps (ADMIN_EMAIL / ADMIN_PASSWORD). */
export const E2E_ADMIN = {
  email: process.env.E2E_ADMIN_EMAIL ?? 'admin@platform.test',
  password: process.env.E2E_ADMIN_PASSWORD ?? 'E2e-Admin-Passw0rd!',
};
export const ROLES = ['gateway', 'auth', 'users', 'payments', 'analytics'] as const;
export type Role = (typeof ROLES)[number];

// Tests and benchmarks run from the repository root (this file is also loaded as CommonJS).
const ROOT = resolve(process.cwd());
const MAIN = join(ROOT, 'dist/main.js');

export interface PlatformHandle {
  mode: Mode;
  url: string;
  env: NodeJS.ProcessEnv;
  /** Per role (or `all`): process, health URL and log file. */
  procs: Map<
    string,
    { child: ChildProcess; healthUrl: string; logFile: string; env: NodeJS.ProcessEnv }
  >;
  logDir: string;
  /** Every gateway process's base URL (split mode with `gatewayReplicas` has several). */
  gatewayUrls: string[];
  /** Restarts one process (after a crash or kill) with the same settings. */
  restart(role: string): Promise<void>;
  kill(role: string, signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  mode?: Mode;
  env?: NodeJS.ProcessEnv;
  /** Keep the database after stop (crash tests restart against it). */
  keepData?: boolean;
  readyTimeoutMs?: number;
  /** Split mode: how many gateway processes share the parts (named gateway, gateway-2, ...). */
  gatewayReplicas?: number;
  /** Extra settings for some processes only, by process name (`gateway`, `gateway-2`, `auth`, `all`...). */
  processEnv?: Record<string, NodeJS.ProcessEnv>;
  /** Extra Node options for the platform processes (e.g. `--import` of a test preload). */
  nodeArgs?: string[];
}

/**
 * Rate limits of the shared e2e platform: every test calls from 127.0.0.1, so the production
 * budgets would throttle the suite. Tests of the limits start their own platform with tight ones.
 */
export const E2E_RATE_LIMITS: NodeJS.ProcessEnv = {
  RATE_LIMIT_IP: '100000/1m',
  RATE_LIMIT_USER: '100000/1m',
  RATE_LIMIT_LOGIN: '100000/1m',
  RATE_LIMIT_PASSWORD: '100000/1m',
  RATE_LIMIT_MFA: '100000/1m',
  RATE_LIMIT_TOKEN: '100000/1m',
  RATE_LIMIT_SOCIAL: '100000/1m',
};

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

async function createDatabase(baseUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function dropDatabase(baseUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export async function waitForReady(
  url: string,
  timeoutMs: number,
  child?: ChildProcess,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child && (child.exitCode !== null || child.signalCode !== null))
      throw new Error(`process exited (${child.exitCode ?? child.signalCode}) before ready`);
    try {
      const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(3000) });
      if (res.status === 200) return;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`not ready after ${timeoutMs} ms: ${last}`);
}

export async function startPlatform(opts: StartOptions = {}): Promise<PlatformHandle> {
  const mode = opts.mode ?? 'all';
  const tag = `${mode}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const logDir = join(ROOT, '.test-data', 'logs', tag);
  mkdirSync(logDir, { recursive: true });
  const base: NodeJS.ProcessEnv = {
    ...E2E_RATE_LIMITS,
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'info',
    KV_PREFIX: `e2e:${tag}:`,
    NATS_SUBJECT_PREFIX: `e2e_${tag}.`,
    // The bootstrap admin (test/support/session.ts adminToken()) and a short refresh grace
    // window so reuse-after-grace tests need not wait the 10 s default.
    ADMIN_EMAIL: E2E_ADMIN.email,
    ADMIN_PASSWORD: E2E_ADMIN.password,
    REFRESH_REUSE_GRACE_S: '3',
    // Ingestion key for server-side analytics tests (see test/support/analytics.ts).
    ANALYTICS_WRITE_KEYS: 'e2e-analytics-write-key-0000000001',
    ...opts.env,
  };
  delete base.NODE_OPTIONS; // the test runner's flags are not the server's
  const baseDbUrl = base.DATABASE_URL;
  const dbName = `e2e_${tag}`;
  let dataRoot: string | undefined;
  if (baseDbUrl) {
    base.DATABASE_URL = await createDatabase(baseDbUrl, dbName);
  } else {
    dataRoot = mkdtempSync(join(tmpdir(), `platform-${tag}-`));
  }
  const port = await freePort();
  const procs: PlatformHandle['procs'] = new Map();

  const launch = (name: string, env: NodeJS.ProcessEnv, healthUrl: string) => {
    const logFile = join(logDir, `${name}.log`);
    const out = createWriteStream(logFile, { flags: 'a' });
    const child = spawn(
      process.execPath,
      [...(opts.nodeArgs ?? []), '--enable-source-maps', MAIN],
      {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout!.pipe(out);
    child.stderr!.pipe(out);
    procs.set(name, { child, healthUrl, logFile, env });
    return child;
  };

  const specs: { name: string; env: NodeJS.ProcessEnv; healthUrl: string }[] = [];
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
    for (let i = 2; i <= (opts.gatewayReplicas ?? 1); i++) {
      const gp = await freePort();
      specs.push({
        name: `gateway-${i}`,
        env: { ...base, APP_ROLES: 'gateway', PORT: String(gp), HEALTH_PORT: String(gp) },
        healthUrl: `http://127.0.0.1:${gp}`,
      });
    }
  }
  for (const s of specs) Object.assign(s.env, opts.processEnv?.[s.name]);
  // Generous: seven processes starting at once on a busy two-core CI machine are slow.
  const timeout = opts.readyTimeoutMs ?? 150_000;
  for (const s of specs) launch(s.name, s.env, s.healthUrl);
  const handle: PlatformHandle = {
    mode,
    url: `http://127.0.0.1:${port}`,
    gatewayUrls: specs
      .filter((s) => s.name === 'all' || s.name.startsWith('gateway'))
      .map((s) => s.healthUrl),
    env: base,
    procs,
    logDir,
    async restart(name) {
      const p = procs.get(name)!;
      const child = launch(name, p.env, p.healthUrl);
      await waitForReady(p.healthUrl, timeout, child);
    },
    async kill(name, signal = 'SIGKILL') {
      const p = procs.get(name)!;
      if (p.child.exitCode !== null || p.child.signalCode) return;
      const exited = new Promise((r) => p.child.once('exit', r));
      p.child.kill(signal);
      await exited;
    },
    async stop() {
      await Promise.all([...procs.keys()].map((n) => handle.kill(n, 'SIGTERM')));
      if (baseDbUrl && !opts.keepData) await dropDatabase(baseDbUrl, dbName).catch(() => undefined);
      if (dataRoot && !opts.keepData) rmSync(dataRoot, { recursive: true, force: true });
    },
  };
  try {
    await Promise.all(
      specs.map((s) => waitForReady(s.healthUrl, timeout, procs.get(s.name)!.child)),
    );
  } catch (err) {
    await handle.stop();
    throw new Error(
      `platform (${mode}) failed to start: ${(err as Error).message}; logs in ${logDir}`,
    );
  }
  return handle;
}
