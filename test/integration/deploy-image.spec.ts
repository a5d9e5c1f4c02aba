/**
 * The container image without a Docker engine: docker/Dockerfile's own build steps run in a
 * clean temporary copy of the build context (the tracked files that Dockerfile.dockerignore
 * lets through): `npm ci` from the shared npm cache with no network, the TypeScript build,
 * the dev-dependency prune; the runtime stage is assembled from those stages, and then the
 * migration command (as the Helm hook Job runs it), the server (the image's CMD with its ENV)
 * and the HEALTHCHECK command run from it. When this runs as root, the server runs as the
 * image's uid 1000 on files it cannot write, as in a read-only container.
 *
 * With DATABASE_URL and REDIS_URL set (CI) it runs as production does: NODE_ENV=production,
 * a fresh PostgreSQL database, Redis; otherwise on the embedded database in a temporary DATA_DIR.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { ROOT } from '../deploy/helm.js';
import {
  buildStages,
  readDockerfile,
  type BuiltStage,
  type Dockerfile,
} from '../deploy/dockerfile.js';
import { freePort } from '../support/platform-process.js';

const DOCKERFILE = join(ROOT, 'docker/Dockerfile');
const IMAGE_UID = 1000;
const asRoot = process.getuid?.() === 0;
const realServices = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);

/** Docker's .dockerignore semantics, enough for ours: globs, `**`, `!` re-includes, last match wins. */
export function dockerignoreFilter(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const glob = (negate ? l.slice(1) : l).replace(/^\/+/, '');
      const re = glob
        .split(/(\*\*\/?|\*|\?)/)
        .map((t) =>
          t === '**' || t === '**/'
            ? '(?:.*/)?' + (t === '**' ? '.*' : '')
            : t === '*'
              ? '[^/]*'
              : t === '?'
                ? '[^/]'
                : t.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
        )
        .join('');
      return { negate, re: new RegExp(`^${re}(?:/.*)?$`) };
    });
  return (path) => {
    let included = true;
    for (const r of rules) if (r.re.test(path)) included = r.negate;
    return included;
  };
}

let work: string;
let df: Dockerfile;
let image: BuiltStage;
let stages: BuiltStage[];
const buildLog: string[] = [];

function trackedFiles(): string[] {
  const r = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`git ls-files: ${r.stderr}`);
  return r.stdout.split('\0').filter((f) => f && existsSync(join(ROOT, f)));
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'platform-image-'));
  chmodSync(work, 0o755);
  const context = join(work, 'context');
  const keep = dockerignoreFilter(
    readFileSync(join(ROOT, 'docker/Dockerfile.dockerignore'), 'utf8'),
  );
  for (const file of trackedFiles().filter(keep)) {
    mkdirSync(dirname(join(context, file)), { recursive: true });
    cpSync(join(ROOT, file), join(context, file));
  }
  df = readDockerfile(DOCKERFILE);
  stages = await buildStages(df, {
    context,
    workspace: join(work, 'stages'),
    log: (l) => buildLog.push(l),
  });
  image = stages[stages.length - 1];
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('docker/Dockerfile', () => {
  it('builds from Node 22 LTS (bookworm-slim) in install, build and prune stages', () => {
    expect(df.args.NODE_IMAGE).toBe('node:22-bookworm-slim');
    const names = df.stages.map((s) => s.name);
    expect(names).toEqual(['install', 'build', 'prune', 'runtime']);
    for (const s of df.stages) expect([df.args.NODE_IMAGE, ...names]).toContain(s.base);
    expect(df.stages[df.stages.length - 1].base).toBe('node:22-bookworm-slim');
    expect(buildLog).toEqual([
      'RUN npm ci --ignore-scripts',
      'RUN npm run build',
      'RUN npm prune --omit=dev --ignore-scripts',
    ]);
  });

  it('ships the built server with production dependencies only', () => {
    const app = join(image.root, image.workdir);
    expect(existsSync(join(app, 'dist/main.js'))).toBe(true);
    expect(existsSync(join(app, 'dist/platform/cli/migrate.js'))).toBe(true);
    expect(existsSync(join(app, 'src'))).toBe(false);
    // The lock file marks what only development needs ("dev": true): none of it ships.
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
    const entries = Object.entries(
      lock.packages as Record<string, { dev?: boolean; optional?: boolean }>,
    ).filter(([path]) => path.startsWith('node_modules/'));
    const dev = entries.filter(([, p]) => p.dev).map(([path]) => path);
    const prod = entries.filter(([, p]) => !p.dev && !p.optional).map(([path]) => path);
    expect(dev).toContain('node_modules/jest');
    expect(dev.filter((path) => existsSync(join(app, path)))).toEqual([]);
    expect(prod.filter((path) => !existsSync(join(app, path)))).toEqual([]);
  });

  it('runs as a numeric non-root user, with a node HEALTHCHECK and the platform ports', () => {
    const [uid] = (image.user ?? '0').split(':');
    expect(Number(uid)).toBe(IMAGE_UID);
    expect(image.healthcheck?.cmd[0]).toBe('node');
    expect(image.expose).toEqual([8000, 8081]);
    expect(image.cmd).toEqual(['node', 'dist/main.js']);
    expect(image.env).toMatchObject({ NODE_ENV: 'production', PORT: '8000', HEALTH_PORT: '8081' });
    // The runtime stage only prepares the writable data directory.
    for (const r of image.skippedRuns) expect(r).toMatch(/^install -d /);
  });
});

describe('the image filesystem, started like a container', () => {
  let server: ChildProcess | undefined;
  let output = '';
  let port: number;
  let env: NodeJS.ProcessEnv;
  let dbName: string | undefined;
  const app = () => join(image.root, image.workdir);
  const asImageUser = asRoot ? { uid: IMAGE_UID, gid: IMAGE_UID } : {};

  beforeAll(async () => {
    port = await freePort();
    const dataDir = join(work, 'data');
    mkdirSync(dataDir, { recursive: true });
    if (asRoot) chownSync(dataDir, IMAGE_UID, IMAGE_UID);
    env = {
      PATH: process.env.PATH,
      // As in the container, where /home/node is on the read-only root filesystem.
      HOME: join(image.root, image.workdir),
      ...image.env,
      PORT: String(port),
      KV_PREFIX: `deploy-test:${randomBytes(4).toString('hex')}:`,
      LOG_LEVEL: 'warn',
    };
    if (realServices) {
      dbName = `deploy_image_${randomBytes(4).toString('hex')}`;
      const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await client.connect();
      await client.query(`CREATE DATABASE "${dbName}"`);
      await client.end();
      const url = new URL(process.env.DATABASE_URL!);
      url.pathname = `/${dbName}`;
      Object.assign(env, {
        DATABASE_URL: url.toString(),
        REDIS_URL: process.env.REDIS_URL,
        JWT_SECRET: randomBytes(32).toString('hex'),
        MFA_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      });
    } else {
      Object.assign(env, { NODE_ENV: 'development', DATA_DIR: join(dataDir, 'pglite') });
    }
  }, 60_000);

  afterAll(async () => {
    if (server && server.exitCode === null && !server.signalCode) server.kill('SIGKILL');
    if (dbName) {
      const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await client.end();
    }
  });

  it('applies migrations with the hook Job command', () => {
    const r = spawnSync('node', ['dist/platform/cli/migrate.js'], {
      cwd: app(),
      env: { ...env, APP_ROLES: 'all' },
      encoding: 'utf8',
      timeout: 120_000,
      ...asImageUser,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // A fresh database gets every part's migrations (none yet is also fine for a new part).
    expect(r.stdout).toMatch(/^(applied: |nothing to apply)/);
  }, 150_000);

  it('starts with the image CMD and answers /health/live with 200', async () => {
    const [cmd, ...args] = image.cmd!;
    server = spawn(cmd, args, {
      cwd: app(),
      env: { ...env, MIGRATIONS_RUN: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...asImageUser,
    });
    server.stdout!.on('data', (b) => (output += b));
    server.stderr!.on('data', (b) => (output += b));
    let status = 0;
    for (let i = 0; i < 600 && status !== 200; i++) {
      if (server.exitCode !== null)
        throw new Error(`server exited (${server.exitCode}):\n${output}`);
      status = await fetch(`http://127.0.0.1:${port}/health/live`)
        .then((r) => r.status)
        .catch(() => 0);
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
  }, 90_000);

  it('passes its own HEALTHCHECK command, and reports readiness details', () => {
    const check = spawnSync(image.healthcheck!.cmd[0], image.healthcheck!.cmd.slice(1), {
      cwd: app(),
      env,
      encoding: 'utf8',
      ...asImageUser,
    });
    expect(check.status).toBe(0);
    const ready = spawnSync('node', ['docker/healthcheck.mjs', '/health/ready'], {
      cwd: app(),
      env,
      encoding: 'utf8',
      ...asImageUser,
    });
    expect(ready.stdout).toMatch(/^200 /);
    expect(JSON.parse(ready.stdout.slice(4)).details.database.status).toBe('up');
    expect(ready.status).toBe(0);
  });

  it('fails the HEALTHCHECK when nothing answers on the port', () => {
    const check = spawnSync(image.healthcheck!.cmd[0], image.healthcheck!.cmd.slice(1), {
      cwd: app(),
      env: { ...env, APP_ROLES: 'auth', HEALTH_PORT: '1' },
      encoding: 'utf8',
    });
    expect(check.status).toBe(1);
  });

  it('exposes the metrics the Grafana dashboard plots', async () => {
    const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
    const dashboard = readFileSync(join(ROOT, 'helm/platform/dashboards/platform.json'), 'utf8');
    const used = new Set(
      [...dashboard.matchAll(/\b((?:http|rpc|process|nodejs)_[a-z0-9_]+)\{/g)].map((m) => m[1]),
    );
    expect(used.size).toBeGreaterThan(5);
    for (const series of used) {
      const family = series.replace(/_(bucket|count|sum)$/, '');
      expect([series, text.includes(`# TYPE ${family} `)]).toEqual([series, true]);
    }
  });

  it('wrote nothing into the application directory and stops on SIGTERM', async () => {
    const exited = new Promise<void>((r) => server!.once('exit', () => r()));
    server!.kill('SIGTERM');
    await exited;
    expect(output).not.toMatch(/EACCES|EROFS/);
    expect(existsSync(join(app(), 'data'))).toBe(false);
  }, 30_000);
});
