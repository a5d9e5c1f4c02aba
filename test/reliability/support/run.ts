/**
 * Shared state of one reliability run (`npm run test:faults`): a run directory under
 * .test-data/reliability/<tag>/ where every spec records
 *   - the log directories of the platforms it started (scanned by the logs spec),
 *   - the secrets it sent or received (passwords, tokens, card numbers),
 *   - its figures (requests sent, faults injected, crashes survived, violations found).
 * Loaded by the global setup as CommonJS too: no import.meta here.
 */
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { PlatformHandle, StartOptions } from '../../support/platform-process.js';
// @ts-ignore TS2835 (loaded as CommonJS by the global setup: no extension)
import { startPlatform } from '../../support/platform-process';

/** The HS256 secret every reliability platform uses, so the suite can forge tokens with it. */
export const RELIABILITY_JWT_SECRET = 'reliability-suite-secret-0123456789-abcdefghij';

/**
 * Settings for platforms under test: generous rate limits (fuzzing must reach the handlers,
 * not the limiter) and a known signing secret.
 */
export const GENEROUS_ENV: NodeJS.ProcessEnv = {
  JWT_SECRET: RELIABILITY_JWT_SECRET,
  RATE_LIMIT_ENABLED: 'false',
  RATE_LIMIT_IP: '1000000/1m',
  RATE_LIMIT_USER: '1000000/1m',
  RATE_LIMIT_LOGIN: '1000000/1m',
  RATE_LIMIT_PASSWORD: '1000000/1m',
  RATE_LIMIT_MFA: '1000000/1m',
  RATE_LIMIT_TOKEN: '1000000/1m',
  RATE_LIMIT_SOCIAL: '1000000/1m',
  LOCKOUT_THRESHOLD: '1000',
};

export function runDir(): string {
  const dir = process.env.RELIABILITY_RUN_DIR;
  if (!dir) throw new Error('RELIABILITY_RUN_DIR is not set: run through `npm run test:faults`');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Starts a platform with the generous settings and registers its logs for the scan. */
export async function startReliabilityPlatform(opts: StartOptions = {}): Promise<PlatformHandle> {
  const platform = await startPlatform({ ...opts, env: { ...GENEROUS_ENV, ...(opts.env ?? {}) } });
  registerLogDir(platform.logDir);
  return platform;
}

export function registerLogDir(dir: string): void {
  appendFileSync(join(runDir(), 'log-dirs.txt'), `${dir}\n`);
}

export function logDirs(): string[] {
  const file = join(runDir(), 'log-dirs.txt');
  if (!existsSync(file)) return [];
  return [...new Set(readFileSync(file, 'utf8').split('\n').filter(Boolean))];
}

/** Remembers values that must never appear in any log (kind: password, token, secret, card). */
export function recordSecrets(kind: string, values: (string | undefined)[]): void {
  const lines = values
    .filter((v): v is string => typeof v === 'string' && v.length >= 8)
    .map((value) => JSON.stringify({ kind, value }));
  if (lines.length) appendFileSync(join(runDir(), 'secrets.jsonl'), `${lines.join('\n')}\n`);
}

export function recordedSecrets(): { kind: string; value: string }[] {
  const file = join(runDir(), 'secrets.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

export type Figures = Record<string, number | string | string[]>;

/** Writes one spec's figures (merged into figures.json by the logs spec, the last one). */
export function recordFigures(name: string, figures: Figures): void {
  writeFileSync(join(runDir(), `figures-${name}.json`), JSON.stringify(figures, null, 2));
}

export function allFigures(): Record<string, Figures> {
  const out: Record<string, Figures> = {};
  for (const f of readdirSync(runDir())) {
    const m = /^figures-(.+)\.json$/.exec(f);
    if (m) out[m[1]] = JSON.parse(readFileSync(join(runDir(), f), 'utf8'));
  }
  return out;
}
