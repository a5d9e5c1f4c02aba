import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { renderEnvExample } from '../../src/platform/config/env-example.js';

/** Runs the built server (npm test builds first) with a given environment. */
function start(env: NodeJS.ProcessEnv) {
  const clean = { PATH: process.env.PATH, HOME: process.env.HOME, ...env };
  return spawnSync(process.execPath, ['dist/main.js'], {
    env: clean,
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('start-up refusals', () => {
  it('exits non-zero naming PORT when PORT is not a number', () => {
    const r = start({ PORT: 'abc' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/PORT: must be an integer/);
  });

  it('exits non-zero naming NATS_URL for a split role without it', () => {
    const r = start({ APP_ROLES: 'auth', REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/NATS_URL/);
  });

  it('refuses production with the development JWT secret', () => {
    const r = start({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://127.0.0.1:1/x',
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/JWT_SECRET/);
  });

  it('refuses production with ES256 and no key to seal the private signing keys', () => {
    const r = start({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://127.0.0.1:1/x',
      REDIS_URL: 'redis://127.0.0.1:1',
      JWT_SECRET: 'p'.repeat(40),
      MFA_ENCRYPTION_KEY: 'cd'.repeat(32),
      JWT_ALGORITHM: 'ES256',
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/JWT_KEY_ENCRYPTION_KEY: required in production/);
  });

  it('split starter refuses without NATS_URL and names it', () => {
    const r = spawnSync(process.execPath, ['dist/platform/cli/start-split.js'], {
      env: { PATH: process.env.PATH },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/NATS_URL/);
  });
});

describe('.env.example', () => {
  it('lists every variable with its default (regenerate with npm run env:example)', () => {
    expect(readFileSync('.env.example', 'utf8')).toBe(renderEnvExample());
  });
});
