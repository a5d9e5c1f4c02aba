#!/usr/bin/env node
/* global fetch, setTimeout, setInterval, clearInterval, AbortSignal, performance */
/**
 * `npm run bench`: starts the built platform (all parts in one process; and, when NATS_URL and
 * REDIS_URL are set, five processes over NATS), loads it with autocannon from a second process
 * on 127.0.0.1, measures the baselines in the same run (a raw Fastify "hello" route, the
 * machine's argon2id rate, a raw multi-row INSERT), prints a table and writes the results into
 * docs/benchmarks.md between the `bench:results` markers (the prose around them is kept).
 *
 * Settings (environment):
 *   DATABASE_URL, REDIS_URL, NATS_URL  real services (unset: PGlite, in-memory store, no split)
 *   BENCH_MODES        comma list of all,split (default: all, plus split when NATS/Redis are set)
 *   BENCH_ONLY         comma list of scenario ids to run (default: every scenario)
 *   BENCH_DURATION     seconds measured per scenario (default 6); BENCH_WARMUP (default 2)
 *   BENCH_CONNECTIONS  connections per HTTP scenario (default 50)
 *   BENCH_OUT          markdown file to write (default docs/benchmarks.md; "-" = none)
 *   BENCH_JSON         where to write the raw results (default .test-data/bench/last.json)
 *   BENCH_NODE_ARGS    extra node flags for the platform processes (e.g. --cpu-prof)
 *   BENCH_PGLITE_START 1/0: time the very first start (no template), a fresh data directory
 *                      and a restart on embedded PGlite (default 1)
 *   BENCH_SMOKE=1      tiny durations and few connections, all mode only: checks that the runner
 *                      works (used by test/integration/bench-smoke.spec.ts), not a measurement
 */
import { fork, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuMsOf, memoryOf, resetPeak, ROOT, startPlatform } from './lib/platform.mjs';
import { formatTable, PGLITE_STARTS, renderMarkdown, writeResults } from './lib/report.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const env = process.env;
const SMOKE = env.BENCH_SMOKE === '1';
const num = (v, d) => (v === undefined || v === '' ? d : Number(v));
const cfg = {
  duration: num(env.BENCH_DURATION, SMOKE ? 1 : 6),
  warmup: num(env.BENCH_WARMUP, SMOKE ? 0 : 2),
  connections: num(env.BENCH_CONNECTIONS, SMOKE ? 4 : 50),
  analyticsConnections: num(env.BENCH_ANALYTICS_CONNECTIONS, SMOKE ? 2 : 8),
  // Enough logins in flight to keep every argon2 thread busy, few enough that each finishes
  // well inside the measured window (50 queued logins take seconds each on two cores).
  loginConnections: num(env.BENCH_LOGIN_CONNECTIONS, SMOKE ? 2 : 8),
  batch: num(env.BENCH_BATCH, 500),
  baselineSeconds: num(env.BENCH_BASELINE_SECONDS, SMOKE ? 1 : 4),
  out: env.BENCH_OUT ?? (SMOKE ? '-' : join(ROOT, 'docs/benchmarks.md')),
  json: env.BENCH_JSON ?? join(ROOT, '.test-data/bench/last.json'),
  only: env.BENCH_ONLY ? env.BENCH_ONLY.split(',').map((s) => s.trim()) : undefined,
  nodeArgs: env.BENCH_NODE_ARGS ? env.BENCH_NODE_ARGS.split(/\s+/).filter(Boolean) : [],
  modes: env.BENCH_MODES
    ? env.BENCH_MODES.split(',').map((s) => s.trim())
    : SMOKE || !(env.NATS_URL && env.REDIS_URL)
      ? ['all']
      : ['all', 'split'],
  pgliteStart: env.BENCH_PGLITE_START !== '0' && !SMOKE,
};
const LOG_DIR = join(ROOT, '.test-data/bench/logs');
const PASSWORD = 'Bench-run correct horse 42';
const WRITE_KEY = 'bench-ingestion-key-0123456789abcdef';

/** Budgets far above what the benchmark sends, so the limiter runs but never throttles it. */
const GENEROUS_LIMITS = {
  RATE_LIMIT_IP: '1000000000/1m',
  RATE_LIMIT_USER: '1000000000/1m',
  RATE_LIMIT_LOGIN: '1000000000/1m',
  RATE_LIMIT_PASSWORD: '1000000000/1m',
  RATE_LIMIT_MFA: '1000000000/1m',
  RATE_LIMIT_TOKEN: '1000000000/1m',
  RATE_LIMIT_SOCIAL: '1000000000/1m',
};
const PLATFORM_ENV = {
  ...GENEROUS_LIMITS,
  NODE_ENV: 'test',
  LOG_LEVEL: env.BENCH_LOG_LEVEL ?? 'info',
  ANALYTICS_WRITE_KEYS: WRITE_KEY,
  JWT_SECRET: 'bench-secret-0123456789abcdef-0123456789abcdef',
};

const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);
const cleanups = new Set();
const want = (id) => !cfg.only || cfg.only.includes(id);

// ---------------------------------------------------------------- processes

function forkJob(script, spec, onMeasuring) {
  return new Promise((resolve, reject) => {
    const child = fork(join(HERE, 'lib', script), [], {
      cwd: ROOT,
      env: { ...env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const stop = () => child.kill('SIGKILL');
    cleanups.add(stop);
    let settled = false;
    child.on('message', (m) => {
      if (m.type === 'measuring') onMeasuring?.();
      else if (m.type === 'result') {
        settled = true;
        resolve(m.result);
      } else if (m.type === 'error') {
        settled = true;
        reject(new Error(m.message));
      }
    });
    child.on('exit', (code) => {
      cleanups.delete(stop);
      if (!settled) reject(new Error(`${script} exited with ${code} before its result`));
    });
    child.send(spec);
  });
}

async function startHello() {
  const child = spawn(process.execPath, [join(HERE, 'lib/hello-server.mjs')], {
    cwd: ROOT,
    env: { ...env, NODE_OPTIONS: '', PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = () => child.kill('SIGTERM');
  cleanups.add(stop);
  const port = await new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const m = /listening (\d+)/.exec(buf);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`hello server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pids: () => [child.pid],
    stop: async () => {
      cleanups.delete(stop);
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

/** Runs one autocannon load against `target`, sampling the RSS of `pids()` while it measures. */
/** performance.now() at the platform's spawn: measured windows are logged relative to it. */
let origin;

async function load(spec, pids) {
  let peak = 0;
  let from;
  let cpuFrom = 0;
  let timer;
  let resetOk = false;
  const sample = () => {
    const total = pids().reduce((a, pid) => a + memoryOf(pid).rssKb, 0) / 1024;
    peak = Math.max(peak, total);
  };
  const result = await forkJob(
    'load-worker.mjs',
    { connections: cfg.connections, duration: cfg.duration, warmup: cfg.warmup, ...spec },
    () => {
      from = performance.now();
      cpuFrom = pids().reduce((a, pid) => a + cpuMsOf(pid), 0);
      resetOk = pids().every((pid) => resetPeak(pid));
      sample();
      timer = setInterval(sample, 200);
    },
  );
  clearInterval(timer);
  sample();
  // CPU time of the target's own processes per 2xx answer: unlike the rate, it hardly moves
  // when other work on the machine takes CPU away (PostgreSQL, Redis and NATS not included).
  const cpuMs = pids().reduce((a, pid) => a + cpuMsOf(pid), 0) - cpuFrom;
  result.cpuMs = cpuMs;
  result.cpuUsPerOk = result.ok ? (cpuMs * 1000) / result.ok : undefined;
  const hwm = pids().reduce((a, pid) => a + memoryOf(pid).hwmKb, 0) / 1024;
  result.peakRssMb = resetOk ? Math.max(hwm, peak) : peak;
  // For `bench/profile-summary.mjs --window=<from>,<to>` (ms after the platform's spawn).
  if (origin !== undefined) {
    result.windowMs = [Math.round(from - origin), Math.round(performance.now() - origin)];
  }
  return result;
}

// ---------------------------------------------------------------- HTTP helpers

async function call(base, method, path, { body, token, headers = {} } = {}) {
  const h = { ...headers };
  if (body !== undefined) h['content-type'] = 'application/json';
  if (token) h.authorization = `Bearer ${token}`;
  const res = await fetch(base + path, {
    method,
    headers: h,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, text, json };
}

class Skip extends Error {}
const notYet = (what) => new Skip(`not available yet (${what} answers 404)`);

function expectOk(res, what, ok = [200, 201, 202]) {
  // Every probe targets something that exists once the endpoint does (own user, fresh body),
  // so a 404 means the route is not there yet.
  if (res.status === 404) throw notYet(what);
  if (!ok.includes(res.status))
    throw new Skip(`${what} answered ${res.status}: ${res.text.slice(0, 200)}`);
  return res.json;
}

async function pool(n, concurrency, fn) {
  const out = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, concurrency) }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}

// ---------------------------------------------------------------- scenarios

function machineInfo() {
  const c = cpus();
  return {
    cores: availableParallelism(),
    cpu: c[0]?.model?.trim() ?? 'unknown',
    memGb: +(totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    date: new Date().toISOString(),
    loadStart: loadavg().map((l) => +l.toFixed(2)),
  };
}

async function runMode(mode, hello, results) {
  const label = (s) => `${s}`;
  const rows = [];
  const push = (row) => {
    rows.push({ mode, ...row });
    const r = rows.at(-1);
    log(
      r.status === 'ok'
        ? `${mode} ${r.id}: ${r.rate.toFixed(0)} ${r.unit}` +
            (r.p50 !== undefined
              ? `, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms`
              : '') +
            (r.non2xx || r.errors
              ? `, ${r.non2xx + r.errors} failed ${JSON.stringify(r.statusCodes)}`
              : '') +
            (r.ratio !== undefined ? `, ratio ${r.ratio.toFixed(3)}` : '') +
            (cfg.nodeArgs.length && r.windowMs ? ` [window ${r.windowMs.join(',')} ms]` : '')
        : `${mode} ${r.id}: ${r.status} (${r.reason})`,
    );
  };
  const measured = (id, name, res, extra = {}) => {
    const rate = extra.rate ?? res.okPerSec;
    return {
      id,
      name: label(name),
      status: 'ok',
      unit: extra.unit ?? 'req/s',
      rate,
      p50: res.p50,
      p99: res.p99,
      peakRssMb: res.peakRssMb,
      requests: res.requests,
      non2xx: res.non2xx,
      errors: res.errors + res.timeouts,
      statusCodes: res.statusCodes,
      connections: extra.connections ?? cfg.connections,
      windowMs: res.windowMs,
      cpuUsPerOk: res.cpuUsPerOk,
      cpuMs: res.cpuMs,
      ...extra,
    };
  };
  const attempt = async (id, name, fn) => {
    if (!want(id)) return;
    try {
      push(await fn());
    } catch (err) {
      if (err instanceof Skip) push({ id, name, status: 'skipped', reason: err.message });
      else push({ id, name, status: 'failed', reason: String(err.message ?? err).slice(0, 300) });
    }
  };

  log(`${mode}: starting the platform`);
  const platform = await startPlatform({
    mode,
    env: PLATFORM_ENV,
    logDir: LOG_DIR,
    nodeArgs: cfg.nodeArgs,
  });
  cleanups.add(platform.stop);
  origin = platform.spawnedAt;
  const info = {
    mode,
    processes: platform.procs.size,
    database: env.DATABASE_URL ? 'PostgreSQL' : 'PGlite',
    kv: env.REDIS_URL ? 'Redis' : 'in-memory',
    transport: mode === 'split' ? 'NATS' : 'in-process',
    startupMs: platform.startupMs,
  };
  try {
    await new Promise((r) => setTimeout(r, SMOKE ? 200 : 2000));
    info.idleRssMb = platform.rssMb();
    info.idleRssMaxMb = platform.maxRssMb();
    log(
      `${mode}: ready in ${info.startupMs.toFixed(0)} ms, idle RSS ${info.idleRssMb.toFixed(0)} MB`,
    );
    const api = platform.url + '/api/v1';
    const pp = () => platform.pids();

    // The baseline first, right before the platform's own scenarios.
    let helloRate;
    let helloCpu;
    await attempt('hello', 'raw Fastify "hello" (baseline)', async () => {
      const r = await load({ url: hello.url, path: '/hello' }, hello.pids);
      helloRate = r.okPerSec;
      helloCpu = r.cpuUsPerOk;
      return measured('hello', 'raw Fastify "hello" (baseline)', r, {
        baseline: 'itself',
        ratio: 1,
      });
    });
    const vsHello = (r) =>
      helloRate
        ? {
            baseline: 'raw Fastify',
            ratio: r.okPerSec / helloRate,
            cpuRatio: helloCpu && r.cpuUsPerOk ? helloCpu / r.cpuUsPerOk : undefined,
          }
        : {};

    await attempt('live', 'GET /health/live', async () => {
      expectOk(await call(platform.url, 'GET', '/health/live'), 'GET /health/live');
      const r = await load({ url: platform.url, path: '/health/live' }, pp);
      return measured('live', 'GET /health/live', r, vsHello(r));
    });

    // A member and sessions for the authenticated scenarios.
    let member;
    let setupError;
    try {
      const email = `bench.${Date.now().toString(36)}.${Math.random().toString(36).slice(2, 8)}@example.com`;
      const reg = expectOk(
        await call(api, 'POST', '/auth/register', {
          body: { email, password: PASSWORD, name: 'Bench User' },
        }),
        'POST /auth/register',
      );
      const sessions = await pool(cfg.connections + 4, 4, async () =>
        expectOk(
          await call(api, 'POST', '/auth/login', { body: { email, password: PASSWORD } }),
          'POST /auth/login',
        ),
      );
      member = {
        id: reg.id,
        email,
        token: sessions[0].access_token,
        refreshTokens: sessions.slice(1).map((s) => s.refresh_token),
      };
    } catch (err) {
      setupError = err instanceof Skip ? err : new Skip(`sign-up failed: ${err.message}`);
    }
    const needMember = () => {
      if (!member) throw setupError;
      return member;
    };
    const auth = () => ({ authorization: `Bearer ${needMember().token}` });

    await attempt('users.get', 'GET /api/v1/users/{id} (authenticated)', async () => {
      const m = needMember();
      expectOk(await call(api, 'GET', `/users/${m.id}`, { token: m.token }), 'GET /users/{id}');
      const r = await load(
        { url: platform.url, path: `/api/v1/users/${m.id}`, headers: auth() },
        pp,
      );
      const target = mode === 'all' ? 1 / 3 : 1 / 6;
      const row = measured('users.get', 'GET /api/v1/users/{id} (authenticated)', r, vsHello(r));
      row.target = `≥ ${mode === 'all' ? '1/3' : '1/6'} of raw Fastify, p99 < 10 ms at 50 connections`;
      row.goal = { ratio: target, p99: 10, connections: 50 };
      return row;
    });

    await attempt('login', 'POST /api/v1/auth/login', async () => {
      const m = needMember();
      expectOk(
        await call(api, 'POST', '/auth/login', { body: { email: m.email, password: PASSWORD } }),
        'POST /auth/login',
      );
      const ceiling = await forkJob('baselines.mjs', {
        kind: 'argon2',
        seconds: cfg.baselineSeconds,
      });
      rows.push({
        mode,
        id: 'argon2',
        name: 'argon2id verify, every core (ceiling)',
        status: 'ok',
        unit: 'hash/s',
        rate: ceiling.perSec,
        cpuMsPerHash: ceiling.cpuMsPerHash,
        note: `${ceiling.cpuMsPerHash?.toFixed(1)} ms of CPU per hash (${ceiling.singleMs.toFixed(1)} ms wall, one at a time), ${ceiling.concurrency} in parallel`,
      });
      log(
        `${mode} argon2: ${ceiling.perSec.toFixed(1)} hash/s (${ceiling.singleMs.toFixed(1)} ms each)`,
      );
      const r = await load(
        {
          url: platform.url,
          path: '/api/v1/auth/login',
          method: 'POST',
          body: { email: m.email, password: PASSWORD },
          connections: cfg.loginConnections,
        },
        pp,
      );
      const row = measured('login', 'POST /api/v1/auth/login', r, {
        baseline: 'argon2id ceiling',
        ratio: r.okPerSec / ceiling.perSec,
        connections: cfg.loginConnections,
      });
      row.target = '≥ 80% of the argon2id ceiling';
      row.met = row.ratio >= 0.8;
      return row;
    });

    await attempt('refresh', 'POST /api/v1/auth/refresh (rotation)', async () => {
      const m = needMember();
      // The probe rotates one session; its successor joins the pool.
      const [first, ...rest] = m.refreshTokens;
      const probe = expectOk(
        await call(api, 'POST', '/auth/refresh', { body: { refresh_token: first } }),
        'POST /auth/refresh',
      );
      m.refreshTokens = [probe.refresh_token, ...rest];
      const r = await load(
        {
          url: platform.url,
          path: '/api/v1/auth/refresh',
          method: 'POST',
          kind: 'refresh',
          tokens: m.refreshTokens,
        },
        pp,
      );
      const row = measured('refresh', 'POST /api/v1/auth/refresh (rotation)', r, vsHello(r));
      row.target = '≥ 5% of raw Fastify';
      row.goal = { ratio: 0.05 };
      return row;
    });

    await attempt(
      'analytics',
      `POST /api/v1/analytics/events (batches of ${cfg.batch})`,
      async () => {
        // A server with an ingestion key (Segment's Basic form); a signed-in member otherwise.
        let ingestAuth = {
          authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`,
        };
        let as = 'ingestion key';
        const probe = { events: [{ name: 'Bench Probe' }] };
        let res = await call(api, 'POST', '/analytics/events', {
          headers: ingestAuth,
          body: probe,
        });
        if (res.status === 401 && member) {
          log(
            `${mode} analytics: the ingestion key got 401 (${res.text.slice(0, 160)}); using a member token`,
          );
          ingestAuth = auth();
          as = 'member token (the ingestion key was refused)';
          res = await call(api, 'POST', '/analytics/events', { headers: ingestAuth, body: probe });
        }
        expectOk(res, 'POST /analytics/events');
        const raw = await forkJob('baselines.mjs', {
          kind: 'insert',
          databaseUrl: platform.databaseUrl,
          seconds: cfg.baselineSeconds,
          batch: cfg.batch,
          connections: cfg.analyticsConnections,
        });
        rows.push({
          mode,
          id: 'insert',
          name: `raw multi-row INSERT, ${cfg.batch} rows per statement`,
          status: 'ok',
          unit: 'rows/s',
          rate: raw.perSec,
          note: `${raw.where}, ${raw.connections} connection(s)`,
        });
        log(`${mode} raw insert: ${raw.perSec.toFixed(0)} rows/s`);
        const r = await load(
          {
            url: platform.url,
            path: '/api/v1/analytics/events',
            method: 'POST',
            kind: 'analytics',
            batch: cfg.batch,
            headers: ingestAuth,
            connections: cfg.analyticsConnections,
          },
          pp,
        );
        const row = measured(
          'analytics',
          `POST /api/v1/analytics/events (batches of ${cfg.batch})`,
          r,
          {
            unit: 'events/s',
            rate: r.acceptedPerSec,
            baseline: 'raw multi-row INSERT',
            ratio: r.acceptedPerSec / raw.perSec,
            connections: cfg.analyticsConnections,
            requestsPerSec: r.okPerSec,
            as,
          },
        );
        row.target = '≥ 50,000 events/s';
        row.met = r.acceptedPerSec >= 50_000;
        return row;
      },
    );

    await attempt('payments', 'POST /api/v1/payments (wire, fresh Idempotency-Key)', async () => {
      const body = { amount: 1999, currency: 'EUR', method: 'wire', description: 'bench' };
      const h = { ...auth(), 'idempotency-key': `probe-${Date.now()}` };
      expectOk(await call(api, 'POST', '/payments', { headers: h, body }), 'POST /payments');
      const r = await load(
        {
          url: platform.url,
          path: '/api/v1/payments',
          method: 'POST',
          kind: 'payments',
          headers: auth(),
          body,
        },
        pp,
      );
      return measured(
        'payments',
        'POST /api/v1/payments (wire, fresh Idempotency-Key)',
        r,
        vsHello(r),
      );
    });

    // The baseline again after the platform's scenarios: the ratios use the mean of both runs,
    // which evens out a change of load on the machine during the mode.
    if (want('hello') && helloRate) {
      try {
        const again = await load({ url: hello.url, path: '/hello' }, hello.pids);
        const first = rows.find((r) => r.id === 'hello');
        first.before = { rate: first.rate, cpuUsPerOk: first.cpuUsPerOk };
        first.after = { rate: again.okPerSec, cpuUsPerOk: again.cpuUsPerOk };
        first.rate = (first.before.rate + again.okPerSec) / 2;
        first.cpuUsPerOk = (first.before.cpuUsPerOk + again.cpuUsPerOk) / 2;
        first.p50 = (first.p50 + again.p50) / 2;
        first.p99 = (first.p99 + again.p99) / 2;
        first.peakRssMb = Math.max(first.peakRssMb, again.peakRssMb);
        first.note = `mean of ${Math.round(first.before.rate)} before and ${Math.round(again.okPerSec)} req/s after`;
        helloRate = first.rate;
        helloCpu = first.cpuUsPerOk;
        log(`${mode} hello again: ${again.okPerSec.toFixed(0)} req/s (${first.note})`);
      } catch (err) {
        log(`${mode} hello again failed: ${err.message}`);
      }
    }
    for (const r of rows) {
      if (r.status !== 'ok' || r.baseline !== 'raw Fastify') continue;
      Object.assign(r, vsHello({ okPerSec: r.rate, cpuUsPerOk: r.cpuUsPerOk }));
    }
    for (const r of rows) {
      if (!r.goal || r.ratio === undefined) continue;
      const g = r.goal;
      r.met =
        r.ratio >= g.ratio &&
        (g.p99 === undefined || r.p99 < g.p99) &&
        (g.connections === undefined || r.connections >= g.connections);
    }
  } finally {
    cleanups.delete(platform.stop);
    await platform.stop();
  }
  info.logs = relative(ROOT, platform.logDir);
  results.modes.push({ ...info, rows });
}

/**
 * Start-up on embedded PGlite: the very first start on a machine (no migrated template yet:
 * PGlite's initdb and every migration, then the template is saved), a first start on a fresh
 * data directory (copied from the template), and a restart on that directory (every later
 * start).
 */
async function pgliteStart(results) {
  const roots = {
    cold: mkdtempSync(join(tmpdir(), 'platform-bench-pglite-')),
    first: mkdtempSync(join(tmpdir(), 'platform-bench-pglite-')),
  };
  roots.restart = roots.first;
  const templates = join(ROOT, 'node_modules/.cache/platform');
  try {
    results.pglite = {};
    for (const which of ['cold', 'first', 'restart']) {
      log(`PGlite: timing the ${PGLITE_STARTS[which]}`);
      if (which === 'cold') rmSync(templates, { recursive: true, force: true });
      const p = await startPlatform({
        mode: 'all',
        env: { ...PLATFORM_ENV, DATABASE_URL: '', REDIS_URL: '' },
        logDir: LOG_DIR,
        dataRoot: roots[which],
      });
      try {
        await new Promise((r) => setTimeout(r, 2000));
        results.pglite[which] = { startupMs: p.startupMs, idleRssMb: p.rssMb() };
        log(
          `PGlite ${PGLITE_STARTS[which]}: ready in ${p.startupMs.toFixed(0)} ms, idle RSS ${results.pglite[which].idleRssMb.toFixed(0)} MB`,
        );
      } finally {
        await p.stop();
      }
    }
  } finally {
    for (const dir of new Set(Object.values(roots))) rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  if (!existsSync(join(ROOT, 'dist/main.js')))
    throw new Error('dist/main.js is missing: run npm run build first');
  const results = {
    machine: machineInfo(),
    settings: {
      ...cfg,
      out: undefined,
      json: undefined,
      smoke: SMOKE,
      logLevel: PLATFORM_ENV.LOG_LEVEL,
    },
    services: {
      database: env.DATABASE_URL ? 'PostgreSQL' : 'PGlite',
      kv: env.REDIS_URL ? 'Redis' : 'in-memory',
      nats: Boolean(env.NATS_URL),
    },
    modes: [],
  };
  const started = Date.now();
  const hello = await startHello();
  try {
    for (const mode of cfg.modes) {
      try {
        await runMode(mode, hello, results);
      } catch (err) {
        // A layout that does not start is reported, and the other layouts still run.
        log(`${mode}: ${err.message}`);
        results.modes.push({ mode, failed: String(err.message).slice(0, 400), rows: [] });
      }
    }
    if (cfg.pgliteStart) await pgliteStart(results);
  } finally {
    await hello.stop();
  }
  results.machine.loadEnd = loadavg().map((l) => +l.toFixed(2));
  results.machine.seconds = Math.round((Date.now() - started) / 1000);
  mkdirSync(dirname(cfg.json), { recursive: true });
  writeFileSync(cfg.json, JSON.stringify(results, null, 2));
  process.stdout.write('\n' + formatTable(results) + '\n');
  if (cfg.out !== '-') {
    writeResults(
      cfg.out,
      renderMarkdown(results),
      existsSync(cfg.out) ? readFileSync(cfg.out, 'utf8') : undefined,
    );
    log(`wrote ${relative(ROOT, cfg.out)}`);
  }
  log(`raw results in ${relative(ROOT, cfg.json)}`);
}

const cleanupAll = async () => {
  for (const c of [...cleanups]) await Promise.resolve(c()).catch(() => undefined);
};
// If whoever started the runner goes away (a killed test run), writes to its pipes fail with
// EPIPE: ignore them and finish, so the platform and the baseline are still stopped.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);
process.on('uncaughtException', (err) => {
  log(`failed: ${err.stack ?? err}`);
  cleanupAll().then(() => process.exit(1));
});
process.on('SIGINT', () => cleanupAll().then(() => process.exit(130)));
process.on('SIGTERM', () => cleanupAll().then(() => process.exit(143)));

main().then(
  () => process.exit(0),
  async (err) => {
    log(`failed: ${err.stack ?? err}`);
    await cleanupAll();
    process.exit(1);
  },
);
