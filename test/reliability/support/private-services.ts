/**
 * Private Redis, NATS and PostgreSQL instances on free ports for fault tests: the shared
 * services of the machine are never stopped. Each can be stopped hard and started again on the
 * same port with the same data (PostgreSQL) or empty (Redis runs without persistence).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../support/platform-process.js';

export interface PrivateService {
  name: string;
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

async function waitPort(port: number, up: boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((res) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        res(true);
      });
      s.once('error', () => res(false));
    });
    if (open === up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} did not become ${up ? 'open' : 'closed'}`);
}

function daemon(name: string, port: number, cmd: string, args: string[]): PrivateService {
  let child: ChildProcess | undefined;
  const svc: PrivateService = {
    name,
    url: '',
    async start() {
      child = spawn(cmd, args, { stdio: 'ignore' });
      await waitPort(port, true);
    },
    async stop() {
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      await waitPort(port, false);
    },
    async destroy() {
      await svc.stop();
    },
  };
  return svc;
}

export async function startRedis(): Promise<PrivateService> {
  const port = await freePort();
  const svc = daemon('redis', port, 'redis-server', [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
  ]);
  svc.url = `redis://127.0.0.1:${port}`;
  await svc.start();
  return svc;
}

export async function startNats(): Promise<PrivateService> {
  const port = await freePort();
  const svc = daemon('nats', port, 'nats-server', ['-a', '127.0.0.1', '-p', String(port)]);
  svc.url = `nats://127.0.0.1:${port}`;
  await svc.start();
  return svc;
}

/** The PostgreSQL binaries, or undefined (then PostgreSQL faults are skipped). */
export function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const version = readdirSync(root).sort().pop();
  const bin = version && join(root, version, 'bin');
  return bin && existsSync(join(bin, 'initdb')) ? bin : undefined;
}

/**
 * A private cluster: initdb into a temp directory and pg_ctl on a free port, as the postgres
 * user when we are root (postgres refuses to run as root). Trust auth on 127.0.0.1.
 */
export async function startPostgres(): Promise<PrivateService> {
  const bin = postgresBin();
  if (!bin) throw new Error('no PostgreSQL binaries under /usr/lib/postgresql');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'rel-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const pw = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    chownSync(dir, Number(pw.stdout.trim()), Number(gid.stdout.trim()));
  }
  const run = (args: string[]) => {
    const cmd = asRoot ? 'runuser' : args[0];
    const full = asRoot ? ['-u', 'postgres', '--', ...args] : args.slice(1);
    const r = spawnSync(cmd, full, { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr || r.stdout}`);
  };
  run([
    join(bin, 'initdb'),
    '-D',
    join(dir, 'data'),
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
  const svc: PrivateService = {
    name: 'postgres',
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async start() {
      run([
        join(bin, 'pg_ctl'),
        '-D',
        join(dir, 'data'),
        '-o',
        opts,
        '-l',
        join(dir, 'pg.log'),
        '-w',
        'start',
      ]);
      await waitPort(port, true);
    },
    async stop() {
      // Immediate: like a crash or a network cut, no clean shutdown of the sessions.
      run([join(bin, 'pg_ctl'), '-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
      await waitPort(port, false);
    },
    async destroy() {
      try {
        await svc.stop();
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await svc.start();
  return svc;
}
