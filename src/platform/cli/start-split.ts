/**
 * `npm run start:split`: the five parts as five processes over NATS, the gateway on PORT and
 * the others serving health on HEALTH_PORT+1.. . Ctrl-C (or SIGTERM) stops them all; if one
 * dies, the rest are stopped too so nothing half-runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PART_NAMES } from '../config/schema/core.env.js';

const main = resolve(fileURLToPath(import.meta.url), '../../../main.js');
const missing = ['NATS_URL', 'REDIS_URL'].filter((v) => !process.env[v]);
if (missing.length) {
  process.stderr.write(
    `${missing.join(' and ')} must be set for split mode: the parts talk over NATS and share ` +
      'sessions and limits in Redis (e.g. NATS_URL=nats://127.0.0.1:4222 REDIS_URL=redis://127.0.0.1:6379).\n',
  );
  process.exit(1);
}

const basePort = Number(process.env.HEALTH_PORT ?? 8081);
const dataDir = process.env.DATA_DIR ?? './data';
const children: ChildProcess[] = [];
let stopping = false;

PART_NAMES.forEach((role, i) => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    APP_ROLES: role,
    HEALTH_PORT: String(basePort + i),
  };
  // Without PostgreSQL each part keeps its own embedded database (parts never share tables).
  if (!process.env.DATABASE_URL) env.DATA_DIR = join(dataDir, role);
  const child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = `[${role}] `;
  child.stdout!.on('data', (b: Buffer) => process.stdout.write(prefixLines(prefix, b)));
  child.stderr!.on('data', (b: Buffer) => process.stderr.write(prefixLines(prefix, b)));
  child.on('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`${prefix}exited (${signal ?? code}); stopping the others\n`);
      stopAll(code ?? 1);
    }
  });
  children.push(child);
});

function prefixLines(prefix: string, b: Buffer): string {
  return b
    .toString()
    .split('\n')
    .map((l) => (l ? prefix + l : l))
    .join('\n');
}

function stopAll(exitCode: number) {
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  const deadline = setTimeout(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  }, 15_000);
  deadline.unref();
  Promise.all(
    children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.on('exit', r)))),
  ).then(() => process.exit(exitCode));
}

process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));
