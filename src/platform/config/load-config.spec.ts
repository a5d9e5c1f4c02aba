import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig, rolesOf } from './load-config.js';

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('loadConfig', () => {
  it('applies documented defaults', () => {
    const env = loadConfig({});
    expect(env.PORT).toBe(8000);
    expect(env.APP_ROLES).toEqual(['all']);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.RPC_TIMEOUT_MS).toBe(5000);
    expect(rolesOf(env)).toEqual(['gateway', 'auth', 'users', 'payments', 'analytics']);
  });

  it('names every bad variable in one message', () => {
    const found = problems({
      PORT: 'abc',
      LOG_LEVEL: 'loud',
      DATABASE_URL: 'mysql://x',
      RPC_TIMEOUT_MS: '-1',
    });
    expect(found.map((p) => p.split(':')[0]).sort()).toEqual([
      'DATABASE_URL',
      'LOG_LEVEL',
      'PORT',
      'RPC_TIMEOUT_MS',
    ]);
    expect(found.find((p) => p.startsWith('PORT'))).toContain('integer');
  });

  it('rejects unknown roles and a split role without NATS_URL', () => {
    expect(problems({ APP_ROLES: 'gateway,billing' })[0]).toMatch(
      /^APP_ROLES: unknown role "billing"/,
    );
    expect(problems({ APP_ROLES: 'auth', REDIS_URL: 'redis://127.0.0.1:6379' })).toEqual([
      expect.stringMatching(/^NATS_URL: required/),
    ]);
    expect(problems({ APP_ROLES: 'all,auth' })).toEqual([expect.stringMatching(/^APP_ROLES/)]);
    const split = loadConfig({
      APP_ROLES: 'auth,users',
      NATS_URL: 'nats://127.0.0.1:4222',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(rolesOf(split)).toEqual(['auth', 'users']);
  });

  it('refuses production without real services and a strong JWT secret', () => {
    const found = problems({ NODE_ENV: 'production' });
    expect(found.map((p) => p.split(':')[0]).sort()).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'JWT_SECRET', 'MFA_ENCRYPTION_KEY', 'REDIS_URL']),
    );
    const weak = problems({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/x',
      REDIS_URL: 'redis://cache',
      JWT_SECRET: 'short-secret',
    });
    expect(weak).toContainEqual(expect.stringMatching(/^JWT_SECRET/));
    const strong = problems({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/x',
      REDIS_URL: 'redis://cache',
      JWT_SECRET: 'k'.repeat(32),
      MFA_ENCRYPTION_KEY: 'ab'.repeat(32),
    });
    expect(strong).toEqual([]);
  });

  it('refuses an MFA_ENCRYPTION_KEY that is not 32 bytes, in any environment', () => {
    expect(problems({ MFA_ENCRYPTION_KEY: 'ab'.repeat(31) })).toEqual([
      expect.stringMatching(/^MFA_ENCRYPTION_KEY: must be 32 bytes/),
    ]);
    expect(problems({ MFA_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64') })).toEqual([]);
  });
});
