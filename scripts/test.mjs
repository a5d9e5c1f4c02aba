#!/usr/bin/env node
/**
 * `npm test`: build, dependency rules, unit and integration specs, then the e2e suite against
 * all parts in one process and, when NATS_URL and REDIS_URL are set, against the five split
 * processes: the same tests both ways. `--e2e-only` skips straight to the e2e runs.
 * Extra arguments go to jest (e.g. `npm test -- -t refresh`).
 */
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const e2eOnly = args.includes('--e2e-only');
const jestArgs = args.filter((a) => a !== '--e2e-only');
const env = { ...process.env, NODE_OPTIONS: '--experimental-vm-modules --no-warnings' };

const results = [];
function step(name, cmd, cmdArgs, extraEnv = {}) {
  const started = Date.now();
  process.stdout.write(`\n=== ${name} ===\n`);
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', env: { ...env, ...extraEnv } });
  const ok = r.status === 0;
  results.push({ name, ok, seconds: ((Date.now() - started) / 1000).toFixed(1) });
  if (!ok) finish(1);
}

function finish(code) {
  process.stdout.write('\n');
  for (const r of results) process.stdout.write(`${r.ok ? 'PASS' : 'FAIL'}  ${r.name} (${r.seconds} s)\n`);
  process.exit(code);
}

// --forceExit: a client library's stray timer must never hang CI after the results are in.
const jest = ['node_modules/jest/bin/jest.js', '--runInBand', '--forceExit'];
step('build', 'npm', ['run', '--silent', 'build']);
if (!e2eOnly) {
  step('dependency rules', 'npm', ['run', '--silent', 'depcheck']);
  step('unit and integration', process.execPath, [...jest, '--selectProjects', 'unit', ...jestArgs]);
}
step('e2e: all parts in one process', process.execPath, [...jest, '--selectProjects', 'e2e', ...jestArgs], {
  E2E_MODE: 'all',
});
if (process.env.NATS_URL && process.env.REDIS_URL) {
  step('e2e: five processes over NATS', process.execPath, [...jest, '--selectProjects', 'e2e', ...jestArgs], {
    E2E_MODE: 'split',
  });
} else {
  process.stdout.write('\n(split-mode e2e skipped: set NATS_URL and REDIS_URL to run it)\n');
}
finish(0);
