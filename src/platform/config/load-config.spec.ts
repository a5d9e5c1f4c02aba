import { describe, expect, it } from '@jest/globals';
import { renderEnvExample } from './env-example.js';
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

const FRONTEND = { FRONTEND_URL: 'https://app.example.com/signed-in' };

describe('OAUTH_PROVIDERS', () => {
  it('is empty by default', () => {
    expect(loadConfig({}).OAUTH_PROVIDERS).toEqual([]);
  });

  it('reads each listed provider from its own variables, with defaults per type', () => {
    const env = loadConfig({
      ...FRONTEND,
      OAUTH_PROVIDERS: 'google, GitHub,acme',
      OAUTH_GOOGLE_CLIENT_ID: 'g-id',
      OAUTH_GOOGLE_CLIENT_SECRET: 'g-secret',
      OAUTH_GITHUB_CLIENT_ID: 'gh-id',
      OAUTH_GITHUB_CLIENT_SECRET: 'gh-secret',
      OAUTH_ACME_CLIENT_ID: 'a-id',
      OAUTH_ACME_CLIENT_SECRET: 'a-secret',
      OAUTH_ACME_ISSUER: 'https://login.acme.example/',
      OAUTH_ACME_SCOPES: 'openid,email',
    });
    expect(env.OAUTH_PROVIDERS).toEqual([
      {
        name: 'google',
        type: 'oidc',
        clientId: 'g-id',
        clientSecret: 'g-secret',
        scopes: ['openid', 'email', 'profile'],
        issuer: 'https://accounts.google.com',
      },
      {
        name: 'github',
        type: 'github',
        clientId: 'gh-id',
        clientSecret: 'gh-secret',
        scopes: ['read:user', 'user:email'],
        webUrl: 'https://github.com',
        apiUrl: 'https://api.github.com',
      },
      {
        name: 'acme',
        type: 'oidc',
        clientId: 'a-id',
        clientSecret: 'a-secret',
        scopes: ['openid', 'email'],
        issuer: 'https://login.acme.example',
      },
    ]);
  });

  it('names every bad provider variable, not OAUTH_PROVIDERS', () => {
    const found = problems({
      ...FRONTEND,
      OAUTH_PROVIDERS: 'acme,github,corp',
      OAUTH_ACME_CLIENT_ID: 'a',
      OAUTH_ACME_ISSUER: 'http://login.acme.example',
      OAUTH_ACME_SCOPES: 'email',
      OAUTH_GITHUB_CLIENT_ID: 'gh',
      OAUTH_GITHUB_CLIENT_SECRET: 's',
      OAUTH_GITHUB_API_URL: 'not a url',
      OAUTH_GITHUB_ISSUER: 'https://github.com',
      OAUTH_CORP_TYPE: 'saml',
      OAUTH_CORP_CLIENT_ID: 'c',
      OAUTH_CORP_CLIENT_SECRET: 's',
      OAUTH_CORP_ISSUER: 'https://sso.corp.example',
    });
    expect(found.map((p) => p.split(':')[0]).sort()).toEqual([
      'OAUTH_ACME_CLIENT_SECRET',
      'OAUTH_ACME_ISSUER',
      'OAUTH_ACME_SCOPES',
      'OAUTH_CORP_TYPE',
      'OAUTH_GITHUB_API_URL',
      'OAUTH_GITHUB_ISSUER',
    ]);
    expect(found.find((p) => p.startsWith('OAUTH_ACME_ISSUER'))).toMatch(/https/);
  });

  it('requires an issuer for an oidc provider other than google', () => {
    expect(
      problems({
        ...FRONTEND,
        OAUTH_PROVIDERS: 'acme',
        OAUTH_ACME_CLIENT_ID: 'a',
        OAUTH_ACME_CLIENT_SECRET: 's',
      }),
    ).toEqual([expect.stringMatching(/^OAUTH_ACME_ISSUER: required/)]);
  });

  it('accepts http only for a provider on this machine', () => {
    const base = {
      ...FRONTEND,
      OAUTH_PROVIDERS: 'dev',
      OAUTH_DEV_CLIENT_ID: 'd',
      OAUTH_DEV_CLIENT_SECRET: 's',
    };
    expect(problems({ ...base, OAUTH_DEV_ISSUER: 'http://127.0.0.1:9000' })).toEqual([]);
    expect(problems({ ...base, OAUTH_DEV_ISSUER: 'http://localhost:9000/realms/x' })).toEqual([]);
    expect(problems({ ...base, OAUTH_DEV_ISSUER: 'http://10.0.0.5' })).toEqual([
      expect.stringMatching(/^OAUTH_DEV_ISSUER: must use https/),
    ]);
  });

  it('refuses bad, reserved and repeated names, and a missing FRONTEND_URL', () => {
    const found = problems({ OAUTH_PROVIDERS: 'exchange,my-idp,github,github' });
    expect(found.filter((p) => p.startsWith('OAUTH_PROVIDERS:'))).toEqual([
      expect.stringContaining('"exchange"'),
      expect.stringContaining('"my-idp"'),
      expect.stringContaining('listed twice'),
    ]);
    expect(found).toContainEqual(expect.stringMatching(/^OAUTH_GITHUB_CLIENT_ID: required/));
    const noFrontend = problems({
      OAUTH_PROVIDERS: 'github',
      OAUTH_GITHUB_CLIENT_ID: 'gh',
      OAUTH_GITHUB_CLIENT_SECRET: 's',
    });
    expect(noFrontend).toEqual([expect.stringMatching(/^FRONTEND_URL: required/)]);
  });

  it('documents the per-provider variables in .env.example', () => {
    const text = renderEnvExample();
    expect(text).toContain('OAUTH_PROVIDERS=');
    expect(text).toContain('#   OAUTH_<NAME>_CLIENT_ID:');
    expect(text).toContain('#   OAUTH_<NAME>_ISSUER:');
    expect(text).toContain('# FRONTEND_URL=');
  });

  it('refuses a key-pair algorithm in production without a key that seals private keys', () => {
    const prod = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/x',
      REDIS_URL: 'redis://cache',
      JWT_SECRET: 'k'.repeat(32),
      MFA_ENCRYPTION_KEY: 'cd'.repeat(32),
    };
    expect(problems(prod)).toEqual([]);
    for (const alg of ['ES256', 'EdDSA']) {
      expect(problems({ ...prod, JWT_ALGORITHM: alg })).toEqual([
        expect.stringMatching(/^JWT_KEY_ENCRYPTION_KEY: required in production/),
      ]);
    }
    const key = 'ab'.repeat(32);
    expect(problems({ ...prod, JWT_ALGORITHM: 'ES256', JWT_KEY_ENCRYPTION_KEY: key })).toEqual([]);
    // A malformed key is refused everywhere; an unknown algorithm too.
    expect(problems({ JWT_KEY_ENCRYPTION_KEY: 'short' })).toEqual([
      expect.stringMatching(/^JWT_KEY_ENCRYPTION_KEY: must be 32 bytes/),
    ]);
    expect(problems({ JWT_ALGORITHM: 'RS256' })).toEqual([
      expect.stringMatching(/^JWT_ALGORITHM: must be one of HS256, ES256, EdDSA/),
    ]);
    expect(problems({ JWT_ALGORITHM: 'ES256' })).toEqual([]);
  });
});
