/**
 * Crashes: `kill -9` while payment creations, Stripe webhooks (with redeliveries), analytics
 * batches and registrations/logins flow, then a restart with the same data, again and again:
 *   - all-in-one, on the database of the run (PostgreSQL when DATABASE_URL is set, else PGlite);
 *   - all-in-one on PGlite when the run uses PostgreSQL (the data directory's lock file a killed
 *     process leaves behind is taken over at restart);
 *   - split over NATS: the payments, analytics and auth processes killed in turn while traffic
 *     goes through the gateway.
 * Once per scenario the restarted process is killed again while it starts.
 * After the last restart, what had no answer is retried with the same key, event id or email,
 * the outbox drains, and support/crash-checks.ts reads every part's tables: each acknowledged
 * effect exactly once, nothing half-applied, the ledger balanced, analytics counting each
 * payment once. Knobs: RELIABILITY_CRASHES (kills per scenario, default 4),
 * RELIABILITY_CRASH_SEED, RELIABILITY_CRASH_UPTIME_MS (traffic between kills, default 2500).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe.js';
import { E2E_ADMIN, type Mode, type PlatformHandle } from '../support/platform-process.js';
import { checkInvariants } from './support/crash-checks.js';
import { CrashTraffic, seeded } from './support/crash-traffic.js';
import { req, sleep } from './support/http.js';
import { embedded, openPartDatabases } from './support/part-databases.js';
import { startNats, startRedis, type PrivateService } from './support/private-services.js';
import { recordFigures, recordSecrets, startReliabilityPlatform } from './support/run.js';

const CRASHES = Number(process.env.RELIABILITY_CRASHES ?? 4);
const SEED = Number(process.env.RELIABILITY_CRASH_SEED ?? 20261206);
const UPTIME_MS = Number(process.env.RELIABILITY_CRASH_UPTIME_MS ?? 2500);
/** Retrying what had no answer; covers the idempotency lease below. */
const CONVERGE_MS = 90_000;
/** A delivery claimed by a killed relay waits for its 30 s lease, then backs off. */
const DRAIN_MS = 120_000;

const CRASH_ENV: NodeJS.ProcessEnv = {
  // A killed request holds its Idempotency-Key (409) until the lease runs out (default 120 s).
  PAYMENTS_IDEMPOTENCY_LEASE_S: '15',
  // A registration killed half-way is undone after this (default 60 s): its email frees up.
  REGISTRATION_TIMEOUT_S: '10',
  PAYMENTS_PROVIDER_TIMEOUT_MS: '3000',
  RPC_TIMEOUT_MS: '3000',
  REQUEST_TIMEOUT_MS: '8000',
};

interface Totals {
  scenarios: string[];
  requests: number;
  crashes_injected: number;
  crashes_survived: number;
  stale_locks_taken_over: number;
  violations: string[];
}
const totals: Totals = {
  scenarios: [],
  requests: 0,
  crashes_injected: 0,
  crashes_survived: 0,
  stale_locks_taken_over: 0,
  violations: [],
};

afterAll(() => {
  recordFigures('crashes', {
    seed: String(SEED),
    requests: totals.requests,
    crashes_injected: totals.crashes_injected,
    crashes_survived: totals.crashes_survived,
    stale_locks_taken_over: totals.stale_locks_taken_over,
    violations: totals.violations.length,
    scenarios: totals.scenarios,
    details: totals.violations.slice(0, 40),
  });
});

interface Scenario {
  label: string;
  mode: Mode;
  env: NodeJS.ProcessEnv;
  /** Processes killed in turn (`all` in all-in-one mode). */
  targets: string[];
  crashes: number;
}

/** The sum of every process's outbox backlog (undefined while no process answers). */
async function outboxBacklog(platform: PlatformHandle): Promise<number | undefined> {
  let total: number | undefined;
  for (const p of platform.procs.values()) {
    const r = await req(p.healthUrl, 'GET', '/metrics');
    if (r.status !== 200) return undefined;
    for (const m of String(r.text).matchAll(/^outbox_pending_events\{[^}]*\} (\d+)$/gm)) {
      total = (total ?? 0) + Number(m[1]);
    }
  }
  return total;
}

async function adminToken(base: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = await req(base, 'POST', '/api/v1/auth/login', { body: E2E_ADMIN });
    if (r.status === 200) return r.body.access_token;
    if (Date.now() > deadline) throw new Error(`admin login: ${r.status} ${r.text}`);
    await sleep(500);
  }
}

function lockOf(platform: PlatformHandle, name: string): string | undefined {
  const dir = platform.procs.get(name)?.env.DATA_DIR;
  const file = dir && join(dir, 'platform.lock');
  return file && existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

const seconds = (since: number) => Math.round((Date.now() - since) / 1000);

async function crashScenario(s: Scenario): Promise<string[]> {
  const scenarioStart = Date.now();
  const violations: string[] = [];
  const stripe: FakeStripe = await startFakeStripe();
  let platform: PlatformHandle | undefined;
  let stopped = false;
  try {
    const onPglite = !('DATABASE_URL' in s.env ? s.env.DATABASE_URL : process.env.DATABASE_URL);
    platform = await startReliabilityPlatform({
      mode: s.mode,
      // PGlite is read after the platform stopped (removeData cleans up).
      keepData: onPglite,
      env: {
        ...CRASH_ENV,
        STRIPE_SECRET_KEY: stripe.secretKey,
        STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
        STRIPE_API_URL: stripe.url,
        ...s.env,
      },
    });
    const phases: string[] = [`start ${seconds(scenarioStart)} s`];
    const rand = seeded(SEED + [...s.label].reduce((h, c) => h * 31 + c.charCodeAt(0), 0));
    const traffic = new CrashTraffic({
      label: s.label,
      base: platform.url,
      stripe,
      rand,
      tag: `${s.label.replace(/\W+/g, '')}${Date.now().toString(36)}`,
      workers: { payments: 2, webhooks: 1, analytics: 1, auth: 2 },
    });
    await traffic.setup(4);
    traffic.start();

    let phaseStart = Date.now();
    let injected = 0;
    let survived = 0;
    let staleLocks = 0;
    const restartMs: number[] = [];
    for (let i = 0; i < s.crashes; i++) {
      await sleep(UPTIME_MS / 2 + rand() * UPTIME_MS);
      const target = s.targets[i % s.targets.length];
      const pid = String(platform.procs.get(target)!.child.pid);
      await platform.kill(target, 'SIGKILL');
      let kills = 1;
      // PGlite: the killed process's lock file stays behind; the restart must take it over.
      const left = lockOf(platform, target) === pid;
      const started = Date.now();
      try {
        if (i === 1) {
          // Once per scenario the restart itself is killed (during start-up and migrations).
          const restarting = platform.restart(target).catch(() => undefined);
          await sleep(300 + rand() * 1200);
          await platform.kill(target, 'SIGKILL');
          await restarting;
          kills++;
        }
        await platform.restart(target);
      } catch (err) {
        injected += kills;
        violations.push(`${s.label}: ${target} did not restart after kill -9: ${String(err)}`);
        break;
      }
      injected += kills;
      survived += kills;
      restartMs.push(Date.now() - started);
      if (left && lockOf(platform, target) === String(platform.procs.get(target)!.child.pid)) {
        staleLocks++;
      }
    }
    await sleep(UPTIME_MS);
    await traffic.stop();
    phases.push(`crashes ${seconds(phaseStart)} s`);
    phaseStart = Date.now();

    await traffic.converge(CONVERGE_MS);
    phases.push(`retries ${seconds(phaseStart)} s`);
    phaseStart = Date.now();
    const deadline = Date.now() + DRAIN_MS;
    let backlog = await outboxBacklog(platform);
    while (backlog !== 0 && Date.now() < deadline) {
      await sleep(500);
      backlog = await outboxBacklog(platform);
    }
    if (backlog !== 0)
      violations.push(`${s.label}: outbox backlog ${backlog} after ${DRAIN_MS} ms`);
    phases.push(`outbox drained ${seconds(phaseStart)} s`);
    phaseStart = Date.now();
    const trial = await req(platform.url, 'GET', '/api/v1/payments/ledger/trial-balance', {
      token: await adminToken(platform.url),
    });
    if (trial.status !== 200 || trial.body.balanced !== true) {
      violations.push(`${s.label}: trial balance ${trial.status} ${trial.text.slice(0, 300)}`);
    }

    // PGlite serves one process: read its data once the platform stopped.
    if (embedded(platform)) {
      await platform.stop();
      stopped = true;
    }
    const dbs = await openPartDatabases(platform);
    let figures;
    try {
      const checked = await checkInvariants(s.label, dbs, traffic, stripe);
      violations.push(...checked.violations);
      figures = checked.figures;
    } finally {
      await dbs.close();
    }
    violations.push(...traffic.violations);
    phases.push(`checks ${seconds(phaseStart)} s`);
    const undone = undoneRegistrations(platform);
    for (const [kind, values] of Object.entries(traffic.secrets)) recordSecrets(kind, [...values]);

    if (embedded(platform) && s.crashes > 0 && s.targets.includes('all') && staleLocks === 0) {
      violations.push(`${s.label}: no stale PGlite lock was left behind and taken over`);
    }
    totals.requests += traffic.requests;
    totals.crashes_injected += injected;
    totals.crashes_survived += survived;
    totals.stale_locks_taken_over += staleLocks;
    const avg = restartMs.length
      ? Math.round(restartMs.reduce((a, b) => a + b, 0) / restartMs.length / 100) / 10
      : 0;
    totals.scenarios.push(
      `${s.label}: ${traffic.requests} requests (${traffic.outcomes.ack} acknowledged, ` +
        `${traffic.outcomes.refused} refused, ${traffic.outcomes.unknown} unknown), ` +
        `${injected} kill -9 (${s.targets.join(', ')}), ${survived} restarts (avg ${avg} s), ` +
        `${staleLocks} stale locks taken over; ${figures.payments} payments ` +
        `(${figures.succeeded} succeeded, ${figures.failed} failed), ${figures.webhook_events} ` +
        `webhook events in ${figures.webhook_deliveries} deliveries, ${figures.probe_events} ` +
        `client events, ${figures.accounts} accounts, ${undone} half-done registrations undone; ` +
        `${violations.length} violations; ` +
        phases.join(', '),
    );
    totals.violations.push(...violations);
    return violations;
  } finally {
    if (platform && !stopped) await platform.stop();
    if (platform) removeData(platform);
    await stripe.close();
  }
}

/** How many registrations killed half-way the platform undid (from its logs). */
function undoneRegistrations(platform: PlatformHandle): number {
  let n = 0;
  for (const p of platform.procs.values()) {
    if (!existsSync(p.logFile)) continue;
    for (const m of readFileSync(p.logFile, 'utf8').matchAll(
      /undid (\d+) unfinished registrations/g,
    )) {
      n += Number(m[1]);
    }
  }
  return n;
}

/** PGlite platforms are started with keepData (read after the stop): clean up now. */
function removeData(platform: PlatformHandle): void {
  const dirs = [...platform.procs.values()].map((p) => p.env.DATA_DIR).filter(Boolean) as string[];
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  if (platform.mode === 'split')
    for (const d of dirs) rmSync(dirname(d), { recursive: true, force: true });
}

describe('crashes (kill -9) under traffic', () => {
  it(`all-in-one process on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}: every acknowledged effect exactly once`, async () => {
    const violations = await crashScenario({
      label: `all-in-one ${process.env.DATABASE_URL ? 'postgres' : 'pglite'}`,
      mode: 'all',
      env: {},
      targets: ['all'],
      crashes: CRASHES,
    });
    expect(violations).toEqual([]);
  }, 600_000);

  it('all-in-one process on PGlite: the stale data-directory lock is taken over after kill -9', async () => {
    if (!process.env.DATABASE_URL) return; // the scenario above ran on PGlite already
    const violations = await crashScenario({
      label: 'all-in-one pglite',
      mode: 'all',
      env: { DATABASE_URL: '' },
      targets: ['all'],
      crashes: Math.max(1, Math.ceil(CRASHES / 2)),
    });
    expect(violations).toEqual([]);
  }, 600_000);

  it('split over NATS: payments, analytics and auth killed in turn', async () => {
    const own: PrivateService[] = [];
    try {
      const env: NodeJS.ProcessEnv = {};
      if (!process.env.NATS_URL) own.push(await startNats());
      if (!process.env.REDIS_URL) own.push(await startRedis());
      for (const svc of own) env[`${svc.name.toUpperCase()}_URL`] = svc.url;
      const violations = await crashScenario({
        label: 'split',
        mode: 'split',
        env,
        targets: ['payments', 'analytics', 'auth'],
        crashes: Math.max(3, CRASHES - 1),
      });
      expect(violations).toEqual([]);
    } finally {
      for (const svc of own) await svc.destroy();
    }
  }, 900_000);
});
